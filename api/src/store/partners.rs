//! Partners: who partner marketing brings to sales.

use chrono::{DateTime, Utc};
use entity::partner;
use sea_orm::{ActiveModelTrait, ColumnTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use super::page::{Order, split_page};
use super::tenant_table::{Archivable, TenantTable, WholeOrganization};
use super::{Page, StoreError, TenantTx};

pub use partner::Model as Partner;

impl TenantTable for partner::Entity {
    const ID: partner::Column = partner::Column::Id;
    const ORGANIZATION: partner::Column = partner::Column::OrganizationId;
    fn key(row: &Partner) -> (Uuid, Uuid) {
        (row.organization_id, row.id)
    }
}

impl WholeOrganization for partner::Entity {}

/// Archived rows leave lists but keep their handoffs' history; archiving twice keeps the first time.
impl Archivable for partner::Entity {
    const ARCHIVED_AT: partner::Column = partner::Column::ArchivedAt;
    const UPDATED_AT: Option<partner::Column> = Some(partner::Column::UpdatedAt);
}

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

/// How many partners the list holds over every page.
pub async fn count(tx: &TenantTx, include_archived: bool) -> Result<u64, StoreError> {
    Ok(filtered(tx, include_archived).count(tx.conn()).await?)
}

fn filtered(tx: &TenantTx, include_archived: bool) -> sea_orm::Select<partner::Entity> {
    let query = partner::Entity::visible(tx);
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
