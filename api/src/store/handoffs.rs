//! Handoffs and their packets. Every read starts from `visible`, which applies the organization and
//! what the caller's role may see (a seller: sent handoffs addressed to them).

use chrono::{DateTime, NaiveDate, Utc};
use entity::handoff;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Select, Set, TransactionTrait,
};
use uuid::Uuid;

use super::{StoreError, TenantTx};
use crate::domain::access::{HandoffVisibility, handoff_visibility};
use crate::domain::events::{HandoffEvent, HandoffEventKind};
use crate::domain::scorecard::{Band, HandoffStatus, Packet};
use crate::domain::text::ProofLink;

pub use handoff::Model as HandoffRow;

/// The packet: the content of the nine components.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HandoffContent {
    pub why_this_account: Option<String>,
    pub why_now: Option<String>,
    pub partner_context: Option<String>,
    pub partner_person: Option<String>,
    pub our_person: Option<String>,
    pub connecting_thread: Option<String>,
    pub buyer_problem: Option<String>,
    pub offer_description: Option<String>,
    pub offer_available_by: Option<NaiveDate>,
    pub offer_agreed_with_partner: bool,
    pub next_action: Option<String>,
    pub next_action_due_by: Option<NaiveDate>,
    pub owner_id: Option<Uuid>,
    pub acceptance_definition: Option<String>,
    pub response_window_days: Option<u16>,
    pub proof: Vec<ProofLink>,
}

impl HandoffContent {
    pub fn of(row: &HandoffRow) -> Self {
        Self {
            why_this_account: row.why_this_account.clone(),
            why_now: row.why_now.clone(),
            partner_context: row.partner_context.clone(),
            partner_person: row.partner_person.clone(),
            our_person: row.our_person.clone(),
            connecting_thread: row.connecting_thread.clone(),
            buyer_problem: row.buyer_problem.clone(),
            offer_description: row.offer_description.clone(),
            offer_available_by: row.offer_available_by,
            offer_agreed_with_partner: row.offer_agreed_with_partner,
            next_action: row.next_action.clone(),
            next_action_due_by: row.next_action_due_by,
            owner_id: row.owner_id,
            acceptance_definition: row.acceptance_definition.clone(),
            response_window_days: row.response_window_days.and_then(|d| u16::try_from(d).ok()),
            proof: proof_of(row),
        }
    }

    fn apply(self, active: &mut handoff::ActiveModel) {
        active.why_this_account = Set(self.why_this_account);
        active.why_now = Set(self.why_now);
        active.partner_context = Set(self.partner_context);
        active.partner_person = Set(self.partner_person);
        active.our_person = Set(self.our_person);
        active.connecting_thread = Set(self.connecting_thread);
        active.buyer_problem = Set(self.buyer_problem);
        active.offer_description = Set(self.offer_description);
        active.offer_available_by = Set(self.offer_available_by);
        active.offer_agreed_with_partner = Set(self.offer_agreed_with_partner);
        active.next_action = Set(self.next_action);
        active.next_action_due_by = Set(self.next_action_due_by);
        active.owner_id = Set(self.owner_id);
        active.acceptance_definition = Set(self.acceptance_definition);
        active.response_window_days = Set(self.response_window_days.map(|d| d as i16));
        active.proof = Set(serde_json::to_value(&self.proof).unwrap_or_default());
    }
}

/// The proof list stored with a handoff; an unreadable value reads as no proof.
pub fn proof_of(row: &HandoffRow) -> Vec<ProofLink> {
    serde_json::from_value(row.proof.clone()).unwrap_or_default()
}

/// Which of the people and terms the send gate asks for the handoff names; `seller_is_seller` says
/// whether its seller still holds the SELLER role.
pub fn packet_of(row: &HandoffRow, seller_is_seller: bool) -> Packet {
    Packet {
        has_seller: row.seller_id.is_some() && seller_is_seller,
        has_owner: row.owner_id.is_some(),
        has_next_action: row.next_action.is_some(),
        has_response_window: row.response_window_days.is_some(),
    }
}

pub fn status_of(row: &HandoffRow) -> HandoffStatus {
    HandoffStatus::from_code(&row.status).unwrap_or(HandoffStatus::Draft)
}

/// Who the handoff is about and for, besides its packet.
#[derive(Debug, Clone)]
pub struct Addressing {
    pub title: String,
    pub account_id: Uuid,
    pub partner_id: Uuid,
    pub seller_id: Option<Uuid>,
}

