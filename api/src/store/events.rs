//! The event outbox: an event is recorded, with its webhook deliveries, in the transaction of the
//! change it describes, so a committed change always has its event and a rolled-back one never
//! does. Fan-out reads the stored events back in `seq` order.

use chrono::{DateTime, Utc};
use entity::handoff_event::{self, Column, Entity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseTransaction, DbErr, EntityTrait, NotSet,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use uuid::Uuid;

use super::tenant_table::TenantTable;
use super::{StoreError, TenantTx, webhooks};
use crate::domain::events::{HandoffEvent, HandoffEventKind, StoredEvent};

/// The PostgreSQL advisory lock every event writer takes before its event gets a `seq`, held until
/// commit: events then commit in `seq` order, so a reader that has seen every event up to a `seq`
/// never meets an older one later. (SQLite has one writer at a time anyway.)
const ORDER_LOCK: i64 = 0x0068_616e_646f_6666;

/// Records `event` as `id` and queues its webhook deliveries with `payload`, in the caller's
/// transaction. Call it as the transaction's last statement: on PostgreSQL it takes the lock that
/// keeps events in commit order, held until the commit.
pub async fn record(tx: &TenantTx, id: Uuid, event: &HandoffEvent, payload: &str) -> Result<StoredEvent, StoreError> {
    record_in(tx.conn(), id, event, payload).await
}

/// `record` in a transaction that belongs to no one caller (the overdue sweep's).
pub(super) async fn record_in(
    tx: &DatabaseTransaction,
    id: Uuid,
    event: &HandoffEvent,
    payload: &str,
) -> Result<StoredEvent, StoreError> {
    // Deliveries first: only the event row needs the ordering lock, held for as short as can be.
    webhooks::enqueue(tx, event, id, payload, event.at).await?;
    if tx.get_database_backend() == DatabaseBackend::Postgres {
        let lock = "SELECT pg_advisory_xact_lock($1)";
        tx.execute_raw(Statement::from_sql_and_values(DatabaseBackend::Postgres, lock, [ORDER_LOCK.into()])).await?;
    }
    let row = handoff_event::ActiveModel {
        seq: NotSet,
        id: Set(id),
        organization_id: Set(event.organization_id),
        handoff_id: Set(event.handoff_id),
        kind: Set(event.kind.code().to_owned()),
        occurred_at: Set(event.at),
        response_id: Set(event.response_id),
    }
    .insert(tx)
    .await?;
    stored(row).ok_or_else(|| StoreError::Db(DbErr::Custom(format!("event {id} was stored with an unknown kind"))))
}

/// Events after `seq`, over every organization, oldest first, at most `limit` rows read: the
/// fan-out's read. Also returns the last `seq` read, so a row of a kind this version does not know
/// (written by a newer replica during a rolling deploy) is passed over, never read again and again.
pub async fn since(
    conn: &impl ConnectionTrait,
    seq: i64,
    limit: u64,
) -> Result<(Vec<StoredEvent>, i64, usize), StoreError> {
    let rows = Entity::find().filter(Column::Seq.gt(seq)).order_by_asc(Column::Seq).limit(limit).all(conn).await?;
    let read = rows.len();
    let last = rows.last().map_or(seq, |row| row.seq);
    Ok((rows.into_iter().filter_map(stored).collect(), last, read))
}

/// The organization's events after `seq` of `kinds`, on handoffs the caller may see, oldest first:
/// at most `limit`, and whether more follow. Subscribers resuming and clients polling read these.
pub async fn page(
    tx: &TenantTx,
    after: i64,
    kinds: &[HandoffEventKind],
    limit: u64,
) -> Result<(Vec<StoredEvent>, bool), StoreError> {
    let codes: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
    let rows = Entity::visible(tx)
        .filter(Column::Seq.gt(after))
        .filter(Column::Kind.is_in(codes))
        .order_by_asc(Column::Seq)
        .limit(limit + 1)
        .all(tx.conn())
        .await?;
    let (rows, more) = super::page::split_rows(rows, limit, false);
    Ok((rows.into_iter().filter_map(stored).collect(), more))
}

/// Deletes the events that happened before `cutoff` (past the retention window).
pub async fn sweep(conn: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(Entity::delete_many().filter(Column::OccurredAt.lt(cutoff)).exec(conn).await?.rows_affected)
}

/// The newest event's `seq`; 0 before the first event.
pub async fn last_seq(conn: &impl ConnectionTrait) -> Result<i64, StoreError> {
    let last: Option<i64> =
        Entity::find().select_only().column(Column::Seq).order_by_desc(Column::Seq).into_tuple().one(conn).await?;
    Ok(last.unwrap_or(0))
}

/// A stored row as a domain event; `None`, logged with the row, for a kind this version does not
/// know.
fn stored(row: handoff_event::Model) -> Option<StoredEvent> {
    let Some(kind) = HandoffEventKind::from_code(&row.kind) else {
        tracing::warn!(seq = row.seq, kind = %row.kind, "passed over a handoff event of a kind this version does not know");
        return None;
    };
    Some(StoredEvent {
        seq: row.seq,
        id: row.id,
        event: HandoffEvent {
            organization_id: row.organization_id,
            handoff_id: row.handoff_id,
            kind,
            at: row.occurred_at,
            response_id: row.response_id,
        },
    })
}
