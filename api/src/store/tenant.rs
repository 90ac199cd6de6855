use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, Statement, TransactionTrait,
};
use uuid::Uuid;

use super::StoreError;
use super::credential_cache::CredentialCache;
use crate::auth::OrgScope;
use crate::domain::Role;

/// A transaction over one organization's data, opened only from an [`OrgScope`].
///
/// On PostgreSQL it acts as the role `handoff_tenant` (no BYPASSRLS, owns nothing) and records the
/// organization and the acting user as transaction-local settings (`app.organization_id`,
/// `app.user_id`), so row-level security keeps every statement inside the organization even if a
/// query forgot its filter.
/// Dropping it without `commit` rolls back, so a failed mutation leaves nothing half-written.
pub struct TenantTx {
    tx: DatabaseTransaction,
    scope: OrgScope,
    credentials: CredentialCache,
}

impl TenantTx {
    pub(super) async fn begin(
        db: &DatabaseConnection,
        scope: &OrgScope,
        credentials: &CredentialCache,
    ) -> Result<Self, StoreError> {
        Self::begin_in(super::begin_counted(db).await?, scope, credentials).await
    }

    /// A read-only tenant transaction whose statements all see the database as it was at its
    /// first: for reads spread over many statements that must agree (an export). On PostgreSQL a
    /// statement of it that runs (or waits on a lock) for a minute is cancelled.
    /// Its snapshot may predate a clear of the credential cache, so it neither takes people from
    /// the cache nor keeps what it reads there.
    pub(super) async fn begin_snapshot(db: &DatabaseConnection, scope: &OrgScope) -> Result<Self, StoreError> {
        let snapshot = Some(sea_orm::IsolationLevel::RepeatableRead);
        let tx = match db.get_database_backend() {
            // SQLite's transactions read one snapshot already, and take no isolation level.
            DatabaseBackend::Postgres => {
                let tx = db.begin_with_config(snapshot, Some(sea_orm::AccessMode::ReadOnly)).await?;
                tx.execute_unprepared("SET LOCAL statement_timeout = '60s'").await?;
                tx
            }
            _ => super::begin_counted(db).await?,
        };
        Self::begin_in(tx, scope, &CredentialCache::off()).await
    }

    async fn begin_in(
        tx: DatabaseTransaction,
        scope: &OrgScope,
        credentials: &CredentialCache,
    ) -> Result<Self, StoreError> {
        // Transaction control is not a counted statement; traced so a statement trace replays whole.
        tracing::trace!(target: "handoff_api::sql", control = true, "BEGIN");
        if tx.get_database_backend() == DatabaseBackend::Postgres {
            // `set_config('role', …, true)` is `SET LOCAL ROLE`: one round trip sets all three.
            tx.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT set_config('role', $1, true), set_config('app.organization_id', $2, true), \
                 set_config('app.user_id', $3, true)",
                [
                    migration::TENANT_ROLE.into(),
                    scope.organization_id().to_string().into(),
                    scope.user_id().to_string().into(),
                ],
            ))
            .await?;
        }
        Ok(Self { tx, scope: scope.clone(), credentials: credentials.clone() })
    }

    /// The caller's scope the transaction was opened with.
    pub fn scope(&self) -> &OrgScope {
        &self.scope
    }

    pub fn organization_id(&self) -> Uuid {
        self.scope.organization_id()
    }

    pub fn user_id(&self) -> Uuid {
        self.scope.user_id()
    }

    /// The API token the caller acts through, if any.
    pub fn api_token_id(&self) -> Option<Uuid> {
        self.scope.api_token_id()
    }

    /// The caller's role here; reads that depend on it (which handoffs a seller sees) use it.
    pub fn role(&self) -> Role {
        self.scope.role()
    }
}

transaction_access!(TenantTx);

/// What both kinds of transaction offer beside their scope.
macro_rules! transaction_access {
    ($kind:ty) => {
        impl $kind {
            pub(super) fn conn(&self) -> &DatabaseTransaction {
                &self.tx
            }

            /// The transaction's connection for tables that belong to no organization (users), so
            /// that such reads share the transaction instead of taking a second connection.
            pub fn untenanted(&self) -> &DatabaseTransaction {
                &self.tx
            }

            /// What is kept in memory beside the database: people and organizations read here
            /// are taken from it and kept in it.
            pub fn credentials(&self) -> &CredentialCache {
                &self.credentials
            }

            pub fn is_postgres(&self) -> bool {
                self.tx.get_database_backend() == DatabaseBackend::Postgres
            }

            pub async fn commit(self) -> Result<(), StoreError> {
                commit(self.tx).await
            }
        }
    };
}
use transaction_access;

async fn commit(tx: DatabaseTransaction) -> Result<(), StoreError> {
    tx.commit().await?;
    tracing::trace!(target: "handoff_api::sql", control = true, "COMMIT");
    Ok(())
}

/// The roles whose organizations a person's portfolio reads.
pub const PORTFOLIO_ROLES: [Role; 2] = [Role::Admin, Role::SalesLeader];

