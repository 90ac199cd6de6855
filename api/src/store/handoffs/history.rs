//! What was sent, read for scorecards and trust signals: organization facts, not a member's view.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::handoff;
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, Func};
use sea_orm::sqlx::Row;
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait, IdenStatic, Iterable,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Statement,
};
use uuid::Uuid;

use super::{HandoffRow, visible};
use crate::store::pg_arrays::{BinaryArray, INT2, INT4, TIMESTAMPTZ, uuid_array_literal};
use crate::store::{PortfolioTx, StoreError, TenantTx};

/// The last `n` handoffs that were actually sent, newest first ("your last three, not your best one").
pub async fn last_sent(
    tx: &TenantTx,
    n: u64,
    partner_id: Option<Uuid>,
    marketer_id: Option<Uuid>,
    sent_before: Option<DateTime<Utc>>,
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
    if let Some(end) = sent_before {
        query = query.filter(handoff::Column::SentAt.lt(end));
    }
    Ok(query.limit(n).all(tx.conn()).await?)
}

/// The last `n` handoffs sent (and not archived) in each of a portfolio's organizations, newest
/// first within each, in one statement.
pub async fn last_sent_across(ptx: &PortfolioTx, n: u64) -> Result<Vec<HandoffRow>, StoreError> {
    let ids = ptx.organization_ids();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let limit = i64::try_from(n).unwrap_or(i64::MAX);
    let statement = if ptx.is_postgres() {
        // Each organization's newest through its (organization_id, sent_at) index: n rows each,
        // however many it sent.
        let ids = uuid_array_literal(ids);
        Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT h.* FROM unnest(CAST($1 AS uuid[])) AS o(id) CROSS JOIN LATERAL ( \
               SELECT * FROM handoffs WHERE organization_id = o.id AND sent_at IS NOT NULL AND archived_at IS NULL \
               ORDER BY sent_at DESC, id DESC LIMIT $2) AS h \
             ORDER BY h.organization_id, h.sent_at DESC, h.id DESC",
            [ids.into(), limit.into()],
        )
    } else {
        // SQLite has no LATERAL: each organization's sent handoffs numbered, newest first.
        let placeholders = vec!["?"; ids.len()].join(", ");
        let values = ids.iter().map(|id| (*id).into()).chain([limit.into()]);
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            format!(
                "SELECT * FROM (SELECT *, row_number() OVER ( \
                   PARTITION BY organization_id ORDER BY sent_at DESC, id DESC) AS newest \
                 FROM handoffs WHERE organization_id IN ({placeholders}) \
                   AND sent_at IS NOT NULL AND archived_at IS NULL) \
                 WHERE newest <= ? ORDER BY organization_id, newest"
            ),
            values,
        )
    };
    Ok(handoff::Entity::find().from_raw_sql(statement).all(ptx.conn()).await?)
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
    let organization = tx.organization_id();
    let mut by_organization = sent_by_organization(tx.conn(), query, Some(organization)).await?;
    Ok(by_organization.remove(&organization).unwrap_or_default())
}

