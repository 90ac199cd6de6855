//! The organization's audit trail: appended in the same transaction as the change it records.

use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Set};
use uuid::Uuid;

use super::page::{Order, split_page};
use super::tenant_table::TenantTable;
use super::{Page, StoreError, TenantTx};
use crate::domain::audit::Action;

pub use audit_event::Model as AuditEvent;

/// Records that the transaction's caller did `action` to `target`. `detail` must hold no secret.
pub async fn record(
    tx: &TenantTx,
    action: Action,
    target: Option<Uuid>,
    detail: impl Into<String>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let detail: String = detail.into().chars().take(1000).collect();
    audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(tx.organization_id()),
        actor_user_id: Set(Some(tx.user_id())),
        api_token_id: Set(tx.api_token_id()),
        action: Set(action.into()),
        target_id: Set(target),
        detail: Set(detail),
        at: Set(now),
    }
    .insert(tx.conn())
    .await?;
    Ok(())
}

/// One page of the trail, newest first.
pub async fn list(tx: &TenantTx, page: Page) -> Result<(Vec<AuditEvent>, bool), StoreError> {
    let query = audit_event::Entity::visible(tx);
    let query = page.keyset(query, audit_event::Column::Id, Order::NewestFirst);
    let rows = query.all(tx.conn()).await?;
    Ok(split_page(rows, page))
}

pub async fn find(tx: &TenantTx, id: Uuid) -> Result<Option<AuditEvent>, StoreError> {
    Ok(audit_event::Entity::visible(tx).filter(audit_event::Column::Id.eq(id)).one(tx.conn()).await?)
}
