//! Accounts: the companies handoffs are about, each owned by one seller.

use chrono::{DateTime, Utc};
use entity::account;
use sea_orm::{ActiveModelTrait, ColumnTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use super::page::{Order, split_page};
use super::tenant_table::{Archivable, TenantTable, WholeOrganization};
use super::{Page, StoreError, TenantTx};

pub use account::Model as Account;

impl TenantTable for account::Entity {
    const ID: account::Column = account::Column::Id;
    const ORGANIZATION: account::Column = account::Column::OrganizationId;
    fn key(row: &Account) -> (Uuid, Uuid) {
        (row.organization_id, row.id)
    }
}

impl WholeOrganization for account::Entity {}

/// Archived rows leave lists but keep their handoffs' history; archiving twice keeps the first time.
impl Archivable for account::Entity {
    const ARCHIVED_AT: account::Column = account::Column::ArchivedAt;
    const UPDATED_AT: Option<account::Column> = Some(account::Column::UpdatedAt);
}

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
    let mut query = account::Entity::visible(tx);
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

/// Ids of the live accounts sales has confirmed as targets.
pub async fn confirmed_ids(tx: &TenantTx) -> Result<Vec<Uuid>, StoreError> {
    Ok(super::tenant_table::of_organization::<account::Entity>(tx)
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::ConfirmedBySales.eq(true))
        .filter(account::Column::ArchivedAt.is_null())
        .into_tuple::<Uuid>()
        .all(tx.conn())
        .await?)
}
