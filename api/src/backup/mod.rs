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

/// Where the PostgreSQL tools are found (the `backup` and `restore` commands' options).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Tools {
    /// Directory holding `pg_dump` and `pg_restore` (PostgreSQL only); unset, they are looked up
    /// on PATH.
    #[arg(long = "pg-bin-dir", env = "PG_BIN_DIR", value_name = "DIR")]
    pub bin_dir: Option<PathBuf>,
}

/// The database a URL names, as these commands handle it.
enum Database<'u> {
    Sqlite(PathBuf),
    Postgres(&'u str),
}

fn database(url: &str) -> Result<Database<'_>, BackupError> {
    match crate::store::sqlite_file(url) {
        Some(file) => Ok(Database::Sqlite(file)),
        None if url.starts_with("sqlite:") => Err(BackupError::InMemory),
        None => Ok(Database::Postgres(url)),
    }
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
    #[error("the target database is in use ({0}): stop every server using it first")]
    InUse(String),
    #[error(
        "the target database has tables the backup lacks ({0}): restore into an empty database, or drop them first"
    )]
    Drift(String),
    #[error("DATABASE_URL: {0}")]
    BadUrl(String),
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
    let source = database(database_url)?;
    let partial = Partial::create(file)?;
    let migrations = match source {
        Database::Sqlite(database) => sqlite::backup(&database, partial.path()).await?,
        Database::Postgres(url) => postgres::backup(url, partial.path(), tools).await?,
    };
    sync_file(partial.path())?;
    partial.publish(file)?;
    sync_parent(file)?;
    let bytes = std::fs::metadata(file).map_err(io_error(file))?.len();
    Ok(Summary { file: file.to_owned(), bytes, migrations })
}

/// A file being written under a hidden name of its own beside its destination (so that the final
/// step stays on one file system), readable by its owner alone from its first byte: it holds
/// password hashes and every organization's data. Removed unless published.
struct Partial {
    path: PathBuf,
    published: bool,
}

impl Partial {
    fn create(destination: &Path) -> Result<Self, BackupError> {
        let path = partial_name(destination, &format!("{}-{:08x}", std::process::id(), rand::random::<u32>()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(&path).map_err(io_error(&path))?;
        Ok(Self { path, published: false })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// Gives the file its name, never replacing a file that took the name meanwhile.
    fn publish(mut self, destination: &Path) -> Result<(), BackupError> {
        match std::fs::hard_link(&self.path, destination) {
            Ok(()) => {
                self.published = true;
                // The copy is whole under its name; a partial name left behind is only untidy.
                let _ = std::fs::remove_file(&self.path);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(BackupError::Exists(destination.to_owned())),
            // File systems without hard links (FAT, some network shares): a rename after one last
            // look that the name is free.
            Err(_) => {
                if std::fs::symlink_metadata(destination).is_ok() {
                    return Err(BackupError::Exists(destination.to_owned()));
                }
                self.replace(destination)
            }
        }
    }

    /// Renames the file over `destination`.
    fn replace(mut self, destination: &Path) -> Result<(), BackupError> {
        std::fs::rename(&self.path, destination).map_err(io_error(destination))?;
        self.published = true;
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Restores `file`, written by [`backup`], into the database at `database_url`, which must hold no
/// tables unless `replace` is set. All or nothing: a restore that fails leaves the target as it
/// was.
pub async fn restore(database_url: &str, file: &Path, replace: bool, tools: &Tools) -> Result<Summary, BackupError> {
    let bytes = std::fs::metadata(file).map_err(io_error(file))?.len();
    let migrations = match database(database_url)? {
        Database::Sqlite(database) => sqlite::restore(file, &database, replace).await?,
        Database::Postgres(url) => postgres::restore(file, url, replace, tools).await?,
    };
    Ok(Summary { file: file.to_owned(), bytes, migrations })
}

/// The hidden name, unique to `run`, that a file is written under beside `file`.
fn partial_name(file: &Path, run: &str) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(file.file_name().unwrap_or_default());
    name.push(format!(".{run}.partial"));
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
        assert_eq!(
            partial_name(Path::new("/var/backups/h.db"), "7-1f"),
            PathBuf::from("/var/backups/.h.db.7-1f.partial")
        );
        assert_eq!(partial_name(Path::new("h.dump"), "7-1f"), PathBuf::from(".h.dump.7-1f.partial"));
    }

    #[test]
    fn a_partial_file_is_private_and_gone_unless_published() {
        let dir = tempfile::tempdir().unwrap();
        let destination = dir.path().join("b.db");
        let partial = Partial::create(&destination).unwrap();
        let path = partial.path().to_owned();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        drop(partial);
        assert!(!path.exists(), "an unpublished partial file is removed");

        let partial = Partial::create(&destination).unwrap();
        std::fs::write(&destination, b"taken meanwhile").unwrap();
        assert!(matches!(partial.publish(&destination), Err(BackupError::Exists(_))));
        assert_eq!(std::fs::read(&destination).unwrap(), b"taken meanwhile");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "nothing else is left behind");
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