/// The caller's view of the organization's handoffs.
fn visible(tx: &TenantTx) -> Select<handoff::Entity> {
    let query = handoff::Entity::find().filter(handoff::Column::OrganizationId.eq(tx.organization_id()));
    let draft = HandoffStatus::Draft.code();
    match handoff_visibility(tx.role(), tx.user_id()) {
        HandoffVisibility::All => query,
        HandoffVisibility::SentOnly => query.filter(handoff::Column::Status.ne(draft)),
        HandoffVisibility::SentAddressedTo(seller) => {
            query.filter(handoff::Column::Status.ne(draft)).filter(handoff::Column::SellerId.eq(seller))
        }
    }
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
        status: Set(HandoffStatus::Draft.code().to_owned()),
        score: Set(0),
        band: Set(Band::NotAHandoffYet.code().to_owned()),
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

pub async fn find(tx: &TenantTx, id: Uuid) -> Result<Option<HandoffRow>, StoreError> {
    Ok(visible(tx).filter(handoff::Column::Id.eq(id)).one(tx.conn()).await?)
}

/// The handoffs among `ids` the caller may see.
pub async fn find_many(tx: &TenantTx, ids: &[Uuid]) -> Result<Vec<HandoffRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(visible(tx).filter(handoff::Column::Id.is_in(ids.iter().copied())).all(tx.conn()).await?)
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
    active.band = Set(band.code().to_owned());
    active.updated_at = Set(now);
    Ok(active.update(tx.conn()).await?)
}

