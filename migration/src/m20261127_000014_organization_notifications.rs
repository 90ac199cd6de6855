//! PostgreSQL: a change to an organization (its name, slug or send rule) or its removal sends
//! `NOTIFY handoff_credentials`, as a change to what authentication reads does, so that every
//! replica's credential cache, which also keeps organizations by slug, is cleared when it commits.
//! A new organization needs no notice: a slug nobody has is never kept.

use sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::prelude::*;

use crate::m20261126_000011_credential_notifications::{dropped_notice_triggers, notice_triggers};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Any change to an organization's row counts: the cache keeps the whole row.
const EVENTS: &str = "UPDATE OR DELETE";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        // The trigger function is migration 11's.
        for sql in notice_triggers("organizations", EVENTS) {
            manager.get_connection().execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for sql in dropped_notice_triggers("organizations") {
            manager.get_connection().execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}
