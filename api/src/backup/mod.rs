//! `handoff-api backup` and `restore`: a consistent copy of the whole database, taken while the
//! server runs, and its return into an empty database (or, when asked, over an existing one).
//!
//! SQLite copies itself (`VACUUM INTO`: one read transaction, so writers carry on). PostgreSQL is
//! dumped and restored by its own tools, `pg_dump` and `pg_restore` in their custom format; they
//! must be installed where the command runs, at the server's major version or newer.
//!
//! A backup file appears only once it is complete: it is written under a temporary name beside
//! its destination, checked, and renamed. The keys that seal webhook secrets and sign tokens are
//! settings, never in the database, so a backup holds none of them.

mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};

/// Where the PostgreSQL tools are found.
#[derive(Debug, Clone, Default)]
pub struct Tools {
    /// A directory holding `pg_dump` and `pg_restore`; unset, they are looked up on `PATH`.
    pub bin_dir: Option<PathBuf>,
}

impl Tools {
    fn program(&self, name: &str) -> PathBuf {
        match &self.bin_dir {
            Some(dir) => dir.join(name),
            None => PathBuf::from(name),
        }
    }
}

/// What a backup or restore did.
#[derive(Debug, Clone)]
pub struct Summary {
    pub file: PathBuf,
    pub bytes: u64,
    /// Migrations applied in the copied database, oldest first.
    pub migrations: Vec<String>,
}

impl Summary {
    /// Migrations recorded in the copy that this build does not know: it comes from a newer
    /// release.
    pub fn unknown_migrations(&self) -> Vec<&str> {
        use migration::MigratorTrait;
        let known: Vec<String> = migration::Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
        self.migrations.iter().filter(|m| !known.contains(m)).map(String::as_str).collect()
    }

    /// Migrations this build has that the copy lacks: the server applies them when it starts.
    pub fn pending_migrations(&self) -> Vec<String> {
        use migration::MigratorTrait;
        migration::Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .filter(|name| !self.migrations.contains(name))
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists; choose a new file name (a backup never overwrites one)")]
    Exists(PathBuf),
    #[error("no database at {0}")]
    NoDatabase(PathBuf),
    #[error("an in-memory database cannot be backed up or restored")]
    InMemory,
    #[error("{0} is not a backup this command can restore: {1}")]
    NotABackup(PathBuf, String),
    #[error(
        "the target database already holds tables; restore into an empty database, or pass --replace to overwrite it"
    )]
    NotEmpty,
    #[error(
        "{0} is open (its `-shm` file exists): stop every server using it first (a server that crashed leaves it too; `handoff-api migrate status` opens and closes the database cleanly)"
    )]
    InUse(PathBuf),
    #[error(
        "{0} was not found: install the PostgreSQL client tools (the server's major version or newer) or pass --pg-bin-dir"
    )]
    ToolMissing(PathBuf),
    #[error("{tool} failed ({status}): {stderr}")]
    ToolFailed { tool: String, status: String, stderr: String },
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.to_owned(), source }
}

/// Copies the database at `database_url` into the new file `file`.
pub async fn backup(database_url: &str, file: &Path, tools: &Tools) -> Result<Summary, BackupError> {
    if std::fs::symlink_metadata(file).is_ok() {
        return Err(BackupError::Exists(file.to_owned()));
    }
    let partial = partial_name(file);
    // A leftover from an earlier run that died half-way.
    let _ = std::fs::remove_file(&partial);
    let written = match crate::store::sqlite_file(database_url) {
        Some(database) => sqlite::backup(&database, &partial).await,
        None if database_url.starts_with("sqlite:") => Err(BackupError::InMemory),
        None => postgres::backup(database_url, &partial, tools).await,
    };
    let migrations = match written {
        Ok(migrations) => migrations,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    // Password hashes and every organization's data: readable by its owner alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600)).map_err(io_error(&partial))?;
    }
    sync_file(&partial)?;
    // A hard link refuses to replace a file that appeared meanwhile, which a rename would not.
    std::fs::hard_link(&partial, file).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => BackupError::Exists(file.to_owned()),
        _ => BackupError::Io { path: file.to_owned(), source: e },
    })?;
    std::fs::remove_file(&partial).map_err(io_error(&partial))?;
    sync_parent(file)?;
    let bytes = std::fs::metadata(file).map_err(io_error(file))?.len();
    Ok(Summary { file: file.to_owned(), bytes, migrations })
}

/// Restores `file`, written by [`backup`], into the database at `database_url`, which must hold no
/// tables unless `replace` is set. All or nothing: a restore that fails leaves the target as it
/// was.
pub async fn restore(database_url: &str, file: &Path, replace: bool, tools: &Tools) -> Result<Summary, BackupError> {
    let bytes = std::fs::metadata(file).map_err(io_error(file))?.len();
    let migrations = match crate::store::sqlite_file(database_url) {
        Some(database) => sqlite::restore(file, &database, replace).await?,
        None if database_url.starts_with("sqlite:") => return Err(BackupError::InMemory),
        None => postgres::restore(file, database_url, replace, tools).await?,
    };
    Ok(Summary { file: file.to_owned(), bytes, migrations })
}

/// The temporary name a file is written under, beside it so that the final rename stays on one
/// file system.
fn partial_name(file: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(file.file_name().unwrap_or_default());
    name.push(".partial");
    file.with_file_name(name)
}

fn sync_file(path: &Path) -> Result<(), BackupError> {
    std::fs::File::open(path).and_then(|f| f.sync_all()).map_err(io_error(path))
}

/// Makes a rename or link in `path`'s directory durable.
fn sync_parent(path: &Path) -> Result<(), BackupError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    #[cfg(unix)]
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io_error(dir))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partial_file_sits_beside_the_backup_and_is_hidden() {
        assert_eq!(partial_name(Path::new("/var/backups/h.db")), PathBuf::from("/var/backups/.h.db.partial"));
        assert_eq!(partial_name(Path::new("h.dump")), PathBuf::from(".h.dump.partial"));
    }

    #[test]
    fn a_copy_from_a_newer_release_is_told_apart() {
        let summary = Summary {
            file: PathBuf::from("x"),
            bytes: 0,
            migrations: vec![
                "m20261124_000001_create_accounts_and_organizations".into(),
                "m29991231_000001_future".into(),
            ],
        };
        assert_eq!(summary.unknown_migrations(), ["m29991231_000001_future"]);
        assert!(summary.pending_migrations().contains(&"m20261124_000002_create_scorecard_tables".to_owned()));
        assert!(
            !summary.pending_migrations().contains(&"m20261124_000001_create_accounts_and_organizations".to_owned())
        );
    }
}
