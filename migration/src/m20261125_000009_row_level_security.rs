//! PostgreSQL row-level security as a second wall behind the application's organization filter.
//!
//! Tenant transactions run as `handoff_tenant` (`SET LOCAL ROLE`), a role without BYPASSRLS that owns
//! nothing, so the wall holds whatever role the connection URL names, a superuser included. On every
//! table with an `organization_id` column (and on `organizations` by its `id`), a policy lets that
//! role see and write only the rows of `current_setting('app.organization_id')`. Other roles (the
//! connection's own, used by the few named cross-tenant paths) pass the policy. SQLite has no such
//! wall and keeps the application's one door.

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The role tenant transactions act as.
pub const TENANT_ROLE: &str = "handoff_tenant";

/// The statements that put `table` behind the wall, keyed by `column` (`organization_id`, or `id`
/// for the organizations themselves). Later migrations that add a tenant table call this too; a
/// test fails when a table with `organization_id` lacks the policy.
pub fn protect(table: &str, column: &str) -> Vec<String> {
    vec![
        format!("ALTER TABLE \"{table}\" ENABLE ROW LEVEL SECURITY"),
        format!("ALTER TABLE \"{table}\" FORCE ROW LEVEL SECURITY"),
        format!("DROP POLICY IF EXISTS tenant_isolation ON \"{table}\""),
        format!("CREATE POLICY tenant_isolation ON \"{table}\" USING ({})", policy(column)),
    ]
}

/// The policy's condition: rows of the transaction's organization, for the tenant role.
///
/// The role and the organization are read in sub-selects, which PostgreSQL evaluates once per
/// statement; bare, `current_user` (a catalog lookup) and `current_setting(…)::uuid` (a parse)
/// would be evaluated again for every row, which doubled the cost of reading thousands of rows.
pub fn policy(column: &str) -> String {
    format!(
        "(SELECT current_user <> '{TENANT_ROLE}') OR \"{column}\" = \
         (SELECT NULLIF(current_setting('app.organization_id', true), '')::uuid)"
    )
}

/// The statement that makes sure the tenant role exists, may do nothing more than read and write
/// through the policies, and is granted to the connection's own role. Roles belong to the cluster:
/// a database restored into another cluster runs it again before its data arrives.
pub fn tenant_role() -> String {
    // Another database may be creating or changing the role at this very moment, so each step
    // runs only when needed and tolerates a concurrent twin.
    format!(
        "DO $$ BEGIN
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{TENANT_ROLE}') THEN
                 BEGIN
                   CREATE ROLE {TENANT_ROLE} NOLOGIN NOBYPASSRLS;
                 EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                 END;
               END IF;
               -- Whoever created the role, it may never log in, bypass the policies or own anything.
               IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{TENANT_ROLE}'
                          AND (rolcanlogin OR rolbypassrls OR rolsuper OR rolcreatedb OR rolcreaterole)) THEN
                 ALTER ROLE {TENANT_ROLE} NOLOGIN NOBYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE;
               END IF;
               IF NOT pg_has_role(current_user, '{TENANT_ROLE}', 'MEMBER') THEN
                 BEGIN
                   GRANT {TENANT_ROLE} TO CURRENT_USER;
                 EXCEPTION WHEN OTHERS THEN
                   IF NOT pg_has_role(current_user, '{TENANT_ROLE}', 'MEMBER') THEN RAISE; END IF;
                 END;
               END IF;
             END $$"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(&tenant_role()).await?;
        for statement in [
            format!("GRANT USAGE ON SCHEMA public TO {TENANT_ROLE}"),
            format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {TENANT_ROLE}"),
            format!(
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {TENANT_ROLE}"
            ),
            // Tenant transactions never touch sign-in state or throttles.
            format!("REVOKE ALL ON sessions, refresh_tokens, rate_limits, seaql_migrations FROM {TENANT_ROLE}"),
        ] {
            db.execute_unprepared(&statement).await?;
        }
        let tables = db
            .query_all_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT table_name::text AS name FROM information_schema.columns
                 WHERE table_schema = current_schema() AND column_name = 'organization_id'
                 ORDER BY table_name",
            ))
            .await?;
        let mut protected = vec![("organizations".to_owned(), "id")];
        for row in tables {
            protected.push((row.try_get::<String>("", "name")?, "organization_id"));
        }
        for (table, column) in protected {
            for statement in protect(&table, column) {
                db.execute_unprepared(&statement).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        let tables = db
            .query_all_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT tablename::text AS name FROM pg_policies
                 WHERE schemaname = current_schema() AND policyname = 'tenant_isolation'",
            ))
            .await?;
        for row in tables {
            let table: String = row.try_get("", "name")?;
            db.execute_unprepared(&format!("DROP POLICY tenant_isolation ON \"{table}\"")).await?;
            db.execute_unprepared(&format!("ALTER TABLE \"{table}\" NO FORCE ROW LEVEL SECURITY")).await?;
            db.execute_unprepared(&format!("ALTER TABLE \"{table}\" DISABLE ROW LEVEL SECURITY")).await?;
        }
        Ok(())
    }
}
