//! Sellers' answers to handoffs, kept whole: every clarification request, accept and decline.

use chrono::{DateTime, Utc};
use entity::handoff_response;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::handoffs::HandoffRow;
use super::{StoreError, TenantTx, codes};
use crate::domain::scorecard::{Component, Decision};

pub use handoff_response::Model as ResponseRow;

pub fn decision_of(row: &ResponseRow) -> Decision {
    row.decision.into()
}

pub fn failed_components_of(row: &ResponseRow) -> Vec<Component> {
    codes::components(&row.failed_components)
}

pub async fn add(
    tx: &TenantTx,
    handoff: &HandoffRow,
    decision: Decision,
    reason: Option<String>,
    failed_components: &[Component],
    now: DateTime<Utc>,
) -> Result<ResponseRow, StoreError> {
    Ok(handoff_response::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(tx.organization_id()),
        handoff_id: Set(handoff.id),
        seller_id: Set(tx.user_id()),
        decision: Set(decision.into()),
        reason: Set(reason),
        failed_components: Set(codes::stored_components(failed_components)),
        created_at: Set(now),
    }
    .insert(tx.conn())
    .await?)
}

/// One response of `organization`, by id (an event names it; the organization comes with it).
pub async fn find(
    conn: &impl sea_orm::ConnectionTrait,
    organization_id: Uuid,
    id: Uuid,
) -> Result<Option<ResponseRow>, StoreError> {
    Ok(handoff_response::Entity::find_by_id(id)
        .filter(handoff_response::Column::OrganizationId.eq(organization_id))
        .one(conn)
        .await?)
}

/// One response of the transaction's organization, by id.
pub async fn find_in(tx: &TenantTx, id: Uuid) -> Result<Option<ResponseRow>, StoreError> {
    find(tx.conn(), tx.organization_id(), id).await
}

/// The responses to the handoffs keyed by (organization, handoff), oldest first, in one statement.
/// The keys come from handoff rows the caller could already see.
pub async fn of_handoffs_keyed(
    conn: &impl sea_orm::ConnectionTrait,
    keys: &[(Uuid, Uuid)],
) -> Result<Vec<ResponseRow>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows = handoff_response::Entity::find()
        .filter(handoff_response::Column::HandoffId.is_in(keys.iter().map(|(_, id)| *id)))
        .order_by_asc(handoff_response::Column::Id)
        .all(conn)
        .await?;
    Ok(rows.into_iter().filter(|r| keys.contains(&(r.organization_id, r.handoff_id))).collect())
}
