//! What an import reads and writes: the organization's directory (members, accounts, partners and
//! the keys of its handoffs) in a few statements, and a whole file's rows in multi-row inserts,
//! all inside the caller's transaction so that a file lands whole or not at all.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::codes::{Ids, ReviewKind as StoredReviewKind};
use entity::{
    account, escalation, handoff, handoff_grade, handoff_response, membership, partner, partner_ask, partner_meeting,
    pipeline_mention, score_review, user,
};
use sea_orm::{ColumnTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use super::handoffs::HandoffContent;
use super::tenant_table::{self, TenantTable};
use super::trust_records::{Logged, Logger, record_row};
use super::{StoreError, TenantTx, bulk, codes};
use crate::domain::Role;
use crate::domain::import::Review;
use crate::domain::scorecard::{Band, Component, Decision, Grade, HandoffStatus};
use crate::domain::trust::EscalationTopic;

/// A member as an import matches them: by email or by name.
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// An account or a partner as an import matches it: by name.
pub struct Named {
    pub id: Uuid,
    pub name: String,
    pub archived: bool,
}

/// Everything an import matches its names against.
pub struct Directory {
    pub members: Vec<Member>,
    pub accounts: Vec<Named>,
    pub partners: Vec<Named>,
}

/// Makes the organization's imports run one at a time, until the transaction ends: a file checked
/// against the stored handoffs must not race another import writing the same ones. PostgreSQL
/// takes an advisory lock on the organization; SQLite takes its one writer's lock, so the second
/// import reads only once the first has committed.
pub async fn one_at_a_time(tx: &TenantTx) -> Result<(), StoreError> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let statement = if tx.is_postgres() {
        Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtext('handoff-import'), hashtext($1))",
            [tx.organization_id().to_string().into()],
        )
    } else {
        // A write that changes nothing still takes the write lock.
        Statement::from_string(DatabaseBackend::Sqlite, "UPDATE organizations SET slug = slug WHERE 0")
    };
    tx.conn().execute_raw(statement).await?;
    Ok(())
}

/// The organization's members, accounts and partners, in three statements.
pub async fn directory(tx: &TenantTx) -> Result<Directory, StoreError> {
    let members = membership::Entity::visible(tx).find_also_related(user::Entity).all(tx.conn()).await?;
    let members = members
        .into_iter()
        .filter_map(|(m, u)| u.map(|u| Member { user_id: u.id, email: u.email, name: u.name, role: m.role.into() }))
        .collect();
    let accounts: Vec<(Uuid, String, Option<DateTime<Utc>>)> = tenant_table::of_organization::<account::Entity>(tx)
        .select_only()
        .columns([account::Column::Id, account::Column::Name, account::Column::ArchivedAt])
        .into_tuple()
        .all(tx.conn())
        .await?;
    let partners: Vec<(Uuid, String, Option<DateTime<Utc>>)> = tenant_table::of_organization::<partner::Entity>(tx)
        .select_only()
        .columns([partner::Column::Id, partner::Column::Name, partner::Column::ArchivedAt])
        .into_tuple()
        .all(tx.conn())
        .await?;
    let named = |rows: Vec<(Uuid, String, Option<DateTime<Utc>>)>| {
        rows.into_iter().map(|(id, name, archived_at)| Named { id, name, archived: archived_at.is_some() }).collect()
    };
    Ok(Directory { members, accounts: named(accounts), partners: named(partners) })
}

