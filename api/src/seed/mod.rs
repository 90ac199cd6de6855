//! `handoff-api seed`: realistic data at scale for benchmarks, written straight to the tables in
//! multi-row inserts (the demo goes through the API; a million handoffs cannot). Deterministic:
//! the same plan and seed number write the same rows, ids included. Development mode only: every
//! seeded person shares one published password.
//!
//! Each organization `seed-NNN` has an admin, two partner marketers, ten sellers and a sales
//! leader; twenty partners; an account per twenty handoffs; handoffs created over the year before
//! `now`, each graded on all nine components, most of the sendable ones sent, most of those
//! answered; an agreed working agreement; and a year of asks, meetings, mentions, escalations and
//! monthly score reviews.

mod random;
mod rows;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use sea_orm::ConnectionTrait;

use crate::store::{Store, StoreError, organizations};
use rows::Organization;

/// Organizations written at once on PostgreSQL (each in its own transaction and connection).
pub const PARALLEL_WRITES: usize = 4;

/// Every seeded person's password.
pub const PASSWORD: &str = "seed-password-not-secret";

/// What to write.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub organizations: u32,
    pub handoffs_per_organization: u32,
    /// Handoffs of one more organization after the others, larger or smaller than they are
    /// (a benchmark's report over one big organization).
    pub large_organization: Option<u32>,
    /// The same number writes the same data.
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seeded {
    pub organizations: u64,
    pub people: u64,
    pub handoffs: u64,
    pub grades: u64,
    pub responses: u64,
    pub records: u64,
    /// An ADMIN of the first organization.
    pub first_admin: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("organization `{0}` exists: this database is seeded already")]
    AlreadySeeded(String),
    #[error("seeding writes people with a published password and is refused in production mode")]
    Production,
    #[error("the password hash could not be made: {0}")]
    Password(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Plan {
    /// Handoffs of the `n`th organization.
    pub fn handoffs_of(&self, n: u32) -> u32 {
        match self.large_organization {
            Some(handoffs) if n == self.organizations => handoffs,
            _ => self.handoffs_per_organization,
        }
    }
}

/// The slug of the `n`th seeded organization.
pub fn slug(n: u32) -> String {
    format!("seed-{n:03}")
}

/// Writes `plan` as of `now`, one organization per transaction.
pub async fn run(store: &Store, plan: Plan, now: DateTime<Utc>, production: bool) -> Result<Seeded, SeedError> {
    if production {
        return Err(SeedError::Production);
    }
    if organizations::id_by_slug(store.conn(), &slug(0)).await?.is_some() {
        return Err(SeedError::AlreadySeeded(slug(0)));
    }
    // One hash for everyone: hashing is slow on purpose, and these are not real people.
    let password = crate::domain::NewPassword::parse(PASSWORD).map_err(|e| SeedError::Password(e.to_string()))?;
    let hash = crate::auth::password::Hasher::default()
        .hash(&password)
        .await
        .map_err(|e| SeedError::Password(e.to_string()))?;
    let mut seeded = Seeded { first_admin: rows::admin_email(&slug(0)), ..Seeded::default() };
    // Organizations are independent: on PostgreSQL several are written at once. SQLite has one
    // writer, and a transaction waiting for it would time out.
    let parallel = if store.backend() == sea_orm::DatabaseBackend::Sqlite { 1 } else { PARALLEL_WRITES };
    let writes = futures_util::stream::iter(0..plan.organizations + u32::from(plan.large_organization.is_some()))
        .map(|n| {
            let hash = hash.clone();
            async move { Organization::generate(plan, n, now, &hash).write(store).await }
        })
        .buffer_unordered(parallel);
    futures_util::pin_mut!(writes);
    while let Some(counts) = writes.next().await {
        let counts = counts?;
        seeded.organizations += 1;
        seeded.people += counts.people;
        seeded.handoffs += counts.handoffs;
        seeded.grades += counts.grades;
        seeded.responses += counts.responses;
        seeded.records += counts.records;
    }
    // Fresh statistics: without them the planner takes a freshly filled table for an empty one
    // and picks plans that read a whole organization to show one page. On PostgreSQL, VACUUM also
    // marks the new rows' pages all-visible, as autovacuum would in time, so that reads answered
    // from an index alone (the trust report's) need not visit the table.
    let statement = match store.conn().get_database_backend() {
        sea_orm::DbBackend::Postgres => "VACUUM ANALYZE",
        _ => "ANALYZE",
    };
    store.conn().execute_unprepared(statement).await.map_err(StoreError::from)?;
    Ok(seeded)
}
