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
    read_whole(partial, tools).await?;
    migrations_in(partial, tools).await
}

pub async fn restore(
    file: &Path,
    database_url: &str,
    replace: bool,
    tools: &Tools,
) -> Result<Vec<String>, BackupError> {
    // Before anything changes: the whole file reads, and it is a database of this service.
    read_whole(file, tools).await?;
    let migrations = migrations_in(file, tools).await?;
    let target = Target::parse(database_url)?;
    // One connection: the check for other sessions counts every connection but its own.
    let mut options = sea_orm::ConnectOptions::new(database_url);
    options.max_connections(1).min_connections(1).sqlx_logging(false);
    let db = Database::connect(options).await?;
    let prepared = prepare(&db, replace, &tables_in(file, tools).await?).await;
    db.close().await?;
    prepared?;
    let mut load = tools.command("pg_restore");
    load.args(["--no-owner", "--single-transaction", "--exit-on-error", "--enable-row-security", "--no-password"]);
    // A lock someone else holds fails the restore soon instead of stalling it (and them).
    load.env("PGOPTIONS", "-c lock_timeout=10s");
    if replace {
        load.args(["--clean", "--if-exists"]);
    }
    load.arg(file);
    target.run(load, "pg_restore").await?;
    Ok(migrations)
}

/// Refuses a database holding tables (unless `replace`), one other sessions use, or one with
/// tables the dump lacks (`--clean` would leave them, beside a migration table that no longer
/// names them); then makes sure the tenant role exists.
async fn prepare(db: &sea_orm::DatabaseConnection, replace: bool, dumped: &[String]) -> Result<(), BackupError> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema()",
        ))
        .await?;
    let tables: Vec<String> = rows.iter().map(|row| row.try_get("", "name")).collect::<Result<_, _>>()?;
    if !tables.is_empty() && !replace {
        return Err(BackupError::NotEmpty);
    }
    let extra: Vec<&str> = tables.iter().filter(|t| !dumped.contains(t)).map(String::as_str).collect();
    if !extra.is_empty() {
        return Err(BackupError::Drift(extra.join(", ")));
    }
    if !tables.is_empty() {
        no_other_sessions(db).await?;
    }
    db.execute_unprepared(&migration::tenant_role()).await?;
    Ok(())
}

/// Refuses a database other sessions use, after giving sessions that are closing (a server that
/// has just stopped) a moment to go.
async fn no_other_sessions(db: &sea_orm::DatabaseConnection) -> Result<(), BackupError> {
    let started = std::time::Instant::now();
    loop {
        let others = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) AS n, string_agg(DISTINCT COALESCE(NULLIF(application_name, ''), 'a client') || ' from '
                    || COALESCE(host(client_addr), 'a local socket'), ', ') AS who
             FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        ))
        .await?;
        let Some(row) = others.filter(|row| row.try_get::<i64>("", "n").is_ok_and(|n| n > 0)) else { return Ok(()) };
        if started.elapsed() > std::time::Duration::from_secs(3) {
            let who: Option<String> = row.try_get("", "who")?;
            return Err(BackupError::InUse(format!("other sessions are connected to it: {}", who.unwrap_or_default())));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Reads every entry of the archive (to nowhere): a file cut short or damaged fails here.
async fn read_whole(file: &Path, tools: &Tools) -> Result<(), BackupError> {
    let mut read = tools.command("pg_restore");
    read.stdout(Stdio::null()).args(["--file=-"]).arg(file);
    run(read, "pg_restore").await.map(drop).map_err(|e| not_a_backup(file, e))
}

/// The tables a dump holds, from its table of contents (`… TABLE public accounts owner`).
async fn tables_in(file: &Path, tools: &Tools) -> Result<Vec<String>, BackupError> {
    let mut list = tools.command("pg_restore");
    list.arg("--list").arg(file);
    let contents = run(list, "pg_restore").await.map_err(|e| not_a_backup(file, e))?;
    Ok(contents
        .lines()
        .filter(|line| !line.starts_with(';'))
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match (words.get(3), words.get(4), words.get(5)) {
                (Some(&"TABLE"), Some(schema), Some(name)) if *schema != "DATA" => Some(name.to_string()),
                _ => None,
            }
        })
        .collect())
}

fn not_a_backup(file: &Path, error: BackupError) -> BackupError {
    match error {
        BackupError::ToolFailed { stderr, .. } => BackupError::NotABackup(file.to_owned(), stderr),
        other => other,
    }
}

/// The migrations recorded in a dump's `seaql_migrations` table, read back by `pg_restore` as the
/// text of its COPY.
async fn migrations_in(file: &Path, tools: &Tools) -> Result<Vec<String>, BackupError> {
    let mut list = tools.command("pg_restore");
    list.args(["--data-only", "--table=seaql_migrations", "--file=-"]).arg(file);
    let copy = run(list, "pg_restore").await.map_err(|e| not_a_backup(file, e))?;
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
        use percent_encoding::percent_decode_str;
        let invalid = |reason: &str| BackupError::BadUrl(reason.to_owned());
        let decode = |text: &str| {
            percent_decode_str(text).decode_utf8().map(|t| t.into_owned()).map_err(|_| invalid("not valid UTF-8"))
        };
        let mut url = url::Url::parse(database_url).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(invalid("expected sqlite://… or postgres://…"));
        }
        let mut password = url.password().map(decode).transpose()?;
        if password.is_some() {
            url.set_password(None).map_err(|()| invalid("it cannot hold a password"))?;
        }
        // Kept as written (libpq decodes `%XX` itself); sqlx's spellings become libpq's.
        let mut kept = Vec::new();
        for pair in url.query().unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = match decode(key)?.as_str() {
                "ssl-mode" => "sslmode".to_owned(),
                "ssl-root-cert" | "ssl-ca" => "sslrootcert".to_owned(),
                "ssl-cert" => "sslcert".to_owned(),
                "ssl-key" => "sslkey".to_owned(),
                other => other.to_owned(),
            };
            if key == "password" {
                password = Some(decode(value)?);
            } else if LIBPQ_PARAMETERS.contains(&key.as_str()) {
                kept.push(format!("{key}={value}"));
            }
        }
        url.set_query((!kept.is_empty()).then(|| kept.join("&")).as_deref());
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
    fn sockets_spaces_and_sqlx_spellings_reach_libpq_intact() {
        let target = Target::parse(
            "postgres:///handoff?host=/run/postgresql&options=-c%20search_path%3Dx&ssl-ca=/ca.pem&password=s%20t",
        )
        .unwrap();
        assert_eq!(
            target.url,
            "postgres:///handoff?host=/run/postgresql&options=-c%20search_path%3Dx&sslrootcert=/ca.pem"
        );
        assert_eq!(target.password.as_deref(), Some("s t"));
    }

    #[test]
    fn a_url_without_password_or_query_is_kept_as_it_is() {
        let target = Target::parse("postgres://postgres@127.0.0.1:5432/handoff").unwrap();
        assert_eq!(target.url, "postgres://postgres@127.0.0.1:5432/handoff");
        assert_eq!(target.password, None);
        assert!(Target::parse("mysql://x@y/z").is_err());
    }
}