/// A title as handoff keys compare it: case and runs of spaces ignored.
pub fn title_key(title: &str) -> String {
    title.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The (account, title, created at) of every handoff on `accounts`: a file imported twice would
/// repeat them.
pub async fn handoff_keys(
    tx: &TenantTx,
    accounts: &[Uuid],
) -> Result<HashMap<(Uuid, String, DateTime<Utc>), Uuid>, StoreError> {
    let mut keys = HashMap::new();
    for chunk in accounts.chunks(500) {
        let rows: Vec<(Uuid, Uuid, String, DateTime<Utc>)> = tenant_table::of_organization::<handoff::Entity>(tx)
            .select_only()
            .columns([
                handoff::Column::Id,
                handoff::Column::AccountId,
                handoff::Column::Title,
                handoff::Column::CreatedAt,
            ])
            .filter(handoff::Column::AccountId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(tx.conn())
            .await?;
        keys.extend(rows.into_iter().map(|(id, account, title, at)| ((account, title_key(&title), at), id)));
    }
    Ok(keys)
}

/// An account or partner the file names that the organization lacks.
pub struct NewNamed {
    pub id: Uuid,
    pub name: String,
    /// An account's seller (the addressed seller of its first row).
    pub seller_id: Option<Uuid>,
}

/// One handoff with its whole history, ready to store.
pub struct ImportedHandoff {
    pub id: Uuid,
    pub account_id: Uuid,
    pub partner_id: Uuid,
    pub seller_id: Uuid,
    pub created_by: Uuid,
    pub title: String,
    pub content: HandoffContent,
    pub status: HandoffStatus,
    pub score: u8,
    pub band: Band,
    pub grades: Vec<(Component, Grade)>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub respond_by: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub overdue_at: Option<DateTime<Utc>>,
    pub response: Option<ImportedResponse>,
}

pub struct ImportedResponse {
    pub decision: Decision,
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
    pub failed_components: Vec<Component>,
}

/// What a write stored.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub handoffs: u64,
    pub grades: u64,
    pub responses: u64,
    pub records: u64,
}

/// Stores new accounts and partners, then the handoffs with their grades and responses.
pub async fn write_handoffs(
    tx: &TenantTx,
    accounts: &[NewNamed],
    partners: &[NewNamed],
    handoffs: Vec<ImportedHandoff>,
    now: DateTime<Utc>,
) -> Result<Written, StoreError> {
    write_named(tx, accounts, partners, now).await?;
    let organization_id = tx.organization_id();
    let mut grade_rows = Vec::new();
    let mut response_rows = Vec::new();
    let mut handoff_rows = Vec::with_capacity(handoffs.len());
    for h in handoffs {
        grade_rows.extend(h.grades.iter().map(|&(component, grade)| handoff_grade::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(organization_id),
            handoff_id: Set(h.id),
            component: Set(component.into()),
            grade: Set(grade.into()),
            note: Set(None),
            graded_by: Set(h.created_by),
            graded_at: Set(h.created_at),
        }));
        if let Some(r) = &h.response {
            response_rows.push(handoff_response::ActiveModel {
                id: Set(Uuid::now_v7()),
                organization_id: Set(organization_id),
                handoff_id: Set(h.id),
                seller_id: Set(h.seller_id),
                decision: Set(r.decision.into()),
                reason: Set(r.reason.clone()),
                failed_components: Set(codes::stored_components(&r.failed_components)),
                created_at: Set(r.at),
            });
        }
        let mut row = handoff::ActiveModel {
            id: Set(h.id),
            organization_id: Set(organization_id),
            account_id: Set(h.account_id),
            partner_id: Set(h.partner_id),
            seller_id: Set(Some(h.seller_id)),
            created_by: Set(h.created_by),
            title: Set(h.title),
            status: Set(h.status.into()),
            score: Set(i16::from(h.score)),
            band: Set(h.band.into()),
            sent_at: Set(h.sent_at),
            respond_by: Set(h.respond_by),
            decided_at: Set(h.decided_at),
            overdue_at: Set(h.overdue_at),
            created_at: Set(h.created_at),
            // As the mutations keep it: the time of the last change of status.
            updated_at: Set(h.decided_at.or(h.sent_at).unwrap_or(h.created_at).min(now)),
            archived_at: Set(None),
            ..Default::default()
        };
        h.content.apply(&mut row);
        handoff_rows.push(row);
    }
    let written = Written {
        handoffs: handoff_rows.len() as u64,
        grades: grade_rows.len() as u64,
        responses: response_rows.len() as u64,
        records: 0,
    };
    bulk::insert_all_small(tx.conn(), handoff_rows).await?;
    bulk::insert_all_small(tx.conn(), grade_rows).await?;
    bulk::insert_all_small(tx.conn(), response_rows).await?;
    Ok(written)
}

async fn write_named(
    tx: &TenantTx,
    accounts: &[NewNamed],
    partners: &[NewNamed],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let organization_id = tx.organization_id();
    let accounts = accounts.iter().filter_map(|a| {
        Some(account::ActiveModel {
            id: Set(a.id),
            organization_id: Set(organization_id),
            name: Set(a.name.clone()),
            seller_id: Set(a.seller_id?),
            on_priority_list: Set(false),
            confirmed_by_sales: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            archived_at: Set(None),
        })
    });
    bulk::insert_all_small(tx.conn(), accounts.collect()).await?;
    let partners = partners.iter().map(|p| partner::ActiveModel {
        id: Set(p.id),
        organization_id: Set(organization_id),
        name: Set(p.name.clone()),
        sells: Set(String::new()),
        why_they_matter: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        archived_at: Set(None),
    });
    bulk::insert_all_small(tx.conn(), partners.collect()).await?;
    Ok(())
}

/// One trust record, its names resolved.
pub struct ImportedRecord {
    pub at: DateTime<Utc>,
    pub note: Option<String>,
    pub what: ImportedTarget,
}

pub enum ImportedTarget {
    PartnerAsk { seller_id: Uuid, account_id: Option<Uuid>, account_name: Option<String>, partner_id: Option<Uuid> },
    PartnerMeeting { seller_id: Uuid, account_id: Uuid, partner_id: Uuid },
    PipelineMention { review: Review, account_id: Option<Uuid>, partner_id: Option<Uuid>, present: bool },
    Escalation { topic: EscalationTopic, account_id: Option<Uuid>, partner_id: Option<Uuid> },
    ScoreReview { attendees: Vec<Uuid> },
}

