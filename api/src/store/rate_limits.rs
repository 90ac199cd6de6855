//! Throttle buckets in the database, shared by every replica. Each change is a compare-and-set on
//! the state the decision was made from, so of several parallel attempts only as many pass as the
//! rule allows; a loser re-reads and decides again.

use chrono::{DateTime, Duration, Utc};
use entity::rate_limit;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TryInsertResult};
use sha2::{Digest, Sha256};

use super::StoreError;
use crate::domain::throttle::{Bucket, Decision, Refund, Shape, decide, refund};

/// Attempts to re-decide after losing a race before refusing. Every lost race is another
/// attempt's win, so this bounds the parallel attempts on one bucket that are decided exactly;
/// past it a request is refused for a second rather than retried for ever.
const MAX_RACES: usize = 64;

/// The stored key of a bucket name: fixed length, and no email kept in clear.
pub fn key(name: &str) -> String {
    Sha256::digest(name.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn bucket(row: &rate_limit::Model) -> Bucket {
    Bucket {
        hits: u32::try_from(row.hits).unwrap_or(0),
        window_started_at: row.window_started_at,
        blocked_until: row.blocked_until,
    }
}

/// Takes one attempt from the bucket `key`: `Ok(())` when it passes, `Err(retry_after)` when not.
pub async fn take(
    conn: &impl ConnectionTrait,
    key: &str,
    shape: Shape,
    now: DateTime<Utc>,
) -> Result<Result<(), Duration>, StoreError> {
    for _ in 0..MAX_RACES {
        let current = rate_limit::Entity::find_by_id(key.to_owned()).one(conn).await?;
        let next = match decide(shape, current.as_ref().map(bucket), now) {
            Decision::Refuse { retry_after } => return Ok(Err(retry_after)),
            Decision::Allow(next) => next,
        };
        if write(conn, key, current.as_ref(), Some(next)).await? {
            return Ok(Ok(()));
        }
    }
    Ok(Err(Duration::seconds(1)))
}

/// Gives back an attempt (see `domain::throttle::refund`).
pub async fn give_back(conn: &impl ConnectionTrait, key: &str, shape: Shape, why: Refund) -> Result<(), StoreError> {
    for _ in 0..MAX_RACES {
        let Some(current) = rate_limit::Entity::find_by_id(key.to_owned()).one(conn).await? else { return Ok(()) };
        if write(conn, key, Some(&current), refund(shape, bucket(&current), why)).await? {
            return Ok(());
        }
    }
    Ok(())
}

/// Replaces `current` by `next` only if the row still equals `current`; false when it changed.
async fn write(
    conn: &impl ConnectionTrait,
    key: &str,
    current: Option<&rate_limit::Model>,
    next: Option<Bucket>,
) -> Result<bool, StoreError> {
    let unchanged = |current: &rate_limit::Model| {
        rate_limit::Column::Key
            .eq(key)
            .and(rate_limit::Column::Hits.eq(current.hits))
            .and(rate_limit::Column::WindowStartedAt.eq(current.window_started_at))
            .and(rate_limit::Column::BlockedUntil.eq(current.blocked_until))
    };
    let affected = match (current, next) {
        (None, None) => return Ok(true),
        (None, Some(next)) => {
            let row = rate_limit::ActiveModel {
                key: Set(key.to_owned()),
                hits: Set(i32::try_from(next.hits).unwrap_or(i32::MAX)),
                window_started_at: Set(next.window_started_at),
                blocked_until: Set(next.blocked_until),
            };
            match rate_limit::Entity::insert(row).on_conflict_do_nothing().exec_without_returning(conn).await? {
                TryInsertResult::Inserted(n) => n,
                _ => 0,
            }
        }
        (Some(current), Some(next)) => {
            rate_limit::Entity::update_many()
                .col_expr(rate_limit::Column::Hits, Expr::value(i32::try_from(next.hits).unwrap_or(i32::MAX)))
                .col_expr(rate_limit::Column::WindowStartedAt, Expr::value(next.window_started_at))
                .col_expr(rate_limit::Column::BlockedUntil, Expr::value(next.blocked_until))
                .filter(unchanged(current))
                .exec(conn)
                .await?
                .rows_affected
        }
        (Some(current), None) => {
            rate_limit::Entity::delete_many().filter(unchanged(current)).exec(conn).await?.rows_affected
        }
    };
    Ok(affected == 1)
}

/// Deletes buckets that can no longer refuse anything: quiet for longer than `idle`.
pub async fn sweep(conn: &impl ConnectionTrait, now: DateTime<Utc>, idle: Duration) -> Result<u64, StoreError> {
    let cutoff = now - idle;
    Ok(rate_limit::Entity::delete_many()
        .filter(rate_limit::Column::BlockedUntil.lt(cutoff))
        .filter(rate_limit::Column::WindowStartedAt.lt(cutoff))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Records `key` as a marker that lasts until `until` (a place a login succeeded from).
pub async fn mark(
    conn: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<(), StoreError> {
    let marker = Bucket { hits: 0, window_started_at: now, blocked_until: until };
    for _ in 0..MAX_RACES {
        let current = rate_limit::Entity::find_by_id(key.to_owned()).one(conn).await?;
        if write(conn, key, current.as_ref(), Some(marker)).await? {
            return Ok(());
        }
    }
    Ok(())
}

/// Whether the marker `key` is set and has not run out at `now`.
pub async fn is_marked(conn: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(rate_limit::Entity::find_by_id(key.to_owned()).one(conn).await?.is_some_and(|row| row.blocked_until > now))
}
