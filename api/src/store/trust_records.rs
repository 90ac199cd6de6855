//! The records behind the trust signals: partner asks, partner meetings, pipeline mentions,
//! escalations and score reviews. Each table has the same tenant-scoped find, list, archive and
//! time-range reads; creation is per record, below.
//!
//! Every read goes through `visible`: a SELLER sees only their own records (about them, or logged
//! by them); other roles see the organization's.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use super::page::{Order, split_page};
use super::{Page, StoreError, TenantTx};
use crate::domain::Role;
use crate::domain::trust::EscalationTopic;
use entity::codes::{Ids, ReviewKind};

/// The reads and archive every record table shares. `$at` is the column of when it happened;
/// `$($own),+` the columns naming the people a record belongs to (a SELLER sees those rows only).
macro_rules! record_table {
    ($module:ident, $entity:ident, $at:ident, $at_field:ident, $($own:ident),+) => {
        pub mod $module {
            use super::*;
            use entity::$entity::{ActiveModel, Column, Entity};

            pub use entity::$entity::Model as Row;

            /// The organization's rows the caller may see.
            fn visible(tx: &TenantTx) -> sea_orm::Select<Entity> {
                let query = Entity::find().filter(Column::OrganizationId.eq(tx.organization_id()));
                if tx.role() != Role::Seller {
                    return query;
                }
                let mut own = Condition::any();
                $(own = own.add(Column::$own.eq(tx.user_id()));)+
                query.filter(own)
            }

            pub async fn find(tx: &TenantTx, id: Uuid) -> Result<Option<Row>, StoreError> {
                Ok(visible(tx).filter(Column::Id.eq(id)).one(tx.conn()).await?)
            }

            /// One page, most recent first by when it happened; archived rows only when asked.
            pub async fn list(tx: &TenantTx, include_archived: bool, page: Page) -> Result<(Vec<Row>, bool), StoreError> {
                let mut query = visible(tx);
                if !include_archived {
                    query = query.filter(Column::ArchivedAt.is_null());
                }
                let query = page.keyset(query, Column::Id, Order::NewestFirst);
                Ok(split_page(query.all(tx.conn()).await?, page))
            }

            /// Live rows that happened in `[from, to)`.
            pub async fn between(tx: &TenantTx, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Row>, StoreError> {
                Ok(visible(tx)
                    .filter(Column::ArchivedAt.is_null())
                    .filter(Column::$at.gte(from))
                    .filter(Column::$at.lt(to))
                    .all(tx.conn())
                    .await?)
            }

            pub async fn archive(tx: &TenantTx, row: Row, now: DateTime<Utc>) -> Result<Row, StoreError> {
                if row.archived_at.is_some() {
                    return Ok(row);
                }
                let mut active: ActiveModel = row.into();
                active.archived_at = Set(Some(now));
                Ok(active.update(tx.conn()).await?)
            }

            pub async fn organization_of(conn: &impl sea_orm::ConnectionTrait, id: Uuid) -> Result<Option<Uuid>, StoreError> {
                super::super::locate::organization_of::<Entity>(conn, Column::Id, Column::OrganizationId, id).await
            }

            /// A new row of the organization with the columns every record shares set; the caller
            /// sets its own columns and passes it to `insert`.
            pub(super) fn new_row(tx: &TenantTx, logged: Logged, now: DateTime<Utc>) -> ActiveModel {
                ActiveModel {
                    id: Set(Uuid::now_v7()),
                    organization_id: Set(tx.organization_id()),
                    logged_by: Set(tx.user_id()),
                    note: Set(logged.note),
                    created_at: Set(now),
                    archived_at: Set(None),
                    $at_field: Set(logged.at),
                    ..Default::default()
                }
            }

            pub(super) async fn insert(active: ActiveModel, tx: &TenantTx) -> Result<Row, StoreError> {
                Ok(active.insert(tx.conn()).await?)
            }
        }
    };
}

record_table!(asks, partner_ask, AskedAt, asked_at, SellerId, LoggedBy);
record_table!(meetings, partner_meeting, MetAt, met_at, SellerId, LoggedBy);
record_table!(mentions, pipeline_mention, MentionedAt, mentioned_at, LoggedBy);
record_table!(escalations, escalation, RaisedAt, raised_at, LoggedBy);
record_table!(score_reviews, score_review, ReviewedAt, reviewed_at, LoggedBy);

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
pub async fn add_ask(tx: &TenantTx, new: NewAsk, logged: Logged, now: DateTime<Utc>) -> Result<asks::Row, StoreError> {
    let brought = match new.account_id {
        Some(account) => super::handoffs::sent_on_account_before(tx, account, logged.at).await?,
        None => false,
    };
    let mut row = asks::new_row(tx, logged, now);
    row.seller_id = Set(new.seller_id);
    row.account_id = Set(new.account_id);
    row.account_name = Set(new.account_name);
    row.partner_id = Set(new.partner_id);
    row.brought_by_partner_marketing = Set(brought);
    asks::insert(row, tx).await
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
) -> Result<meetings::Row, StoreError> {
    let mut row = meetings::new_row(tx, logged, now);
    row.seller_id = Set(new.seller_id);
    row.account_id = Set(new.account_id);
    row.partner_id = Set(new.partner_id);
    row.handoff_id = Set(new.handoff_id);
    meetings::insert(row, tx).await
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
) -> Result<mentions::Row, StoreError> {
    let mut row = mentions::new_row(tx, logged, now);
    row.review_kind = Set(new.review_kind);
    row.account_id = Set(new.account_id);
    row.partner_id = Set(new.partner_id);
    row.partner_marketing_present = Set(new.partner_marketing_present);
    mentions::insert(row, tx).await
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
) -> Result<escalations::Row, StoreError> {
    let mut row = escalations::new_row(tx, logged, now);
    row.handoff_id = Set(new.handoff_id);
    row.account_id = Set(new.account_id);
    row.partner_id = Set(new.partner_id);
    row.topic = Set(new.topic.into());
    escalations::insert(row, tx).await
}

pub async fn add_score_review(
    tx: &TenantTx,
    attendees: &[Uuid],
    logged: Logged,
    now: DateTime<Utc>,
) -> Result<score_reviews::Row, StoreError> {
    let mut row = score_reviews::new_row(tx, logged, now);
    row.attendees = Set(Ids(attendees.to_vec()));
    score_reviews::insert(row, tx).await
}

/// When the latest live score review happened.
pub async fn last_score_review(tx: &TenantTx) -> Result<Option<DateTime<Utc>>, StoreError> {
    use entity::score_review::{Column, Entity};
    Ok(Entity::find()
        .select_only()
        .column(Column::ReviewedAt)
        .filter(Column::OrganizationId.eq(tx.organization_id()))
        .filter(Column::ArchivedAt.is_null())
        .order_by_desc(Column::ReviewedAt)
        .into_tuple::<DateTime<Utc>>()
        .one(tx.conn())
        .await?)
}
