//! A handoff's status changes, each a conditional UPDATE so that concurrent requests, or several
//! server processes, make each change once.

use chrono::{DateTime, Utc};
use entity::codes::HandoffStatus as StoredStatus;
use entity::handoff;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, TransactionTrait};
use uuid::Uuid;

use super::HandoffRow;
use crate::domain::events::{HandoffEvent, HandoffEventKind};
use crate::domain::scorecard::{HandoffStatus, Sending};
use crate::store::{StoreError, TenantTx};

/// DRAFT → SENT. Returns false when the handoff was no longer a draft (someone sent it first).
pub async fn mark_sent(tx: &TenantTx, row: &mut HandoffRow, sending: Sending) -> Result<bool, StoreError> {
    let Sending { sent_at, respond_by } = sending;
    let sent = transition(tx, row.id, HandoffStatus::Draft, |update| {
        update
            .col_expr(handoff::Column::Status, Expr::value(StoredStatus::Sent))
            .col_expr(handoff::Column::SentAt, Expr::value(sent_at))
            .col_expr(handoff::Column::RespondBy, Expr::value(respond_by))
            .col_expr(handoff::Column::UpdatedAt, Expr::value(sent_at))
    })
    .await?;
    if sent {
        // `row` now reads as the database does, without reading it again.
        row.status = HandoffStatus::Sent.into();
        row.sent_at = Some(sent_at);
        row.respond_by = Some(respond_by);
        row.updated_at = sent_at;
    }
    Ok(sent)
}

/// SENT → ACCEPTED or DECLINED. Returns false when a decision was already recorded.
pub async fn mark_decided(
    tx: &TenantTx,
    id: Uuid,
    status: HandoffStatus,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    transition(tx, id, HandoffStatus::Sent, |update| {
        update
            .col_expr(handoff::Column::Status, Expr::value(StoredStatus::from(status)))
            .col_expr(handoff::Column::DecidedAt, Expr::value(at))
            .col_expr(handoff::Column::UpdatedAt, Expr::value(at))
    })
    .await
}

/// A status change that happens only if the handoff is still in `from`, in one statement, so two
/// concurrent requests cannot both make it.
async fn transition(
    tx: &TenantTx,
    id: Uuid,
    from: HandoffStatus,
    set: impl FnOnce(sea_orm::UpdateMany<handoff::Entity>) -> sea_orm::UpdateMany<handoff::Entity>,
) -> Result<bool, StoreError> {
    let update = super::super::tenant_table::update_in::<handoff::Entity>(tx)
        .filter(handoff::Column::Id.eq(id))
        .filter(handoff::Column::Status.eq(StoredStatus::from(from)));
    Ok(set(update).exec(tx.conn()).await?.rows_affected == 1)
}

/// Marks, once, every sent handoff past its deadline without a decision, each with its OVERDUE
/// event (and webhook deliveries, `payload` giving their body) in one transaction; returns how many
/// this call marked. Each mark is a conditional UPDATE, so with several server processes each
/// handoff is marked, and reported, by exactly one of them.
pub async fn mark_overdue(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    payload: impl Fn(Uuid, &HandoffEvent) -> String,
) -> Result<usize, StoreError> {
    let due: Vec<(Uuid, Uuid)> = handoff::Entity::find()
        .select_only()
        .column(handoff::Column::OrganizationId)
        .column(handoff::Column::Id)
        .filter(handoff::Column::Status.eq(StoredStatus::Sent))
        .filter(handoff::Column::RespondBy.lt(now))
        .filter(handoff::Column::OverdueAt.is_null())
        .limit(500)
        .into_tuple()
        .all(db)
        .await?;
    let mut marked = 0;
    for (organization_id, id) in due {
        // One handoff that cannot be marked holds up none of the others, in any organization.
        match mark_one_overdue(db, organization_id, id, now, &payload).await {
            Ok(true) => marked += 1,
            Ok(false) => {}
            Err(error) => {
                tracing::error!(%error, handoff = %id, "marking a handoff overdue failed; it is tried again at the next tick");
            }
        }
    }
    Ok(marked)
}

/// Marks one handoff overdue with its OVERDUE event, together or not at all; false when it no
/// longer needs marking (answered, or marked by another process, since it was listed).
async fn mark_one_overdue(
    db: &DatabaseConnection,
    organization_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
    payload: &impl Fn(Uuid, &HandoffEvent) -> String,
) -> Result<bool, StoreError> {
    let tx = db.begin().await?;
    let result = handoff::Entity::update_many()
        .col_expr(handoff::Column::OverdueAt, Expr::value(now))
        .filter(handoff::Column::Id.eq(id))
        .filter(handoff::Column::OverdueAt.is_null())
        .filter(handoff::Column::Status.eq(StoredStatus::Sent))
        .filter(handoff::Column::RespondBy.lt(now))
        .exec(&tx)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    let event = HandoffEvent::new(organization_id, id, HandoffEventKind::Overdue, now);
    let event_id = Uuid::now_v7();
    crate::store::events::record_in(&tx, event_id, &event, &payload(event_id, &event)).await?;
    tx.commit().await?;
    Ok(true)
}
