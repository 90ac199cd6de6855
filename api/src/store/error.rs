use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {message}")]
    Conflict { field: Option<String>, message: String },
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// A stored value this version cannot read: never replaced by a default.
    #[error("{table} row {id}: {column} holds a value this version cannot read: {detail}")]
    Corrupt { table: &'static str, id: uuid::Uuid, column: &'static str, detail: String },
}

impl StoreError {
    pub(crate) fn corrupt(table: &'static str, id: uuid::Uuid, column: &'static str, detail: impl ToString) -> Self {
        Self::Corrupt { table, id, column, detail: detail.to_string() }
    }

    /// Turns a unique-constraint violation into a `Conflict` about `field`; other errors pass through.
    pub(crate) fn unique(err: DbErr, field: &str, message: &str) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::Conflict { field: Some(field.to_owned()), message: message.to_owned() }
            }
            _ => Self::Db(err),
        }
    }
}

/// Whether an error means the database cannot serve at all right now (unreachable, shut down,
/// dropped, or not migrated), as opposed to one statement failing. Such failures answer 503.
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let runtime = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        _ => return false,
    };
    let RuntimeErr::SqlxError(sqlx) = runtime else { return false };
    match sqlx.as_ref() {
        Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed | Sqlx::Tls(_) => true,
        Sqlx::Database(db) => {
            let code = db.code().unwrap_or_default();
            // PostgreSQL: connection exceptions (08…), shutdown and start-up (57P…), a database that
            // no longer exists (3D000), a table that does not exist yet (42P01: not migrated).
            code.starts_with("08") || code.starts_with("57P") || code == "3D000" || code == "42P01"
                // SQLite: no such table (code 1 with that message) means the file is not migrated.
                || db.message().starts_with("no such table")
        }
        _ => false,
    }
}
