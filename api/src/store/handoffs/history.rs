//! What was sent, read for scorecards and trust signals: organization facts, not a member's view.

use chrono::{DateTime, Utc};
use entity::handoff;
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, Func};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DbBackend, DbErr, IdenStatic, Iterable, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
};
use uuid::Uuid;

use super::{HandoffRow, visible};
use crate::store::pg_arrays::{BinaryArray, INT2, INT4, TIMESTAMPTZ};
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
#[derive(Debug, Clone)]
pub struct SentHandoff {
    pub status: entity::codes::HandoffStatus,
    pub score: u8,
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
        .filter(handoff::Column::SentAt.gte(from))
        .filter(handoff::Column::SentAt.lt(to));
    if let Some(partner) = partner_id {
        query = query.filter(handoff::Column::PartnerId.eq(partner));
    }
    if let Some(seller) = seller_id {
        query = query.filter(handoff::Column::SellerId.eq(seller));
    }
    if tx.conn().get_database_backend() == DbBackend::Postgres
        && let Some(handoffs) = sent_as_arrays(tx, query.clone()).await?
    {
        return Ok(handoffs);
    }
    // SQLite; or a stored value the arrays could not read, which the rows name by their id.
    let rows = query.into_partial_model::<SentRow>().all(tx.conn()).await?;
    rows.into_iter()
        .map(|r| {
            Ok(SentHandoff {
                status: r.status,
                score: crate::store::codes::number("handoffs", r.id, "score", r.score)?,
                sent_at: r.sent_at,
                respond_by: r.respond_by,
                decided_at: r.decided_at,
            })
        })
        .collect()
}

/// A sent handoff as its row stores it.
#[derive(sea_orm::DerivePartialModel)]
#[sea_orm(entity = "handoff::Entity")]
struct SentRow {
    id: Uuid,
    status: entity::codes::HandoffStatus,
    score: i16,
    sent_at: Option<DateTime<Utc>>,
    respond_by: Option<DateTime<Utc>>,
    decided_at: Option<DateTime<Utc>>,
}

/// PostgreSQL: the same handoffs as one row of five arrays (`array_agg` keeps one order across
/// them). A large organization's report reads tens of thousands of handoffs, and a row each
/// costs the server several times more to receive and decode than their values in arrays. The
/// status comes as its position among the known codes (NULL for another), so no text is sent.
/// `None` when a value cannot be read: the caller reads the rows instead, to name the row.
async fn sent_as_arrays(tx: &TenantTx, query: Select<handoff::Entity>) -> Result<Option<Vec<SentHandoff>>, StoreError> {
    use entity::codes::HandoffStatus;
    let statuses: Vec<HandoffStatus> = HandoffStatus::iter().collect();
    let position = statuses.iter().zip(0i32..).fold(CaseStatement::new(), |case, (status, i)| {
        case.case(Expr::col(handoff::Column::Status).eq(status.to_value()), i)
    });
    let array_agg = |e: Expr| Func::cust("array_agg").arg(e);
    let query =
        [handoff::Column::Score, handoff::Column::SentAt, handoff::Column::RespondBy, handoff::Column::DecidedAt]
            .into_iter()
            .fold(query.expr_as(array_agg(position.into()), "status"), |q, c| {
                q.expr_as(array_agg(Expr::col(c)), c.as_str())
            });
    let Some(result) = tx.conn().query_one_raw(query.build(DbBackend::Postgres)).await? else {
        return Ok(Some(Vec::new()));
    };
    let row =
        result.try_as_pg_row().ok_or_else(|| DbErr::Custom("a PostgreSQL read returned another row type".into()))?;
    let array = |index, element_type| BinaryArray::of(row, index, element_type);
    // No handoff sent in the span: every aggregate is NULL.
    let (Some(positions), Some(scores), Some(sent), Some(respond_by), Some(decided)) =
        (array(0, INT4)?, array(1, INT2)?, array(2, TIMESTAMPTZ)?, array(3, TIMESTAMPTZ)?, array(4, TIMESTAMPTZ)?)
    else {
        return Ok(Some(Vec::new()));
    };
    let n = positions.len();
    if [scores.len(), sent.len(), respond_by.len(), decided.len()].iter().any(|len| *len != n) {
        return Err(DbErr::Type("the sent handoffs' arrays differ in length".into()).into());
    }
    let (positions, scores) = (positions.fixed::<4>()?, scores.fixed::<2>()?);
    let (sent, respond_by, decided) = (sent.timestamps()?, respond_by.timestamps()?, decided.timestamps()?);
    let mut handoffs = Vec::with_capacity(n);
    for i in 0..n {
        let status = positions[i]
            .and_then(|p| usize::try_from(i32::from_be_bytes(p)).ok())
            .and_then(|p| statuses.get(p).copied());
        let score = scores[i].map(i16::from_be_bytes).and_then(|s| u8::try_from(s).ok());
        let (Some(status), Some(score)) = (status, score) else { return Ok(None) };
        handoffs.push(SentHandoff {
            status,
            score,
            sent_at: sent[i],
            respond_by: respond_by[i],
            decided_at: decided[i],
        });
    }
    Ok(Some(handoffs))
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
