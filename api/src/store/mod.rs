//! All database access. One module per aggregate; functions take a connection, or a [`TenantTx`]
//! when the data belongs to an organization, so the organization filter cannot be forgotten.

pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod bulk;
mod by_position;
pub mod codes;
pub mod credential_cache;
mod error;
pub mod events;
pub mod export;
pub mod grades;
pub mod handoff_views;
pub mod handoffs;
pub mod import;
pub mod invitations;
pub mod memberships;
pub mod organizations;
mod page;
pub mod partners;
mod pg_arrays;
pub mod rate_limits;
pub mod responses;
pub mod sessions;
#[cfg(feature = "test-support")]
mod statement_corpus;
mod tenant;
pub mod tenant_table;
pub mod trust_facts;
pub mod trust_records;
pub mod users;
pub mod webhooks;
pub mod working_agreements;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait,
};

pub use error::{StoreError, is_unavailable};
pub use page::Page;
pub use tenant::{PORTFOLIO_ROLES, PortfolioTx, TenantTx};

use credential_cache::CredentialCache;

/// The PostgreSQL advisory lock key that serializes migrations (the bytes of "handoff").
const MIGRATION_LOCK: i64 = 0x68_61_6e_64_6f_66_66;

use crate::auth::OrgScope;

/// `BEGIN` on a pooled connection, counted in the metrics while it waits for one.
async fn begin_counted(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let _waiting = crate::metrics::Open::new(crate::metrics::TRANSACTIONS_STARTING);
    db.begin().await
}

/// The file an `sqlite:` URL names; `None` for PostgreSQL and for in-memory databases.
pub fn sqlite_file(database_url: &str) -> Option<std::path::PathBuf> {
    let path = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") || path.starts_with("file::memory") {
        return None;
    }
    Some(std::path::PathBuf::from(path))
}

/// A handle on the database pool; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    statements: Arc<AtomicU64>,
    credentials: CredentialCache,
    /// Statements as executed, values inlined, while a test records them.
    #[cfg(feature = "test-support")]
    recorded: Arc<Recorder>,
}

