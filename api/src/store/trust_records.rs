//! The records behind the trust signals: partner asks, partner meetings, pipeline mentions,
//! escalations and score reviews. Each is a tenant table (`tenant_table`) whose SELLERs see only
//! their own rows (about them, or logged by them); finding, listing, archiving and time-range
//! reads are the same for all five, and only what is logged differs, below.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{escalation, partner_ask, partner_meeting, pipeline_mention, score_review};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, Condition, PartialModelTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Set,
};
use uuid::Uuid;

use super::page::Order;
use super::tenant_table::{self, Archivable, TenantTable};
use super::{Page, PortfolioTx, StoreError, TenantTx};
use crate::domain::Role;
use crate::domain::trust::EscalationTopic;
use entity::codes::{Ids, ReviewKind};

pub use tenant_table::{archive, find};

/// A trust record table: when a row happened, who logged it with which note, and the columns
/// naming the people a row belongs to (a SELLER sees only those rows).
pub trait Record: Archivable {
    const AT: Self::Column;
    const LOGGED_BY: Self::Column;
    const NOTE: Self::Column;
    const CREATED_AT: Self::Column;
    const OWNERS: &'static [Self::Column];

    /// Who logged the row.
    fn logged_by(row: &Self::Model) -> Uuid;
    /// When the row was archived, if it was.
    fn archived_at(row: &Self::Model) -> Option<DateTime<Utc>>;
}

/// The organization's rows of a record table, only the caller's own for a SELLER.
fn own_rows<T: Record>(tx: &TenantTx) -> Select<T> {
    let query = T::find().filter(T::ORGANIZATION.eq(tx.organization_id()));
    if tx.role() != Role::Seller {
        return query;
    }
    query.filter(T::OWNERS.iter().fold(Condition::any(), |own, column| own.add(column.eq(tx.user_id()))))
}

macro_rules! record {
    ($entity:ident, $at:ident, [$($owner:ident),+]) => {
        impl TenantTable for $entity::Entity {
            const ID: $entity::Column = $entity::Column::Id;
            const ORGANIZATION: $entity::Column = $entity::Column::OrganizationId;
            fn key(row: &Self::Model) -> (Uuid, Uuid) {
                (row.organization_id, row.id)
            }
            fn visible(tx: &TenantTx) -> Select<Self> {
                own_rows::<Self>(tx)
            }
        }
        impl Archivable for $entity::Entity {
            const ARCHIVED_AT: $entity::Column = $entity::Column::ArchivedAt;
        }
        impl Record for $entity::Entity {
            const AT: $entity::Column = $entity::Column::$at;
            const LOGGED_BY: $entity::Column = $entity::Column::LoggedBy;
            const NOTE: $entity::Column = $entity::Column::Note;
            const CREATED_AT: $entity::Column = $entity::Column::CreatedAt;
            const OWNERS: &'static [$entity::Column] = &[$($entity::Column::$owner),+];
            fn logged_by(row: &Self::Model) -> Uuid {
                row.logged_by
            }
            fn archived_at(row: &Self::Model) -> Option<DateTime<Utc>> {
                row.archived_at
            }
        }
    };
}

record!(partner_ask, AskedAt, [SellerId, LoggedBy]);
record!(partner_meeting, MetAt, [SellerId, LoggedBy]);
record!(pipeline_mention, MentionedAt, [LoggedBy]);
record!(escalation, RaisedAt, [LoggedBy]);
record!(score_review, ReviewedAt, [LoggedBy]);

/// One page, most recent first; archived rows only when asked.
pub async fn list<T: Record>(
    tx: &TenantTx,
    include_archived: bool,
    page: Page,
) -> Result<(Vec<T::Model>, bool), StoreError> {
    let query = T::visible(tx);
    let query = if include_archived { query } else { query.filter(T::ARCHIVED_AT.is_null()) };
    tenant_table::page(tx, query, page, Order::NewestFirst).await
}

