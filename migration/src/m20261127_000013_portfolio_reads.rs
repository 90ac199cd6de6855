//! PostgreSQL: a portfolio's organizations are read together.
//!
//! A person who runs several organizations sees them side by side (`Viewer.portfolio`). Read one
//! organization at a time, that costs a fixed set of statements per organization; read together,
//! one set for all. Every `tenant_isolation` policy now also lets the tenant role read the rows of
//! the organizations in `app.organization_ids`, which only a read-only portfolio transaction sets;
//! writing still needs the row to be `app.organization_id`'s. SQLite has no policies.

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;

use crate::m20261125_000009_row_level_security::{policy, write_policy};
use crate::m20261126_000012_cheaper_large_reads::set_policies;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn read_and_write(column: &str) -> String {
    format!("{}) WITH CHECK ({}", policy(column), write_policy(column))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        set_policies(manager, read_and_write).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        // A policy's check cannot be dropped alone; the same check as the read is what it had.
        set_policies(manager, |column| format!("{}) WITH CHECK ({}", write_policy(column), write_policy(column))).await
    }
}