/// DRAFT → SENT. Returns false when the handoff was no longer a draft (someone sent it first).
pub async fn mark_sent(
    tx: &TenantTx,
    row: &mut HandoffRow,
    sent_at: DateTime<Utc>,
    respond_by: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let sent = transition(tx, row.id, HandoffStatus::Draft, |update| {
        update
            .col_expr(handoff::Column::Status, Expr::value(HandoffStatus::Sent.code()))
            .col_expr(handoff::Column::SentAt, Expr::value(sent_at))
            .col_expr(handoff::Column::RespondBy, Expr::value(respond_by))
            .col_expr(handoff::Column::UpdatedAt, Expr::value(sent_at))
    })
    .await?;
    if sent {
        // `row` now reads as the database does, without reading it again.
        row.status = HandoffStatus::Sent.code().to_owned();
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
            .col_expr(handoff::Column::Status, Expr::value(status.code()))
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
    let update = handoff::Entity::update_many()
        .filter(handoff::Column::OrganizationId.eq(tx.organization_id()))
        .filter(handoff::Column::Id.eq(id))
        .filter(handoff::Column::Status.eq(from.code()));
    Ok(set(update).exec(tx.conn()).await?.rows_affected == 1)
}

pub async fn archive(tx: &TenantTx, row: HandoffRow, now: DateTime<Utc>) -> Result<HandoffRow, StoreError> {
    if row.archived_at.is_some() {
        return Ok(row);
    }
    let mut active = row.into_active_model();
    active.archived_at = Set(Some(now));
    active.updated_at = Set(now);
    Ok(active.update(tx.conn()).await?)
}

pub async fn organization_of(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Uuid>, StoreError> {
    super::locate::organization_of::<handoff::Entity>(conn, handoff::Column::Id, handoff::Column::OrganizationId, id)
        .await
}

/// Which handoffs a list holds.
#[derive(Debug, Clone, Default)]
pub struct HandoffFilter {
    pub status: Option<HandoffStatus>,
    pub band: Option<Band>,
    pub partner_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub seller_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub sent_after: Option<DateTime<Utc>>,
    pub sent_before: Option<DateTime<Utc>>,
    pub include_archived: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffSort {
    CreatedAt,
    /// Lists sent handoffs only (drafts have no sent time).
    SentAt,
    Score,
}

/// The sort key of the last row of a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HandoffKey {
    CreatedAt(Uuid),
    SentAt(DateTime<Utc>, Uuid),
    Score(i16, Uuid),
}

impl HandoffKey {
    pub fn of(row: &HandoffRow, sort: HandoffSort) -> Self {
        match sort {
            HandoffSort::CreatedAt => HandoffKey::CreatedAt(row.id),
            HandoffSort::SentAt => HandoffKey::SentAt(row.sent_at.unwrap_or_default(), row.id),
            HandoffSort::Score => HandoffKey::Score(row.score, row.id),
        }
    }

    pub fn sort(self) -> HandoffSort {
        match self {
            HandoffKey::CreatedAt(_) => HandoffSort::CreatedAt,
            HandoffKey::SentAt(..) => HandoffSort::SentAt,
            HandoffKey::Score(..) => HandoffSort::Score,
        }
    }
}

/// One page of a handoff list: forward from `cursor`, or backward (`last`/`before`) up to it; a
/// backward page reads the list in reverse from its cursor and is returned in list order.
#[derive(Debug, Clone, Copy)]
pub struct HandoffPage {
    pub sort: HandoffSort,
    pub descending: bool,
    pub cursor: Option<HandoffKey>,
    pub limit: u64,
    pub backward: bool,
}

pub async fn list(
    tx: &TenantTx,
    filter: &HandoffFilter,
    page: HandoffPage,
) -> Result<(Vec<HandoffRow>, bool), StoreError> {
    use handoff::Column as C;
    let mut query = visible(tx);
    if let Some(status) = filter.status {
        query = query.filter(C::Status.eq(status.code()));
    }
    if let Some(band) = filter.band {
        query = query.filter(C::Band.eq(band.code()));
    }
    for (column, value) in [
        (C::PartnerId, filter.partner_id),
        (C::AccountId, filter.account_id),
        (C::SellerId, filter.seller_id),
        (C::OwnerId, filter.owner_id),
        (C::CreatedBy, filter.created_by),
    ] {
        if let Some(value) = value {
            query = query.filter(column.eq(value));
        }
    }
    if let Some(after) = filter.sent_after {
        query = query.filter(C::SentAt.gte(after));
    }
    if let Some(before) = filter.sent_before {
        query = query.filter(C::SentAt.lt(before));
    }
    if !filter.include_archived {
        query = query.filter(C::ArchivedAt.is_null());
    }
    let descending = page.descending != page.backward;
    let order = if descending { sea_orm::Order::Desc } else { sea_orm::Order::Asc };
    let beyond = |column: C, value: sea_orm::Value| if descending { column.lt(value) } else { column.gt(value) };
    query = match page.sort {
        HandoffSort::CreatedAt => query.order_by(C::Id, order),
        HandoffSort::SentAt => {
            query.filter(C::SentAt.is_not_null()).order_by(C::SentAt, order.clone()).order_by(C::Id, order)
        }
        HandoffSort::Score => query.order_by(C::Score, order.clone()).order_by(C::Id, order),
    };
    query = match page.cursor {
        None => query,
        Some(HandoffKey::CreatedAt(id)) => query.filter(beyond(C::Id, id.into())),
        Some(HandoffKey::SentAt(at, id)) => query.filter(
            Condition::any()
                .add(beyond(C::SentAt, at.into()))
                .add(Condition::all().add(C::SentAt.eq(at)).add(beyond(C::Id, id.into()))),
        ),
        Some(HandoffKey::Score(score, id)) => query.filter(
            Condition::any()
                .add(beyond(C::Score, score.into()))
                .add(Condition::all().add(C::Score.eq(score)).add(beyond(C::Id, id.into()))),
        ),
    };
    let rows = query.limit(page.limit + 1).all(tx.conn()).await?;
    Ok(super::page::split_rows(rows, page.limit, page.backward))
}

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
    let found = handoff::Entity::find()
        .select_only()
        .column(handoff::Column::Id)
        .filter(handoff::Column::OrganizationId.eq(tx.organization_id()))
        .filter(handoff::Column::AccountId.eq(account_id))
        .filter(handoff::Column::SentAt.lt(at))
        .into_tuple::<Uuid>()
        .one(tx.conn())
        .await?;
    Ok(found.is_some())
}

/// Handoffs sent in `[from, to)`, organization-wide (every sent handoff, whoever asks: trust
/// signals describe the organization), optionally of one partner or addressed to one seller.
pub async fn sent_between(
    tx: &TenantTx,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    partner_id: Option<Uuid>,
    seller_id: Option<Uuid>,
) -> Result<Vec<HandoffRow>, StoreError> {
    let mut query = handoff::Entity::find()
        .filter(handoff::Column::OrganizationId.eq(tx.organization_id()))
        .filter(handoff::Column::SentAt.gte(from))
        .filter(handoff::Column::SentAt.lt(to));
    if let Some(partner) = partner_id {
        query = query.filter(handoff::Column::PartnerId.eq(partner));
    }
    if let Some(seller) = seller_id {
        query = query.filter(handoff::Column::SellerId.eq(seller));
    }
    Ok(query.all(tx.conn()).await?)
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
        .filter(handoff::Column::Status.eq(HandoffStatus::Sent.code()))
        .filter(handoff::Column::RespondBy.lt(now))
        .filter(handoff::Column::OverdueAt.is_null())
        .limit(500)
        .into_tuple()
        .all(db)
        .await?;
    let mut marked = 0;
    for (organization_id, id) in due {
        // The mark and its OVERDUE event commit together, or neither does.
        let tx = db.begin().await?;
        // Re-checked here: an answer may have come in since the SELECT.
        let result = handoff::Entity::update_many()
            .col_expr(handoff::Column::OverdueAt, Expr::value(now))
            .filter(handoff::Column::Id.eq(id))
            .filter(handoff::Column::OverdueAt.is_null())
            .filter(handoff::Column::Status.eq(HandoffStatus::Sent.code()))
            .filter(handoff::Column::RespondBy.lt(now))
            .exec(&tx)
            .await?;
        if result.rows_affected == 1 {
            let event = HandoffEvent::new(organization_id, id, HandoffEventKind::Overdue, now);
            let event_id = Uuid::now_v7();
            super::events::record_in(&tx, event_id, &event, &payload(event_id, &event)).await?;
            marked += 1;
        }
        tx.commit().await?;
    }
    Ok(marked)
}

/// The partner of each of these handoffs, organization-wide.
pub async fn partners_of(tx: &TenantTx, ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(handoff::Entity::find()
        .select_only()
        .column(handoff::Column::Id)
        .column(handoff::Column::PartnerId)
        .filter(handoff::Column::OrganizationId.eq(tx.organization_id()))
        .filter(handoff::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(tx.conn())
        .await?)
}
