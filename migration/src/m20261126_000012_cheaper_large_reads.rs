//! Changes that keep reads cheap in a large database, none visible to a query's result.
//!
//! Both databases:
//!
//! - The overdue sweep, which every replica runs every minute, finds sent handoffs past
//!   `respondBy` and not yet marked in an index, instead of reading every handoff.
//!
//! PostgreSQL:
//!
//! - Every `tenant_isolation` policy reads the role and the organization once per statement (see
//!   `row_level_security::policy`) instead of once per row.
//! - The index of handoffs by sending time also holds what the trust signals read of a sent
//!   handoff, so a trust report over tens of thousands of them is answered from the index alone
//!   (an index-only scan, where the table's pages are all-visible) instead of visiting every row.
//!   Grading and deciding now also update this index (the columns it holds change), which costs
//!   those writes a little.

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use sea_orm_migration::prelude::*;

use crate::m20261125_000009_row_level_security::policy;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SENT_INDEX: &str = "ix_handoffs_organization_sent";
const OVERDUE_INDEX: &str = "ix_handoffs_awaiting_answer";
/// What `store::handoffs::sent_between` reads besides the index's keys.
const SENT_FACTS: &str = "id, status, score, respond_by, decided_at";
/// The condition every policy had before.
fn per_row_policy(column: &str) -> String {
    format!(
        "current_user <> '{}' OR \"{column}\" = NULLIF(current_setting('app.organization_id', true), '')::uuid",
        crate::TENANT_ROLE
    )
}

async fn set_policies(manager: &SchemaManager<'_>, condition: fn(&str) -> String) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let tables = db
        .query_all_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT tablename::text AS name FROM pg_policies
             WHERE schemaname = current_schema() AND policyname = 'tenant_isolation' ORDER BY tablename",
        ))
        .await?;
    for row in tables {
        let table: String = row.try_get("", "name")?;
        let column = if table == "organizations" { "id" } else { "organization_id" };
        db.execute_unprepared(&format!("ALTER POLICY tenant_isolation ON \"{table}\" USING ({})", condition(column)))
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // What `store::handoffs::mark_overdue` looks for; the same SQL on both databases. The status
        // is a key, not part of the condition: the sweep binds it as a parameter, and a partial
        // index whose condition names a value serves only statements that spell that value out.
        db.execute_unprepared(&format!(
            "CREATE INDEX {OVERDUE_INDEX} ON handoffs (status, respond_by) WHERE overdue_at IS NULL"
        ))
        .await?;
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        set_policies(manager, policy).await?;
        db.execute_unprepared(&format!("DROP INDEX IF EXISTS {SENT_INDEX}")).await?;
        db.execute_unprepared(&format!(
            "CREATE INDEX {SENT_INDEX} ON handoffs (organization_id, sent_at) INCLUDE ({SENT_FACTS})"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&format!("DROP INDEX IF EXISTS {OVERDUE_INDEX}")).await?;
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        set_policies(manager, per_row_policy).await?;
        db.execute_unprepared(&format!("DROP INDEX IF EXISTS {SENT_INDEX}")).await?;
        db.execute_unprepared(&format!("CREATE INDEX {SENT_INDEX} ON handoffs (organization_id, sent_at)")).await?;
        Ok(())
    }
}
