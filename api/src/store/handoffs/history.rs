//! What was sent, read for scorecards and trust signals: organization facts, not a member's view.

use chrono::{DateTime, Utc};
use entity::handoff;
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{HandoffRow, visible};
use crate::store::{StoreError, TenantTx};

/// The last `n` handoffs that were actually sent, newest first ("your last three, not your best one").
pub async fn last_sent(
    tx: &TenantTx,
    n: u64,
    partner_id: Option<Uuid>,
    marketer_id: Option<Uuid>,
) -> Result<Vec<HandoffRow>, StoreError> {
    let mut query = visible(tx)
        .filter(handoff::Column::SentAt.is_not_null())
        .filter(handoff::Column::ArchivedAt.is_null())
        .order_by_desc(handoff::Column::SentAt)
        .order_by_desc(handoff::Column::Id);
    if let Some(partner) = partner_id {
        query = query.filter(handoff::Column::PartnerId.eq(partner));
    }
    if let Some(marketer) = marketer_id {
        query = query.filter(handoff::Column::CreatedBy.eq(marketer));
    }
    Ok(query.limit(n).all(tx.conn()).await?)
}

/// Whether partner marketing had sent a handoff on `account_id` strictly before `at`. Not narrowed by the caller's visibility: it is a fact about the
/// organization, not a read of handoffs.
pub async fn sent_on_account_before(tx: &TenantTx, account_id: Uuid, at: DateTime<Utc>) -> Result<bool, StoreError> {
    let found = super::super::tenant_table::of_organization::<handoff::Entity>(tx)
        .select_only()
        .column(handoff::Column::Id)
        .filter(handoff::Column::AccountId.eq(account_id))
        .filter(handoff::Column::SentAt.lt(at))
        .into_tuple::<Uuid>()
        .one(tx.conn())
        .await?;
    Ok(found.is_some())
}

/// What the trust signals need of a sent handoff: a report over a large organization reads tens
/// of thousands, so not their packets.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct SentHandoff {
    pub id: Uuid,
    pub status: entity::codes::HandoffStatus,
    pub score: i16,
    pub sent_at: Option<DateTime<Utc>>,
    pub respond_by: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// Handoffs sent in `[from, to)`, organization-wide (every sent handoff, whoever asks: trust
/// signals describe the organization), optionally of one partner or addressed to one seller.
pub async fn sent_between(
    tx: &TenantTx,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    partner_id: Option<Uuid>,
    seller_id: Option<Uuid>,
) -> Result<Vec<SentHandoff>, StoreError> {
    let mut query = super::super::tenant_table::of_organization::<handoff::Entity>(tx)
        .select_only()
        .columns([
            handoff::Column::Id,
            handoff::Column::Status,
            handoff::Column::Score,
            handoff::Column::SentAt,
            handoff::Column::RespondBy,
            handoff::Column::DecidedAt,
        ])
        .filter(handoff::Column::SentAt.gte(from))
        .filter(handoff::Column::SentAt.lt(to));
    if let Some(partner) = partner_id {
        query = query.filter(handoff::Column::PartnerId.eq(partner));
    }
    if let Some(seller) = seller_id {
        query = query.filter(handoff::Column::SellerId.eq(seller));
    }
    Ok(query.into_model::<SentHandoff>().all(tx.conn()).await?)
}

/// The partner of each of these handoffs, organization-wide.
pub async fn partners_of(tx: &TenantTx, ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(super::super::tenant_table::of_organization::<handoff::Entity>(tx)
        .select_only()
        .column(handoff::Column::Id)
        .column(handoff::Column::PartnerId)
        .filter(handoff::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(tx.conn())
        .await?)
}