/// Live rows that happened in `[from, to)`, read into the partial model `M` (only its columns): a
/// report over a large organization reads thousands of rows and needs a few columns of each, not
/// its note.
pub async fn between<T: Record, M: PartialModelTrait>(
    tx: &TenantTx,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<M>, StoreError> {
    Ok(dated(T::visible(tx), from, to).into_partial_model::<M>().all(tx.conn()).await?)
}

/// `rows` dated in `[from, to)`, not archived.
fn dated<T: Record>(rows: Select<T>, from: DateTime<Utc>, to: DateTime<Utc>) -> Select<T> {
    rows.filter(T::ARCHIVED_AT.is_null()).filter(T::AT.gte(from)).filter(T::AT.lt(to))
}

/// A new row of the organization with the columns every record shares set; the caller sets its
/// own columns and inserts it.
fn new_row<T: Record>(tx: &TenantTx, logged: Logged, now: DateTime<Utc>) -> T::ActiveModel {
    let by = Logger { id: Uuid::now_v7(), organization_id: tx.organization_id(), user_id: tx.user_id() };
    record_row::<T>(by, logged, now)
}

/// Who logs a record, and the id it gets.
pub struct Logger {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub user_id: Uuid,
}

/// A row of record table `T` with the columns every record shares set (also for seeding).
pub fn record_row<T: Record>(by: Logger, logged: Logged, now: DateTime<Utc>) -> T::ActiveModel {
    let mut row = T::ActiveModel::new();
    row.set(T::ID, by.id.into());
    row.set(T::ORGANIZATION, by.organization_id.into());
    row.set(T::LOGGED_BY, by.user_id.into());
    row.set(T::NOTE, logged.note.into());
    row.set(T::CREATED_AT, now.into());
    row.set(T::ARCHIVED_AT, Option::<DateTime<Utc>>::None.into());
    row.set(T::AT, logged.at.into());
    row
}

/// What every record carries besides its own fields.
pub struct Logged {
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

pub struct NewAsk {
    pub seller_id: Uuid,
    pub account_id: Option<Uuid>,
    pub account_name: Option<String>,
    pub partner_id: Option<Uuid>,
}

/// Records an ask; whether partner marketing had brought the account is read from the handoffs
/// sent on it before the ask.
pub async fn add_ask(
    tx: &TenantTx,
    new: NewAsk,
    logged: Logged,
    now: DateTime<Utc>,
) -> Result<partner_ask::Model, StoreError> {
    let brought = match new.account_id {
        Some(account) => super::handoffs::sent_on_account_before(tx, account, logged.at).await?,
        None => false,
    };
    let mut row: partner_ask::ActiveModel = new_row::<partner_ask::Entity>(tx, logged, now);
    row.seller_id = Set(new.seller_id);
    row.account_id = Set(new.account_id);
    row.account_name = Set(new.account_name);
    row.partner_id = Set(new.partner_id);
    row.brought_by_partner_marketing = Set(brought);
    Ok(row.insert(tx.conn()).await?)
}

pub struct NewMeeting {
    pub seller_id: Uuid,
    pub account_id: Uuid,
    pub partner_id: Uuid,
    pub handoff_id: Option<Uuid>,
}

pub async fn add_meeting(
    tx: &TenantTx,
    new: NewMeeting,
    logged: Logged,
    now: DateTime<Utc>,
) -> Result<partner_meeting::Model, StoreError> {
    let mut row: partner_meeting::ActiveModel = new_row::<partner_meeting::Entity>(tx, logged, now);
    row.seller_id = Set(new.seller_id);
    row.account_id = Set(new.account_id);
    row.partner_id = Set(new.partner_id);
    row.handoff_id = Set(new.handoff_id);
    Ok(row.insert(tx.conn()).await?)
}

pub struct NewMention {
    pub review_kind: ReviewKind,
    pub account_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub partner_marketing_present: bool,
}

pub async fn add_mention(
    tx: &TenantTx,
    new: NewMention,
    logged: Logged,
    now: DateTime<Utc>,
) -> Result<pipeline_mention::Model, StoreError> {
    let mut row: pipeline_mention::ActiveModel = new_row::<pipeline_mention::Entity>(tx, logged, now);
    row.review_kind = Set(new.review_kind);
    row.account_id = Set(new.account_id);
    row.partner_id = Set(new.partner_id);
    row.partner_marketing_present = Set(new.partner_marketing_present);
    Ok(row.insert(tx.conn()).await?)
}

pub struct NewEscalation {
    pub handoff_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub topic: EscalationTopic,
}

pub async fn add_escalation(
    tx: &TenantTx,
    new: NewEscalation,
    logged: Logged,
    now: DateTime<Utc>,
) -> Result<escalation::Model, StoreError> {
    let mut row: escalation::ActiveModel = new_row::<escalation::Entity>(tx, logged, now);
    row.handoff_id = Set(new.handoff_id);
    row.account_id = Set(new.account_id);
    row.partner_id = Set(new.partner_id);
    row.topic = Set(new.topic.into());
    Ok(row.insert(tx.conn()).await?)
}

pub async fn add_score_review(
    tx: &TenantTx,
    attendees: &[Uuid],
    logged: Logged,
    now: DateTime<Utc>,
) -> Result<score_review::Model, StoreError> {
    let mut row: score_review::ActiveModel = new_row::<score_review::Entity>(tx, logged, now);
    row.attendees = Set(Ids(attendees.to_vec()));
    Ok(row.insert(tx.conn()).await?)
}

/// `last_score_review` of each of a portfolio's organizations that had one, in one statement.
pub async fn last_score_reviews_across(ptx: &PortfolioTx) -> Result<HashMap<Uuid, DateTime<Utc>>, StoreError> {
    use score_review::Column;
    let rows: Vec<(Uuid, Option<DateTime<Utc>>)> = tenant_table::of_organizations::<score_review::Entity>(ptx)
        .select_only()
        .column(Column::OrganizationId)
        .column_as(Column::ReviewedAt.max(), "reviewed_at")
        .filter(Column::ArchivedAt.is_null())
        .group_by(Column::OrganizationId)
        .into_tuple()
        .all(ptx.conn())
        .await?;
    Ok(rows.into_iter().filter_map(|(id, at)| Some((id, at?))).collect())
}

/// The rows of record table `T` of a portfolio's organizations dated in `[from, to)`, not archived.
pub async fn between_across<T: Record, M: PartialModelTrait>(
    ptx: &PortfolioTx,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<M>, StoreError> {
    let rows = dated(tenant_table::of_organizations::<T>(ptx), from, to);
    Ok(rows.into_partial_model::<M>().all(ptx.conn()).await?)
}

/// When the latest live score review happened.
pub async fn last_score_review(tx: &TenantTx) -> Result<Option<DateTime<Utc>>, StoreError> {
    use score_review::Column;
    Ok(super::tenant_table::of_organization::<score_review::Entity>(tx)
        .select_only()
        .column(Column::ReviewedAt)
        .filter(Column::ArchivedAt.is_null())
        .order_by_desc(Column::ReviewedAt)
        .into_tuple::<DateTime<Utc>>()
        .one(tx.conn())
        .await?)
}
