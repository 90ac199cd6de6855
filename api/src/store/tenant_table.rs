//! What every tenant table shares, written once: the caller's rows, finding them by id, paging,
//! archiving, and the one unscoped read (which organization a row belongs to). A table names its
//! id and organization columns, its archive time if rows are archived, and, when some role sees
//! less than the whole organization, what that role sees.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, ValueType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter, Select,
    UpdateMany,
};
use uuid::Uuid;

use super::page::{Order, split_page};
use super::{Page, PortfolioTx, StoreError, TenantTx};

/// A table whose rows each belong to one organization.
pub trait TenantTable: EntityTrait {
    const ID: Self::Column;
    const ORGANIZATION: Self::Column;

    /// A row's organization and id.
    fn key(row: &Self::Model) -> (Uuid, Uuid);

    /// The rows the caller may see: the organization's, unless the table narrows them by role.
    fn visible(tx: &TenantTx) -> Select<Self> {
        of_organization::<Self>(tx)
    }
}

/// Every row of the transaction's organization, whatever the caller's role may see: for facts
/// about the organization (trust signals, the send gate) rather than reads of rows.
pub fn of_organization<T: TenantTable>(tx: &TenantTx) -> Select<T> {
    T::find().filter(T::ORGANIZATION.eq(tx.organization_id()))
}

/// Every row of the portfolio transaction's organizations: for a portfolio's facts, read for all of
/// its organizations in one statement. Its readers are their ADMINs and SALES_LEADERs, who see
/// every row of each.
pub fn of_organizations<T: TenantTable>(ptx: &PortfolioTx) -> Select<T> {
    T::find().filter(T::ORGANIZATION.is_in(ptx.organization_ids().iter().copied()))
}

/// The rows of table `T` with these ids among the portfolio's organizations.
pub async fn find_many_across<T: TenantTable>(ptx: &PortfolioTx, ids: &[Uuid]) -> Result<Vec<T::Model>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(of_organizations::<T>(ptx).filter(T::ID.is_in(ids.iter().copied())).all(ptx.conn()).await?)
}

/// An update of rows of the transaction's organization only.
pub fn update_in<T: TenantTable>(tx: &TenantTx) -> UpdateMany<T> {
    T::update_many().filter(T::ORGANIZATION.eq(tx.organization_id()))
}

/// A table every member sees whole (what a role may do with it is checked before reading): its
/// `visible` is the organization's rows, so rows of it may be loaded by key outside a transaction.
pub trait WholeOrganization: TenantTable {}

/// `TenantTable` for a table with `id` and `organization_id` columns; with `of_handoff`, the
/// caller sees the rows about the handoffs they may see (grades, answers, events).
macro_rules! tenant_table {
    ($entity:ident $(, of_handoff $handoff:ident)?) => {
        impl TenantTable for entity::$entity::Entity {
            const ID: entity::$entity::Column = entity::$entity::Column::Id;
            const ORGANIZATION: entity::$entity::Column = entity::$entity::Column::OrganizationId;
            fn key(row: &Self::Model) -> (Uuid, Uuid) {
                (row.organization_id, row.id)
            }
            $(
                fn visible(tx: &TenantTx) -> Select<Self> {
                    let rows = of_organization::<Self>(tx);
                    super::handoffs::of_visible_handoffs(rows, entity::$entity::Column::$handoff, tx)
                }
            )?
        }
    };
}

tenant_table!(membership);
tenant_table!(api_token);
tenant_table!(audit_event);
tenant_table!(invitation);
tenant_table!(webhook_endpoint);
tenant_table!(webhook_delivery);
tenant_table!(working_agreement);
tenant_table!(handoff_grade, of_handoff HandoffId);
tenant_table!(handoff_response, of_handoff HandoffId);
tenant_table!(handoff_event, of_handoff HandoffId);

impl WholeOrganization for entity::membership::Entity {}
impl WholeOrganization for entity::api_token::Entity {}
impl WholeOrganization for entity::audit_event::Entity {}
impl WholeOrganization for entity::invitation::Entity {}
impl WholeOrganization for entity::webhook_endpoint::Entity {}
impl WholeOrganization for entity::webhook_delivery::Entity {}
impl WholeOrganization for entity::working_agreement::Entity {}

/// A tenant table whose rows are archived, never deleted.
pub trait Archivable: TenantTable {
    const ARCHIVED_AT: Self::Column;
    /// The column of the row's last change, where the table keeps one.
    const UPDATED_AT: Option<Self::Column> = None;
}

/// The row `id`, if the caller may see it.
pub async fn find<T: TenantTable>(tx: &TenantTx, id: Uuid) -> Result<Option<T::Model>, StoreError> {
    Ok(T::visible(tx).filter(T::ID.eq(id)).one(tx.conn()).await?)
}

/// The rows among `ids` the caller may see.
pub async fn find_many<T: TenantTable>(tx: &TenantTx, ids: &[Uuid]) -> Result<Vec<T::Model>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(T::visible(tx).filter(T::ID.is_in(ids.iter().copied())).all(tx.conn()).await?)
}

/// One keyset page of `query` (narrowed from `visible`) by id, and whether more rows follow.
pub async fn page<T: TenantTable>(
    tx: &TenantTx,
    query: Select<T>,
    page: Page,
    order: Order,
) -> Result<(Vec<T::Model>, bool), StoreError> {
    let query = page.keyset(query, T::ID, order);
    Ok(split_page(query.all(tx.conn()).await?, page))
}

/// Archives `row` at `now`, unless it is archived already, and returns it as stored.
pub async fn archive<T>(tx: &TenantTx, row: T::Model, now: DateTime<Utc>) -> Result<T::Model, StoreError>
where
    T: Archivable,
    T::Model: IntoActiveModel<T::ActiveModel>,
    T::ActiveModel: ActiveModelTrait<Entity = T> + Send,
{
    let archived: Option<DateTime<Utc>> = ValueType::try_from(row.get(T::ARCHIVED_AT))
        .map_err(|_| StoreError::Db(sea_orm::DbErr::Type("an archive time is not a time".into())))?;
    if archived.is_some() {
        return Ok(row);
    }
    let mut active = row.into_active_model();
    active.set(T::ARCHIVED_AT, Some(now).into());
    if let Some(updated_at) = T::UPDATED_AT {
        active.set(updated_at, now.into());
    }
    Ok(active.update(tx.conn()).await?)
}

/// Rows by (organization, id), for batch loading outside a tenant transaction; a key whose row
/// belongs to another organization finds nothing.
pub async fn find_keyed<T: WholeOrganization>(
    conn: &impl ConnectionTrait,
    keys: &[(Uuid, Uuid)],
) -> Result<Vec<T::Model>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows = T::find().filter(T::ID.is_in(keys.iter().map(|(_, id)| *id))).all(conn).await?;
    Ok(rows.into_iter().filter(|row| keys.contains(&T::key(row))).collect())
}

/// Which organization row `id` of `table` belongs to. The one kind of unscoped read: it reveals
/// nothing but that id, so the caller's membership there is checked before anything is read.
/// Every tenant table has an `id` and an `organization_id` column.
pub async fn organization_of(
    conn: &impl ConnectionTrait,
    table: &'static str,
    id: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    let query = Query::select()
        .column(Alias::new("organization_id"))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    let found = conn.query_one_raw(conn.get_database_backend().build(&query)).await?;
    Ok(found.map(|row| row.try_get("", "organization_id")).transpose()?)
}
