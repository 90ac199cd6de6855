//! SQLite: `VACUUM INTO` copies the database in one read transaction, so the server keeps writing
//! while it runs; a restore swaps the file in while no server has it open.

use std::path::Path;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, SqlxSqliteConnector, Statement};

use super::{BackupError, io_error, sync_file, sync_parent};

pub async fn backup(database: &Path, partial: &Path) -> Result<Vec<String>, BackupError> {
    if !database.is_file() {
        return Err(BackupError::NoDatabase(database.to_owned()));
    }
    let db = open(database, Open::Shared).await?;
    // VACUUM INTO writes into the empty file the caller made; a path SQLite cannot be handed as
    // text is refused rather than changed.
    let Some(target) = partial.to_str() else {
        return Err(BackupError::Io {
            path: partial.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path is not valid UTF-8"),
        });
    };
    let into = Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [target.into()]);
    let copied = db.execute_raw(into).await;
    db.close().await?;
    copied?;
    check(partial).await
}

pub async fn restore(file: &Path, database: &Path, replace: bool) -> Result<Vec<String>, BackupError> {
    let migrations = check(file).await?;
    // The database itself, not a link to it: its side files sit beside the real file.
    let database = std::fs::canonicalize(database).unwrap_or_else(|_| database.to_owned());
    if database.is_file() {
        let db = open(&database, Open::Shared).await?;
        let ready = take_over(&db, replace).await;
        db.close().await?;
        ready?;
    }
    let partial = super::Partial::create(&database)?;
    std::fs::copy(file, partial.path()).map_err(io_error(partial.path()))?;
    sync_file(partial.path())?;
    // Left beside the new file, an old write-ahead log would be replayed into it. After
    // `take_over` none is in use; one still there belongs to nobody.
    for leftover in [sibling(&database, "-wal"), sibling(&database, "-shm"), sibling(&database, "-journal")] {
        match std::fs::remove_file(&leftover) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(BackupError::Io { path: leftover, source: e }),
        }
    }
    partial.replace(&database)?;
    sync_parent(&database)?;
    Ok(migrations)
}

/// Makes sure nobody else has the database open and that it may be replaced. Leaving WAL mode
/// needs the only connection to the file, so it fails while a server has it open; it also writes
/// every committed page back into the file, so that a swap that fails later loses nothing.
async fn take_over(db: &DatabaseConnection, replace: bool) -> Result<(), BackupError> {
    let mode = db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA journal_mode = DELETE"))
        .await
        .map_err(|e| BackupError::InUse(e.to_string()))?
        .map(|row| row.try_get_by_index::<String>(0))
        .transpose()?
        .unwrap_or_default();
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(BackupError::InUse(format!("another connection keeps it in {mode} mode")));
    }
    let tables = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'",
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    if tables > 0 && !replace {
        return Err(BackupError::NotEmpty);
    }
    Ok(())
}

/// Checks that `file` is a whole SQLite database made by this service, and lists its migrations.
async fn check(file: &Path) -> Result<Vec<String>, BackupError> {
    let not_a_backup = |reason: String| BackupError::NotABackup(file.to_owned(), reason);
    if !file.is_file() {
        return Err(not_a_backup("no such file".into()));
    }
    let db = open(file, Open::Alone).await.map_err(|e| not_a_backup(e.to_string()))?;
    let checked = async {
        let integrity = db
            .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA integrity_check"))
            .await?
            .map(|row| row.try_get_by_index::<String>(0))
            .transpose()?;
        if integrity.as_deref() != Some("ok") {
            return Ok(Err(format!("integrity check: {}", integrity.unwrap_or_default())));
        }
        migrations(&db).await.map(Ok)
    }
    .await;
    db.close().await?;
    checked.map_err(|e: sea_orm::DbErr| not_a_backup(e.to_string()))?.map_err(not_a_backup)
}

async fn migrations(db: &DatabaseConnection) -> Result<Vec<String>, sea_orm::DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await?;
    rows.iter().map(|row| row.try_get::<String>("", "version")).collect()
}

/// How a file is opened: the live database read and written by others, or a file nobody else
/// touches (a backup), read without locks or side files.
#[derive(Clone, Copy)]
enum Open {
    Shared,
    Alone,
}

/// One connection to the existing file `path`; nothing is created.
async fn open(path: &Path, how: Open) -> Result<DatabaseConnection, BackupError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .read_only(matches!(how, Open::Alone))
        .immutable(matches!(how, Open::Alone));
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| sea_orm::DbErr::Custom(format!("{}: {e}", path.display())))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

fn sibling(database: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}