/// A read-only transaction over the organizations of one person's portfolio, opened only from the
/// [`OrgScope`]s that person holds there, so that each kind of fact is read for all of them in one
/// statement.
///
/// On PostgreSQL it acts as `handoff_tenant` like a [`TenantTx`], with the organizations in
/// `app.organization_ids`: row-level security keeps every statement inside them. It cannot write.
pub struct PortfolioTx {
    tx: DatabaseTransaction,
    organization_ids: Vec<Uuid>,
    credentials: CredentialCache,
}

impl PortfolioTx {
    pub(super) async fn begin(
        db: &DatabaseConnection,
        scopes: &[OrgScope],
        credentials: &CredentialCache,
    ) -> Result<Self, StoreError> {
        // Its reads see every row of each organization (drafts, every trust record): only for
        // those who see that much there, and only one person's at a time.
        let user = scopes.first().map(OrgScope::user_id);
        if scopes.iter().any(|s| !s.has_role(&PORTFOLIO_ROLES) || Some(s.user_id()) != user) {
            return Err(DbErr::Custom("a portfolio is one person's ADMIN and SALES_LEADER organizations".into()).into());
        }
        let mut organization_ids: Vec<Uuid> = scopes.iter().map(OrgScope::organization_id).collect();
        organization_ids.sort_unstable();
        organization_ids.dedup();
        let tx = super::begin_counted(db).await?;
        tracing::trace!(target: "handoff_api::sql", control = true, "BEGIN");
        if tx.get_database_backend() == DatabaseBackend::Postgres {
            let ids = super::pg_arrays::uuid_array_literal(&organization_ids);
            let user = scopes.first().map(|s| s.user_id().to_string()).unwrap_or_default();
            tx.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT set_config('transaction_read_only', 'on', true), set_config('role', $1, true), \
                 set_config('app.organization_ids', $2, true), set_config('app.user_id', $3, true)",
                [migration::TENANT_ROLE.into(), ids.into(), user.into()],
            ))
            .await?;
        }
        Ok(Self { tx, organization_ids, credentials: credentials.clone() })
    }

    /// The organizations it reads, each once, in id order.
    pub fn organization_ids(&self) -> &[Uuid] {
        &self.organization_ids
    }
}

transaction_access!(PortfolioTx);

/// The first column of `sql`'s rows, as UUIDs, run exactly as written.
#[cfg(feature = "test-support")]
async fn uuids(tx: &DatabaseTransaction, sql: &str) -> Result<Vec<Uuid>, StoreError> {
    let rows = tx.query_all_raw(Statement::from_string(tx.get_database_backend(), sql)).await?;
    Ok(rows.iter().filter_map(|row| row.try_get_by_index::<Uuid>(0).ok()).collect())
}

#[cfg(feature = "test-support")]
impl PortfolioTx {
    /// Runs `sql` exactly as written, without the organizations filter the store adds, and returns
    /// its first column as UUIDs: tests use it to show that the database's own wall holds.
    pub async fn unfiltered_uuids(&self, sql: &str) -> Result<Vec<Uuid>, StoreError> {
        uuids(&self.tx, sql).await
    }

    /// Runs `sql` (a write), for tests that show the transaction cannot write.
    pub async fn execute(&self, sql: &str) -> Result<(), StoreError> {
        self.tx.execute_unprepared(sql).await?;
        Ok(())
    }
}

#[cfg(feature = "test-support")]
impl TenantTx {
    /// Runs `sql` exactly as written, without the organization filter the store adds, and returns
    /// its first column as UUIDs: tests use it to show that the database's own wall holds.
    pub async fn unfiltered_uuids(&self, sql: &str) -> Result<Vec<Uuid>, StoreError> {
        uuids(&self.tx, sql).await
    }

    /// The transaction itself, for tests that compare the store's reads with sea-orm's own.
    pub fn connection(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// The plan of `sql` in this transaction (`plan_in`).
    pub async fn plan_of(&self, sql: &str) -> Result<Vec<String>, StoreError> {
        plan_in(&self.tx, sql).await
    }
}

/// The plan of `sql` in transaction `tx`, with whole-table scans priced out on PostgreSQL
/// (`enable_seqscan = off`), so that a scan still planned means no index can serve it:
/// PostgreSQL's as one JSON document (`EXPLAIN (FORMAT JSON)`), SQLite's as one line per step
/// (`EXPLAIN QUERY PLAN`).
#[cfg(feature = "test-support")]
pub(super) async fn plan_in(tx: &DatabaseTransaction, sql: &str) -> Result<Vec<String>, StoreError> {
    let backend = tx.get_database_backend();
    let (explain, column) = match backend {
        DatabaseBackend::Postgres => {
            tx.execute_unprepared("SET LOCAL enable_seqscan = off").await?;
            ("EXPLAIN (FORMAT JSON)", "QUERY PLAN")
        }
        _ => ("EXPLAIN QUERY PLAN", "detail"),
    };
    let rows = tx.query_all_raw(Statement::from_string(backend, format!("{explain} {sql}"))).await?;
    let text = |row: &sea_orm::QueryResult| {
        row.try_get::<String>("", column)
            .or_else(|_| row.try_get::<serde_json::Value>("", column).map(|v| v.to_string()))
    };
    Ok(rows.iter().filter_map(|row| text(row).ok()).collect())
}