/// Whether a test records statements, and what it recorded.
#[cfg(feature = "test-support")]
type Recorder = (std::sync::atomic::AtomicBool, std::sync::Mutex<Option<Vec<String>>>);

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). An SQLite file is created when missing.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DbErr> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .acquire_timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(10))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
            });
        // SQLite allows one writer; a single connection keeps transactions from failing with
        // SQLITE_BUSY on upgrade. Embedded use does not need more.
        if url.starts_with("sqlite:") {
            options.max_connections(1);
        } else {
            options.max_connections(max_connections);
        }
        let mut db = Database::connect(options).await?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        #[cfg(feature = "test-support")]
        let recorded: Arc<Recorder> = Default::default();
        #[cfg(feature = "test-support")]
        let recorder = recorded.clone();
        db.set_metric_callback(move |info| {
            // With its values inlined, so a trace can be replayed (the bench feeds it to pgbench).
            tracing::trace!(target: "handoff_api::sql", elapsed = ?info.elapsed, "{}", info.statement);
            counter.fetch_add(1, Ordering::Relaxed);
            // A build with test support (the workspace's default build) takes no lock unless a
            // test is recording.
            #[cfg(feature = "test-support")]
            statement_corpus::note(info.statement.db_backend, &info.statement.sql);
            #[cfg(feature = "test-support")]
            if recorder.0.load(Ordering::Relaxed)
                && let Some(list) = recorder.1.lock().unwrap_or_else(|e| e.into_inner()).as_mut()
            {
                list.push(info.statement.to_string());
            }
        });
        Ok(Self {
            db,
            statements,
            credentials: CredentialCache::new(credential_cache::DEFAULT_MAX_AGE),
            #[cfg(feature = "test-support")]
            recorded,
        })
    }

    /// The same pool with credential cache entries lapsing after `max_age` (zero: no cache).
    pub fn with_credential_max_age(mut self, max_age: Duration) -> Self {
        self.credentials = CredentialCache::new(max_age);
        self
    }

    /// What authentication reads, kept in memory while changes to it can be heard (PostgreSQL).
    pub fn credentials(&self) -> &CredentialCache {
        &self.credentials
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The pool's open connections, idle ones and most allowed (for the metrics).
    pub fn pool_figures(&self) -> Option<(u32, u32, u32)> {
        fn figures<D: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<D>) -> (u32, u32, u32) {
            let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
            (pool.size(), idle, pool.options().get_max_connections())
        }
        match self.backend() {
            DatabaseBackend::Postgres => Some(figures(self.db.get_postgres_connection_pool())),
            DatabaseBackend::Sqlite => Some(figures(self.db.get_sqlite_connection_pool())),
            _ => None,
        }
    }

    /// SQL statements executed since the pool opened (transaction control excluded); tests use it
    /// to prove that a page costs a fixed number of statements.
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Starts recording every statement, values inlined (tests explain the plans of what a
    /// request sent); `recorded_statements` hands them over and stops.
    #[cfg(feature = "test-support")]
    pub fn record_statements(&self) {
        *self.recorded.1.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
        self.recorded.0.store(true, Ordering::Relaxed);
    }

    #[cfg(feature = "test-support")]
    pub fn recorded_statements(&self) -> Vec<String> {
        self.recorded.0.store(false, Ordering::Relaxed);
        self.recorded.1.lock().unwrap_or_else(|e| e.into_inner()).take().unwrap_or_default()
    }

    /// The plan of `sql` as the server's own role runs it, outside any tenant transaction (the
    /// background sweeps), explained as `TenantTx::plan_of` does.
    #[cfg(feature = "test-support")]
    pub async fn plan_of(&self, sql: &str) -> Result<Vec<String>, StoreError> {
        use sea_orm::TransactionTrait;
        let tx = self.db.begin().await?;
        let plan = tenant::plan_in(&tx, sql).await;
        tx.rollback().await?;
        plan
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.db.get_database_backend()
    }

    /// Applies pending migrations. On PostgreSQL one process migrates at a time (an advisory lock
    /// held by a transaction beside the migration's own connections): replicas or jobs started
    /// together would otherwise race to create the same tables, and the later ones now find
    /// nothing pending.
    pub async fn migrate_up(&self) -> Result<(), DbErr> {
        use sea_orm::{ConnectionTrait, TransactionTrait};
        if self.backend() != DatabaseBackend::Postgres {
            return Migrator::up(&self.db, None).await;
        }
        let lock = self.db.begin().await?;
        lock.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")).await?;
        let migrated = Migrator::up(&self.db, None).await;
        lock.commit().await?;
        migrated
    }

    /// The migrations this binary knows that the database has not applied, by name.
    pub async fn pending_migrations(&self) -> Result<Vec<String>, DbErr> {
        use sea_orm::{ConnectionTrait, Statement};
        let statement = Statement::from_string(self.backend(), "SELECT version FROM seaql_migrations");
        let rows = match self.db.query_all_raw(statement).await {
            Ok(rows) => rows,
            Err(e) => match self.has_migration_table().await? {
                true => return Err(e),
                // A database never migrated has no bookkeeping table: everything is pending.
                false => Vec::new(),
            },
        };
        let applied: std::collections::HashSet<String> =
            rows.iter().filter_map(|row| row.try_get::<String>("", "version").ok()).collect();
        Ok(Migrator::migrations().iter().map(|m| m.name().to_owned()).filter(|name| !applied.contains(name)).collect())
    }

    async fn has_migration_table(&self) -> Result<bool, DbErr> {
        use sea_orm::{ConnectionTrait, Statement};
        let sql = match self.backend() {
            DatabaseBackend::Postgres => {
                "SELECT 1 FROM pg_tables WHERE tablename = 'seaql_migrations' AND schemaname = current_schema()"
            }
            _ => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'",
        };
        Ok(!self.db.query_all_raw(Statement::from_string(self.backend(), sql)).await?.is_empty())
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> bool {
        self.db.ping().await.is_ok()
    }

    /// Whether every migration this binary knows is applied (for `/readyz`). Migrations of a newer
    /// binary are tolerated, so old replicas stay ready while a rolling upgrade migrates forward.
    pub async fn is_migrated(&self) -> bool {
        self.pending_migrations().await.is_ok_and(|pending| pending.is_empty())
    }

    /// A transaction for work that belongs to no organization yet (sign-up, creating one).
    pub async fn begin(&self) -> Result<DatabaseTransaction, StoreError> {
        Ok(begin_counted(&self.db).await?)
    }

    /// A transaction for one organization's data, carrying the caller's identity.
    pub async fn tenant(&self, scope: &OrgScope) -> Result<TenantTx, StoreError> {
        // The request's log line names the organization it worked in.
        tracing::Span::current().record("organization_id", tracing::field::display(scope.organization_id()));
        TenantTx::begin(&self.db, scope, &self.credentials).await
    }

    /// `tenant`, read-only, every statement reading the same snapshot (`TenantTx::begin_snapshot`).
    pub async fn tenant_snapshot(&self, scope: &OrgScope) -> Result<TenantTx, StoreError> {
        TenantTx::begin_snapshot(&self.db, scope).await
    }

    /// A read-only transaction over the organizations of these scopes, all one person's.
    pub async fn portfolio(&self, scopes: &[OrgScope]) -> Result<PortfolioTx, StoreError> {
        PortfolioTx::begin(&self.db, scopes, &self.credentials).await
    }

    pub async fn close(self) -> Result<(), DbErr> {
        self.db.close().await
    }
}
