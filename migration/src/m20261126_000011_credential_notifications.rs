//! On PostgreSQL, a change to what authenticating a request reads (sessions ended or lapsed,
//! people, memberships, API tokens revoked) sends `NOTIFY handoff_credentials` in
//! the writing transaction, so every replica's credential cache is cleared when it commits. The
//! triggers are on the tables, so no code path that writes them can forget to notify. SQLite runs
//! one process and keeps no such cache.

use sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The channel credential changes are announced on.
pub const CREDENTIALS_CHANNEL: &str = "handoff_credentials";

/// Each table, the changes that matter to authentication (an `UPDATE OF` names the columns whose
/// change does). Left out on purpose: `api_tokens.last_used_at`, which moves on every use, and
/// `sessions.expires_at`, which a refresh moves later on every refresh: a cached session past its
/// cached expiry is read again instead (`auth::viewer`).
/// Row triggers, so a statement that changes no row (a sweep that finds nothing to delete) sends
/// nothing; several rows in one transaction still send one notice (PostgreSQL folds identical
/// notices). Truncation has only statement triggers.
const TRIGGERS: [(&str, &str); 4] = [
    ("sessions", "UPDATE OF ended_at, user_id OR DELETE"),
    // The person is cached too (name and email for `me`): any change to them counts.
    ("users", "UPDATE OR DELETE"),
    ("memberships", "INSERT OR UPDATE OR DELETE"),
    ("api_tokens", "UPDATE OF revoked_at, role, organization_id, user_id, secret_hash OR DELETE"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE OR REPLACE FUNCTION handoff_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN PERFORM pg_notify('{CREDENTIALS_CHANNEL}', ''); RETURN NULL; END $$"
        ))
        .await?;
        for (table, events) in TRIGGERS {
            for sql in notice_triggers(table, events) {
                db.execute_unprepared(&sql).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for (table, _) in TRIGGERS {
            for sql in dropped_notice_triggers(table) {
                db.execute_unprepared(&sql).await?;
            }
        }
        db.execute_unprepared("DROP FUNCTION IF EXISTS handoff_credentials_changed()").await?;
        Ok(())
    }
}

/// The triggers that announce `events` on `table` (and its truncation) on the channel.
pub(crate) fn notice_triggers(table: &str, events: &str) -> [String; 2] {
    [
        format!(
            "CREATE TRIGGER credentials_changed AFTER {events} ON \"{table}\" \
             FOR EACH ROW EXECUTE FUNCTION handoff_credentials_changed()"
        ),
        format!(
            "CREATE TRIGGER credentials_truncated AFTER TRUNCATE ON \"{table}\" \
             FOR EACH STATEMENT EXECUTE FUNCTION handoff_credentials_changed()"
        ),
    ]
}

pub(crate) fn dropped_notice_triggers(table: &str) -> [String; 2] {
    [
        format!("DROP TRIGGER IF EXISTS credentials_changed ON \"{table}\""),
        format!("DROP TRIGGER IF EXISTS credentials_truncated ON \"{table}\""),
    ]
}
