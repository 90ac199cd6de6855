//! PostgreSQL: `pg_dump` and `pg_restore` in the custom format.
//!
//! Both run with row security on: every tenant table forces its policy even on its owner, and the
//! policy lets any role but the tenant role see and write every row, so the dump is whole without
//! a superuser. A restore first makes sure the tenant role exists (roles belong to the cluster, not
//! to the dump), then runs in one transaction: it lands whole or not at all.

use std::path::Path;
use std::process::Stdio;

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

use super::{BackupError, Tools};

pub async fn backup(database_url: &str, partial: &Path, tools: &Tools) -> Result<Vec<String>, BackupError> {
    let target = Target::parse(database_url)?;
    let mut dump = tools.command("pg_dump");
    dump.args(["--format=custom", "--enable-row-security", "--no-password", "--file"]).arg(partial);
    target.run(dump, "pg_dump").await?;
    migrations_in(partial, tools).await
}

pub async fn restore(
    file: &Path,
    database_url: &str,
    replace: bool,
    tools: &Tools,
) -> Result<Vec<String>, BackupError> {
    // Reading the list of migrations also proves that pg_restore can read the file at all.
    let migrations = migrations_in(file, tools).await?;
    let target = Target::parse(database_url)?;
    let db = Database::connect(database_url).await?;
    let prepared = prepare(&db, replace).await;
    db.close().await?;
    prepared?;
    let mut load = tools.command("pg_restore");
    load.args(["--no-owner", "--single-transaction", "--exit-on-error", "--enable-row-security", "--no-password"]);
    if replace {
        load.args(["--clean", "--if-exists"]);
    }
    load.arg(file);
    target.run(load, "pg_restore").await?;
    Ok(migrations)
}

/// Refuses a database holding tables (unless `replace`), then makes sure the tenant role exists.
async fn prepare(db: &sea_orm::DatabaseConnection, replace: bool) -> Result<(), BackupError> {
    let tables = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()",
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    if tables > 0 && !replace {
        return Err(BackupError::NotEmpty);
    }
    db.execute_unprepared(&migration::tenant_role()).await?;
    Ok(())
}

/// The migrations recorded in a dump's `seaql_migrations` table, read back by `pg_restore` as the
/// text of its COPY.
async fn migrations_in(file: &Path, tools: &Tools) -> Result<Vec<String>, BackupError> {
    let mut list = tools.command("pg_restore");
    list.args(["--data-only", "--table=seaql_migrations", "--file=-"]).arg(file);
    let copy = run(list, "pg_restore").await.map_err(|e| match e {
        BackupError::ToolFailed { stderr, .. } => BackupError::NotABackup(file.to_owned(), stderr),
        other => other,
    })?;
    let mut lines = copy.lines().skip_while(|line| !line.starts_with("COPY "));
    if lines.next().is_none() {
        return Err(BackupError::NotABackup(file.to_owned(), "it holds no seaql_migrations table".into()));
    }
    let mut names: Vec<String> =
        lines.take_while(|line| *line != "\\.").filter_map(|line| line.split('\t').next()).map(str::to_owned).collect();
    names.sort();
    Ok(names)
}

/// A database as the PostgreSQL tools are told of it: a URL without its password, which travels in
/// the environment instead so that it never shows in a process list.
struct Target {
    url: String,
    password: Option<String>,
}

/// Query parameters libpq understands; the pool's own (such as `statement-cache-capacity`) would
/// make the tools refuse the URL.
const LIBPQ_PARAMETERS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "user",
    "dbname",
    "application_name",
    "options",
    "connect_timeout",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "target_session_attrs",
];

impl Target {
    fn parse(database_url: &str) -> Result<Self, BackupError> {
        let invalid = |reason: &str| BackupError::Database(sea_orm::DbErr::Custom(format!("DATABASE_URL: {reason}")));
        let mut url = url::Url::parse(database_url).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(invalid("expected sqlite://… or postgres://…"));
        }
        let password = url
            .password()
            .map(|p| percent_encoding::percent_decode_str(p).decode_utf8().map(|p| p.into_owned()))
            .transpose()
            .map_err(|_| invalid("the password is not valid UTF-8"))?;
        url.set_password(None).map_err(|()| invalid("it cannot hold a password"))?;
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter_map(|(k, v)| {
                let k = match k.as_ref() {
                    "ssl-mode" => "sslmode".to_owned(),
                    "ssl-root-cert" => "sslrootcert".to_owned(),
                    other => other.to_owned(),
                };
                LIBPQ_PARAMETERS.contains(&k.as_str()).then(|| (k, v.into_owned()))
            })
            .collect();
        url.set_query(None);
        if !kept.is_empty() {
            url.query_pairs_mut().extend_pairs(kept);
        }
        Ok(Self { url: url.into(), password })
    }

    async fn run(&self, mut command: tokio::process::Command, tool: &str) -> Result<String, BackupError> {
        command.arg(format!("--dbname={}", self.url));
        if let Some(password) = &self.password {
            command.env("PGPASSWORD", password);
        }
        run(command, tool).await
    }
}

impl Tools {
    fn command(&self, name: &str) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(self.program(name));
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
        command
    }
}

/// Runs a tool to its end; its standard output on success, its own words on failure.
async fn run(mut command: tokio::process::Command, tool: &str) -> Result<String, BackupError> {
    let output = command.output().await.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => BackupError::ToolMissing(command.as_std().get_program().into()),
        _ => BackupError::Io { path: command.as_std().get_program().into(), source: e },
    })?;
    if !output.status.success() {
        return Err(BackupError::ToolFailed {
            tool: tool.to_owned(),
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_and_pool_settings_are_dropped() {
        let target = Target::parse(
            "postgres://app:p%40ss%3Aword@db.internal:5433/handoff?sslmode=require&statement-cache-capacity=0",
        )
        .unwrap();
        assert_eq!(target.url, "postgres://app@db.internal:5433/handoff?sslmode=require");
        assert_eq!(target.password.as_deref(), Some("p@ss:word"));
    }

    #[test]
    fn a_url_without_password_or_query_is_kept_as_it_is() {
        let target = Target::parse("postgres://postgres@127.0.0.1:5432/handoff").unwrap();
        assert_eq!(target.url, "postgres://postgres@127.0.0.1:5432/handoff");
        assert_eq!(target.password, None);
        assert!(Target::parse("mysql://x@y/z").is_err());
    }
}
