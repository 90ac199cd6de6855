//! Handoffs and their packets. Every read starts from `visible`, which applies the organization and
//! what the caller's role may see (a seller: sent handoffs addressed to them).

use chrono::{DateTime, Utc};
use entity::handoff;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, Select, Set};
use uuid::Uuid;

use super::tenant_table::{Archivable, TenantTable};
use super::{StoreError, TenantTx};
use crate::domain::Role;
use crate::domain::access::{HandoffVisibility, handoff_visibility};
use crate::domain::scorecard::{Band, HandoffStatus, Packet};

mod by_position;
mod content;
mod history;
mod lifecycle;
mod list;
mod listed;
mod send;

pub use content::{HandoffContent, proof_of};
pub use handoff::Model as HandoffRow;
pub use history::{
    SentHandoff, last_sent, last_sent_across, partners_of, sent_across, sent_between, sent_on_account_before,
};
pub use lifecycle::{mark_decided, mark_overdue, mark_sent};
pub use list::{HandoffFilter, HandoffKey, HandoffPage, HandoffSort, list};
pub use listed::Listed;
pub use send::{SendBundle, lock_for_send};

/// Which of the people and terms the send gate asks for the handoff names; `seller_is_seller` says
/// whether its seller still holds the SELLER role.
pub fn packet_of(row: &HandoffRow, seller_is_seller: bool) -> Result<Packet, StoreError> {
    Ok(Packet {
        has_seller: row.seller_id.is_some() && seller_is_seller,
        has_owner: row.owner_id.is_some(),
        has_next_action: row.next_action.is_some(),
        response_window_days: super::codes::optional_number(
            "handoffs",
            row.id,
            "response_window_days",
            row.response_window_days,
        )?,
    })
}

pub fn status_of(row: &HandoffRow) -> HandoffStatus {
    row.status.into()
}

/// Who the handoff is about and for, besides its packet.
#[derive(Debug, Clone)]
pub struct Addressing {
    pub title: String,
    pub account_id: Uuid,
    pub partner_id: Uuid,
    pub seller_id: Option<Uuid>,
}

impl TenantTable for handoff::Entity {
    const ID: handoff::Column = handoff::Column::Id;
    const ORGANIZATION: handoff::Column = handoff::Column::OrganizationId;

    fn key(row: &HandoffRow) -> (Uuid, Uuid) {
        (row.organization_id, row.id)
    }

    /// The caller's view of the organization's handoffs.
    fn visible(tx: &TenantTx) -> Select<handoff::Entity> {
        let query = super::tenant_table::of_organization::<handoff::Entity>(tx);
        let draft = entity::codes::HandoffStatus::Draft;
        match handoff_visibility(tx.role(), tx.user_id()) {
            HandoffVisibility::All => query,
            HandoffVisibility::SentOnly => query.filter(handoff::Column::Status.ne(draft)),
            HandoffVisibility::SentAddressedTo(seller) => {
                query.filter(handoff::Column::Status.ne(draft)).filter(handoff::Column::SellerId.eq(seller))
            }
        }
    }
}

impl Archivable for handoff::Entity {
    const ARCHIVED_AT: handoff::Column = handoff::Column::ArchivedAt;
    const UPDATED_AT: Option<handoff::Column> = Some(handoff::Column::UpdatedAt);
}

/// The caller's view of the organization's handoffs.
fn visible(tx: &TenantTx) -> Select<handoff::Entity> {
    handoff::Entity::visible(tx)
}

/// Whether `role` as `user_id` may see `row`: the rule `visible` applies in SQL, for a row read
/// once on behalf of several readers.
pub fn visible_to(row: &HandoffRow, role: Role, user_id: Uuid) -> bool {
    let sent = row.status != entity::codes::HandoffStatus::Draft;
    match handoff_visibility(role, user_id) {
        HandoffVisibility::All => true,
        HandoffVisibility::SentOnly => sent,
        HandoffVisibility::SentAddressedTo(seller) => sent && row.seller_id == Some(seller),
    }
}

/// The organization's handoff `id`, whatever the caller may see of it: for an event read once and
/// delivered to several subscribers, each of whom must then pass `visible_to`.
pub async fn find_for_every_reader(tx: &TenantTx, id: Uuid) -> Result<Option<HandoffRow>, StoreError> {
    Ok(super::tenant_table::of_organization::<handoff::Entity>(tx)
        .filter(handoff::Column::Id.eq(id))
        .one(tx.conn())
        .await?)
}

pub async fn create(
    tx: &TenantTx,
    addressing: Addressing,
    content: HandoffContent,
    now: DateTime<Utc>,
) -> Result<HandoffRow, StoreError> {
    let mut active = handoff::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(tx.organization_id()),
        account_id: Set(addressing.account_id),
        partner_id: Set(addressing.partner_id),
        seller_id: Set(addressing.seller_id),
        created_by: Set(tx.user_id()),
        title: Set(addressing.title),
        status: Set(HandoffStatus::Draft.into()),
        score: Set(0),
        band: Set(Band::NotAHandoffYet.into()),
        sent_at: Set(None),
        respond_by: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    };
    content.apply(&mut active);
    Ok(active.insert(tx.conn()).await?)
}

/// `query` narrowed to rows whose `handoff` column names a handoff the caller may see.
pub(crate) fn of_visible_handoffs<E: EntityTrait>(query: Select<E>, handoff: E::Column, tx: &TenantTx) -> Select<E> {
    match handoff_visibility(tx.role(), tx.user_id()) {
        HandoffVisibility::All => query,
        _ => query.filter(handoff.in_subquery(visible_ids(tx))),
    }
}

/// The ids of the handoffs the caller may see, as a subquery.
pub(super) fn visible_ids(tx: &TenantTx) -> sea_orm::sea_query::SelectStatement {
    sea_orm::QueryTrait::into_query(visible(tx).select_only().column(handoff::Column::Id))
}

/// Like `find`, and on PostgreSQL locks the row until the transaction ends, so concurrent changes
/// to one handoff take turns.
pub async fn find_for_update(tx: &TenantTx, id: Uuid) -> Result<Option<HandoffRow>, StoreError> {
    let query = visible(tx).filter(handoff::Column::Id.eq(id));
    let query = if tx.is_postgres() { query.lock_exclusive() } else { query };
    Ok(query.one(tx.conn()).await?)
}

pub async fn update_draft(
    tx: &TenantTx,
    row: HandoffRow,
    addressing: Addressing,
    content: HandoffContent,
    now: DateTime<Utc>,
) -> Result<HandoffRow, StoreError> {
    let mut active = row.into_active_model();
    active.title = Set(addressing.title);
    active.account_id = Set(addressing.account_id);
    active.partner_id = Set(addressing.partner_id);
    active.seller_id = Set(addressing.seller_id);
    content.apply(&mut active);
    active.updated_at = Set(now);
    Ok(active.update(tx.conn()).await?)
}

/// Stores the score and band derived from the current grades.
pub async fn set_score(
    tx: &TenantTx,
    row: HandoffRow,
    score: u8,
    band: Band,
    now: DateTime<Utc>,
) -> Result<HandoffRow, StoreError> {
    let mut active = row.into_active_model();
    active.score = Set(i16::from(score));
    active.band = Set(band.into());
    active.updated_at = Set(now);
    Ok(active.update(tx.conn()).await?)
}