/// When each account first had a handoff sent on it: an ask after that was brought by partner
/// marketing.
pub async fn first_sent_by_account(tx: &TenantTx) -> Result<HashMap<Uuid, DateTime<Utc>>, StoreError> {
    let rows: Vec<(Uuid, Option<DateTime<Utc>>)> = tenant_table::of_organization::<handoff::Entity>(tx)
        .select_only()
        .column(handoff::Column::AccountId)
        .column_as(handoff::Column::SentAt.min(), "sent_at")
        .filter(handoff::Column::SentAt.is_not_null())
        .group_by(handoff::Column::AccountId)
        .into_tuple()
        .all(tx.conn())
        .await?;
    Ok(rows.into_iter().filter_map(|(account, at)| Some((account, at?))).collect())
}

/// Stores trust records of one kind, logged by the transaction's member.
pub async fn write_records(
    tx: &TenantTx,
    records: Vec<ImportedRecord>,
    now: DateTime<Utc>,
) -> Result<Written, StoreError> {
    let first_sent = if records.iter().any(|r| matches!(r.what, ImportedTarget::PartnerAsk { .. })) {
        first_sent_by_account(tx).await?
    } else {
        HashMap::new()
    };
    let written = Written { records: records.len() as u64, ..Written::default() };
    let (mut asks, mut meetings, mut mentions, mut escalations, mut reviews) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for record in records {
        let by = Logger { id: Uuid::now_v7(), organization_id: tx.organization_id(), user_id: tx.user_id() };
        let logged = Logged { note: record.note, at: record.at };
        match record.what {
            ImportedTarget::PartnerAsk { seller_id, account_id, account_name, partner_id } => {
                let mut row: partner_ask::ActiveModel = record_row::<partner_ask::Entity>(by, logged, now);
                let brought = account_id.and_then(|a| first_sent.get(&a)).is_some_and(|&sent| sent < record.at);
                row.seller_id = Set(seller_id);
                row.account_id = Set(account_id);
                row.account_name = Set(account_name);
                row.partner_id = Set(partner_id);
                row.brought_by_partner_marketing = Set(brought);
                asks.push(row);
            }
            ImportedTarget::PartnerMeeting { seller_id, account_id, partner_id } => {
                let mut row: partner_meeting::ActiveModel = record_row::<partner_meeting::Entity>(by, logged, now);
                row.seller_id = Set(seller_id);
                row.account_id = Set(account_id);
                row.partner_id = Set(partner_id);
                row.handoff_id = Set(None);
                meetings.push(row);
            }
            ImportedTarget::PipelineMention { review, account_id, partner_id, present } => {
                let mut row: pipeline_mention::ActiveModel = record_row::<pipeline_mention::Entity>(by, logged, now);
                row.review_kind = Set(match review {
                    Review::Forecast => StoredReviewKind::Forecast,
                    Review::Pipeline => StoredReviewKind::Pipeline,
                    Review::DealReview => StoredReviewKind::DealReview,
                });
                row.account_id = Set(account_id);
                row.partner_id = Set(partner_id);
                row.partner_marketing_present = Set(present);
                mentions.push(row);
            }
            ImportedTarget::Escalation { topic, account_id, partner_id } => {
                let mut row: escalation::ActiveModel = record_row::<escalation::Entity>(by, logged, now);
                row.handoff_id = Set(None);
                row.account_id = Set(account_id);
                row.partner_id = Set(partner_id);
                row.topic = Set(topic.into());
                escalations.push(row);
            }
            ImportedTarget::ScoreReview { attendees } => {
                let mut row: score_review::ActiveModel = record_row::<score_review::Entity>(by, logged, now);
                row.attendees = Set(Ids(attendees));
                reviews.push(row);
            }
        }
    }
    bulk::insert_all_small(tx.conn(), asks).await?;
    bulk::insert_all_small(tx.conn(), meetings).await?;
    bulk::insert_all_small(tx.conn(), mentions).await?;
    bulk::insert_all_small(tx.conn(), escalations).await?;
    bulk::insert_all_small(tx.conn(), reviews).await?;
    Ok(written)
}

/// The member of `organization_id` an operator names by email, or else its longest-standing
/// ADMIN (the `import` command acts as them).
pub async fn operator(
    conn: &impl sea_orm::ConnectionTrait,
    organization_id: Uuid,
    email: Option<&str>,
) -> Result<Option<Uuid>, StoreError> {
    use sea_orm::{EntityTrait, QueryOrder, RelationTrait};
    let members = membership::Entity::find()
        .select_only()
        .column(membership::Column::UserId)
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .join(sea_orm::JoinType::InnerJoin, membership::Relation::User.def());
    let members = match email {
        Some(email) => members.filter(user::Column::Email.eq(email.trim().to_lowercase())),
        None => {
            members.filter(membership::Column::Role.eq(entity::Role::Admin)).order_by_asc(membership::Column::CreatedAt)
        }
    };
    Ok(members.into_tuple::<Uuid>().one(conn).await?)
}
