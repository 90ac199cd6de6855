//! PostgreSQL: a portfolio's organizations are read together.
//!
//! A person who runs several organizations sees them side by side (`Viewer.portfolio`). Read one
//! organization at a time, that costs a fixed set of statements per organization; read together,
//! one set for all. Beside `tenant_isolation`, every tenant table gets a second policy,
//! `portfolio_read`, for `SELECT` only: the tenant role may also read the rows of the
//! organizations in `app.organization_ids`, which only a read-only portfolio transaction sets.
//! Permissive policies add up per command, so reading sees either; inserting, updating and
//! deleting still see `tenant_isolation` alone, and `app.organization_id`'s rows. SQLite has no
//! policies.

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use sea_orm_migration::prelude::*;

use crate::TENANT_ROLE;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The organizations of the transaction's portfolio, read once per statement (a sub-select);
/// `COALESCE` makes it an array expression, which `ANY` compares with, and none when unset.
fn portfolio_read(column: &str) -> String {
    format!(
        "\"{column}\" = ANY (COALESCE( \
           (SELECT NULLIF(current_setting('app.organization_ids', true), '')::uuid[]), '{{}}'::uuid[]))"
    )
}

/// The statements that let the tenant role read `table`'s rows of a portfolio's organizations:
/// later migrations that add a tenant table run these beside `protect_tenant_table`.
pub fn protect_portfolio_reads(table: &str, column: &str) -> Vec<String> {
    vec![
        format!("DROP POLICY IF EXISTS portfolio_read ON \"{table}\""),
        format!(
            "CREATE POLICY portfolio_read ON \"{table}\" FOR SELECT TO {TENANT_ROLE} USING ({})",
            portfolio_read(column)
        ),
    ]
}

async fn tenant_tables(manager: &SchemaManager<'_>) -> Result<Vec<(String, &'static str)>, DbErr> {
    let rows = manager
        .get_connection()
        .query_all_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT tablename::text AS name FROM pg_policies
             WHERE schemaname = current_schema() AND policyname = 'tenant_isolation' ORDER BY tablename",
        ))
        .await?;
    rows.iter()
        .map(|row| {
            let table: String = row.try_get("", "name")?;
            let column = if table == "organizations" { "id" } else { "organization_id" };
            Ok((table, column))
        })
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for (table, column) in tenant_tables(manager).await? {
            for statement in protect_portfolio_reads(&table, column) {
                manager.get_connection().execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for (table, _) in tenant_tables(manager).await? {
            let drop = format!("DROP POLICY IF EXISTS portfolio_read ON \"{table}\"");
            manager.get_connection().execute_unprepared(&drop).await?;
        }
        Ok(())
    }
}