/// Handoffs sent in `[from, to)` in each of a portfolio's organizations, in one statement.
pub async fn sent_across(
    ptx: &PortfolioTx,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<HashMap<Uuid, Vec<SentHandoff>>, StoreError> {
    let query = super::super::tenant_table::of_organizations::<handoff::Entity>(ptx)
        .select_only()
        .filter(handoff::Column::SentAt.gte(from))
        .filter(handoff::Column::SentAt.lt(to));
    sent_by_organization(ptx.conn(), query, None).await
}

/// The handoffs `query` finds, by organization; `one` names the organization when the query
/// reads only that one, which spares the grouping.
async fn sent_by_organization(
    conn: &DatabaseTransaction,
    query: Select<handoff::Entity>,
    one: Option<Uuid>,
) -> Result<HashMap<Uuid, Vec<SentHandoff>>, StoreError> {
    if conn.get_database_backend() == DbBackend::Postgres
        && let Some(handoffs) = sent_as_arrays(conn, query.clone(), one).await?
    {
        return Ok(handoffs);
    }
    // SQLite; or a stored value the arrays could not read, which the rows name by their id.
    let mut by_organization: HashMap<Uuid, Vec<SentHandoff>> = HashMap::new();
    for r in query.into_partial_model::<SentRow>().all(conn).await? {
        by_organization.entry(r.organization_id).or_default().push(SentHandoff {
            status: r.status,
            score: crate::store::codes::number("handoffs", r.id, "score", r.score)?,
            sent_at: r.sent_at,
            respond_by: r.respond_by,
            decided_at: r.decided_at,
        });
    }
    Ok(by_organization)
}

/// A sent handoff as its row stores it.
#[derive(sea_orm::DerivePartialModel)]
#[sea_orm(entity = "handoff::Entity")]
struct SentRow {
    id: Uuid,
    organization_id: Uuid,
    status: entity::codes::HandoffStatus,
    score: i16,
    sent_at: Option<DateTime<Utc>>,
    respond_by: Option<DateTime<Utc>>,
    decided_at: Option<DateTime<Utc>>,
}

/// PostgreSQL: the same handoffs as one row of five arrays per organization (`array_agg` keeps one
/// order across them). A large organization's report reads tens of thousands of handoffs, and a
/// row each costs the server several times more to receive and decode than their values in
/// arrays. The status comes as its position among the known codes (NULL for another), so no text
/// is sent. `None` when a value cannot be read: the caller reads the rows instead, to name the row.
async fn sent_as_arrays(
    conn: &DatabaseTransaction,
    query: Select<handoff::Entity>,
    one: Option<Uuid>,
) -> Result<Option<HashMap<Uuid, Vec<SentHandoff>>>, StoreError> {
    use entity::codes::HandoffStatus;
    let statuses: Vec<HandoffStatus> = HandoffStatus::iter().collect();
    let position = statuses.iter().zip(0i32..).fold(CaseStatement::new(), |case, (status, i)| {
        case.case(Expr::col(handoff::Column::Status).eq(status.to_value()), i)
    });
    let array_agg = |e: Expr| Func::cust("array_agg").arg(e);
    let query =
        [handoff::Column::Score, handoff::Column::SentAt, handoff::Column::RespondBy, handoff::Column::DecidedAt]
            .into_iter()
            .fold(
                match one {
                    // One organization: one aggregate row, without grouping (a fifth of the read).
                    Some(_) => query,
                    None => query.column(handoff::Column::OrganizationId).group_by(handoff::Column::OrganizationId),
                }
                .expr_as(array_agg(position.into()), "status"),
                |q, c| q.expr_as(array_agg(Expr::col(c)), c.as_str()),
            );
    let mut by_organization = HashMap::new();
    for result in conn.query_all_raw(query.build(DbBackend::Postgres)).await? {
        let row = result
            .try_as_pg_row()
            .ok_or_else(|| DbErr::Custom("a PostgreSQL read returned another row type".into()))?;
        let (organization, first) = match one {
            Some(id) => (id, 0),
            None => (row.try_get(0).map_err(crate::store::pg_arrays::sqlx_error)?, 1),
        };
        let Some(handoffs) = decode_sent(row, first, &statuses)? else { return Ok(None) };
        by_organization.insert(organization, handoffs);
    }
    Ok(Some(by_organization))
}

/// One organization's row of arrays, from column `first`; `None` for a value the rows would refuse.
fn decode_sent(
    row: &sea_orm::sqlx::postgres::PgRow,
    first: usize,
    statuses: &[entity::codes::HandoffStatus],
) -> Result<Option<Vec<SentHandoff>>, StoreError> {
    let array = |index: usize, element_type| BinaryArray::of(row, first + index, element_type);
    // No handoff sent in the span: an ungrouped aggregate's arrays are NULL.
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
