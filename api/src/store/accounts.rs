//! Accounts: the companies handoffs are about, each owned by one seller.

use chrono::{DateTime, Utc};
use entity::account;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::page::{Order, split_page};
use super::{Page, StoreError, TenantTx};

pub use account::Model as Account;

pub struct AccountFields {
    pub name: String,
    pub seller_id: Uuid,
    pub on_priority_list: bool,
}

pub async fn create(tx: &TenantTx, fields: AccountFields, now: DateTime<Utc>) -> Result<Account, StoreError> {
    Ok(account::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(tx.organization_id()),
        name: Set(fields.name),
        seller_id: Set(fields.seller_id),
        on_priority_list: Set(fields.on_priority_list),
        confirmed_by_sales: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
    }
    .insert(tx.conn())
    .await?)
}

pub async fn find(tx: &TenantTx, id: Uuid) -> Result<Option<Account>, StoreError> {
    Ok(account::Entity::find_by_id(id)
        .filter(account::Column::OrganizationId.eq(tx.organization_id()))
        .one(tx.conn())
        .await?)
}

pub async fn find_many(tx: &TenantTx, ids: &[Uuid]) -> Result<Vec<Account>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(account::Entity::find()
        .filter(account::Column::OrganizationId.eq(tx.organization_id()))
        .filter(account::Column::Id.is_in(ids.iter().copied()))
        .all(tx.conn())
        .await?)
}

#[derive(Debug, Clone, Copy)]
pub struct AccountFilter {
    pub include_archived: bool,
    pub seller_id: Option<Uuid>,
}

/// How many accounts `filter` keeps, over every page.
pub async fn count(tx: &TenantTx, filter: AccountFilter) -> Result<u64, StoreError> {
    Ok(filtered(tx, filter).count(tx.conn()).await?)
}

fn filtered(tx: &TenantTx, filter: AccountFilter) -> sea_orm::Select<account::Entity> {
    let mut query = account::Entity::find().filter(account::Column::OrganizationId.eq(tx.organization_id()));
    if !filter.include_archived {
        query = query.filter(account::Column::ArchivedAt.is_null());
    }
    if let Some(seller) = filter.seller_id {
        query = query.filter(account::Column::SellerId.eq(seller));
    }
    query
}

pub async fn list(tx: &TenantTx, filter: AccountFilter, page: Page) -> Result<(Vec<Account>, bool), StoreError> {
    let query = page.keyset(filtered(tx, filter), account::Column::Id, Order::OldestFirst);
    Ok(split_page(query.all(tx.conn()).await?, page))
}

pub async fn update(
    tx: &TenantTx,
    row: Account,
    fields: AccountFields,
    now: DateTime<Utc>,
) -> Result<Account, StoreError> {
    let mut active = row.into_active_model();
    active.name = Set(fields.name);
    active.seller_id = Set(fields.seller_id);
    active.on_priority_list = Set(fields.on_priority_list);
    active.updated_at = Set(now);
    Ok(active.update(tx.conn()).await?)
}

pub async fn set_confirmed(
    tx: &TenantTx,
    row: Account,
    confirmed: bool,
    now: DateTime<Utc>,
) -> Result<Account, StoreError> {
    let mut active = row.into_active_model();
    active.confirmed_by_sales = Set(confirmed);
    active.updated_at = Set(now);
    Ok(active.update(tx.conn()).await?)
}

pub async fn archive(tx: &TenantTx, row: Account, now: DateTime<Utc>) -> Result<Account, StoreError> {
    if row.archived_at.is_some() {
        return Ok(row);
    }
    let mut active = row.into_active_model();
    active.archived_at = Set(Some(now));
    active.updated_at = Set(now);
    Ok(active.update(tx.conn()).await?)
}

pub async fn organization_of(conn: &impl sea_orm::ConnectionTrait, id: Uuid) -> Result<Option<Uuid>, StoreError> {
    super::locate::organization_of::<account::Entity>(conn, account::Column::Id, account::Column::OrganizationId, id)
        .await
}

/// Rows by (organization, id), for batch loading; a key whose row belongs to another organization
/// finds nothing.
pub async fn find_keyed(
    conn: &impl sea_orm::ConnectionTrait,
    keys: &[(Uuid, Uuid)],
) -> Result<Vec<Account>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows =
        account::Entity::find().filter(account::Column::Id.is_in(keys.iter().map(|(_, id)| *id))).all(conn).await?;
    Ok(rows.into_iter().filter(|r| keys.contains(&(r.organization_id, r.id))).collect())
}

/// Ids of the live accounts sales has confirmed as targets.
pub async fn confirmed_ids(tx: &TenantTx) -> Result<Vec<Uuid>, StoreError> {
    Ok(account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::OrganizationId.eq(tx.organization_id()))
        .filter(account::Column::ConfirmedBySales.eq(true))
        .filter(account::Column::ArchivedAt.is_null())
        .into_tuple::<Uuid>()
        .all(tx.conn())
        .await?)
}
