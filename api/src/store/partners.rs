//! Partners: who partner marketing brings to sales.

use chrono::{DateTime, Utc};
use entity::partner;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use super::page::{Order, split_page};
use super::{Page, StoreError, TenantTx};

pub use partner::Model as Partner;

pub struct PartnerFields {
    pub name: String,
    pub sells: String,
    pub why_they_matter: String,
}

pub async fn create(tx: &TenantTx, fields: PartnerFields, now: DateTime<Utc>) -> Result<Partner, StoreError> {
    Ok(partner::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(tx.organization_id()),
        name: Set(fields.name),
        sells: Set(fields.sells),
        why_they_matter: Set(fields.why_they_matter),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
    }
    .insert(tx.conn())
    .await?)
}

pub async fn find(tx: &TenantTx, id: Uuid) -> Result<Option<Partner>, StoreError> {
    Ok(partner::Entity::find_by_id(id)
        .filter(partner::Column::OrganizationId.eq(tx.organization_id()))
        .one(tx.conn())
        .await?)
}

pub async fn find_many(tx: &TenantTx, ids: &[Uuid]) -> Result<Vec<Partner>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(partner::Entity::find()
        .filter(partner::Column::OrganizationId.eq(tx.organization_id()))
        .filter(partner::Column::Id.is_in(ids.iter().copied()))
        .all(tx.conn())
        .await?)
}

/// How many partners the list holds over every page.
pub async fn count(tx: &TenantTx, include_archived: bool) -> Result<u64, StoreError> {
    Ok(filtered(tx, include_archived).count(tx.conn()).await?)
}

fn filtered(tx: &TenantTx, include_archived: bool) -> sea_orm::Select<partner::Entity> {
    let query = partner::Entity::find().filter(partner::Column::OrganizationId.eq(tx.organization_id()));
    if include_archived { query } else { query.filter(partner::Column::ArchivedAt.is_null()) }
}

pub async fn list(tx: &TenantTx, include_archived: bool, page: Page) -> Result<(Vec<Partner>, bool), StoreError> {
    let query = page.keyset(filtered(tx, include_archived), partner::Column::Id, Order::OldestFirst);
    Ok(split_page(query.all(tx.conn()).await?, page))
}

pub async fn update(
    tx: &TenantTx,
    row: Partner,
    fields: PartnerFields,
    now: DateTime<Utc>,
) -> Result<Partner, StoreError> {
    let mut active = row.into_active_model();
    active.name = Set(fields.name);
    active.sells = Set(fields.sells);
    active.why_they_matter = Set(fields.why_they_matter);
    active.updated_at = Set(now);
    Ok(active.update(tx.conn()).await?)
}

/// Archived partners leave lists but keep their handoffs' history; archiving twice keeps the first time.
pub async fn archive(tx: &TenantTx, row: Partner, now: DateTime<Utc>) -> Result<Partner, StoreError> {
    if row.archived_at.is_some() {
        return Ok(row);
    }
    let mut active = row.into_active_model();
    active.archived_at = Set(Some(now));
    active.updated_at = Set(now);
    Ok(active.update(tx.conn()).await?)
}

/// The organization a partner belongs to, so membership can be checked before anything else.
pub async fn organization_of(conn: &impl sea_orm::ConnectionTrait, id: Uuid) -> Result<Option<Uuid>, StoreError> {
    super::locate::organization_of::<partner::Entity>(conn, partner::Column::Id, partner::Column::OrganizationId, id)
        .await
}

/// Rows by (organization, id), for batch loading; a key whose row belongs to another organization
/// finds nothing.
pub async fn find_keyed(
    conn: &impl sea_orm::ConnectionTrait,
    keys: &[(Uuid, Uuid)],
) -> Result<Vec<Partner>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows =
        partner::Entity::find().filter(partner::Column::Id.is_in(keys.iter().map(|(_, id)| *id))).all(conn).await?;
    Ok(rows.into_iter().filter(|r| keys.contains(&(r.organization_id, r.id))).collect())
}
