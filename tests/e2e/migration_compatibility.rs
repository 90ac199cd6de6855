//! Expand/contract: during a rolling upgrade the previous release keeps running against the new
//! schema, so no migration may take away what that release reads or writes. Every migration is
//! applied one at a time and the schema before and after compared: a table or column removed, a
//! type narrowed or changed, a column turned NOT NULL, or a NOT NULL column added without a default
//! (the previous release's inserts omit it) breaks it. A contract step that removes what two
//! releases no longer use is acknowledged below, with the release that stopped using it.
//!
//! The previous release's own statements are replayed too: `tests/fixtures/release-statements/`
//! holds every distinct query the end-to-end suite made that release send (recorded with
//! `RECORD_SQL_SHAPES`, see docs/operations.md), and each must still compile against the schema
//! the current migrations make.

use std::collections::BTreeMap;

use handoff_api::store::Store;
use handoff_e2e::fresh_database;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

/// Breaking changes made on purpose, each a contract step: (migration, change as reported, the
/// release that stopped reading and writing what it removes). Empty: no migration so far breaks
/// the release before it.
const ACKNOWLEDGED: &[(&str, &str, &str)] = &[];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    kind: String,
    not_null: bool,
    has_default: bool,
}

/// Table → column → its shape.
type Shape = BTreeMap<String, BTreeMap<String, Column>>;

async fn shape(db: &DatabaseConnection) -> Shape {
    let backend = db.get_database_backend();
    let mut shape = Shape::new();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "SELECT table_name::text AS t, column_name::text AS c,
                    data_type || COALESCE('(' || character_maximum_length || ')', '') AS kind,
                    is_nullable = 'NO' AS not_null, column_default IS NOT NULL AS has_default
             FROM information_schema.columns c
             WHERE table_schema = current_schema()
               AND EXISTS (SELECT 1 FROM information_schema.tables t WHERE t.table_schema = c.table_schema
                           AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE')"
        }
        _ => {
            "SELECT m.name AS t, p.name AS c, lower(p.type) AS kind, p.\"notnull\" OR p.pk > 0 AS not_null,
                    p.dflt_value IS NOT NULL AS has_default
             FROM sqlite_schema m, pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        }
    };
    for row in db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap() {
        let table: String = row.try_get("", "t").unwrap();
        let column: String = row.try_get("", "c").unwrap();
        let column_shape = Column {
            kind: row.try_get("", "kind").unwrap(),
            not_null: row.try_get("", "not_null").unwrap(),
            has_default: row.try_get("", "has_default").unwrap(),
        };
        shape.entry(table).or_default().insert(column, column_shape);
    }
    shape
}

/// The length in `character varying(64)` or `varchar(64)`, and the type without it.
fn length_of(kind: &str) -> (&str, Option<u64>) {
    match kind.split_once('(') {
        Some((base, rest)) => (base, rest.trim_end_matches(')').parse().ok()),
        None => (kind, None),
    }
}

/// What in `after` breaks a release that was written against `before`.
fn breaking_changes(before: &Shape, after: &Shape) -> Vec<String> {
    let mut found = Vec::new();
    for (table, columns) in before {
        let Some(now) = after.get(table) else {
            found.push(format!("table {table} removed"));
            continue;
        };
        for (name, was) in columns {
            let Some(is) = now.get(name) else {
                found.push(format!("column {table}.{name} removed"));
                continue;
            };
            let ((was_base, was_len), (is_base, is_len)) = (length_of(&was.kind), length_of(&is.kind));
            // The same type, unbounded now or with room for at least what fitted before.
            let widened =
                was_base == is_base && (is_len.is_none() || matches!((was_len, is_len), (Some(a), Some(b)) if b >= a));
            if was.kind != is.kind && !widened {
                found.push(format!("column {table}.{name} changed from {} to {}", was.kind, is.kind));
            }
            if is.not_null && !was.not_null {
                found.push(format!("column {table}.{name} became NOT NULL"));
            }
        }
        for (name, is) in now.iter().filter(|(name, _)| !columns.contains_key(*name)) {
            if is.not_null && !is.has_default {
                found.push(format!("column {table}.{name} added NOT NULL without a default"));
            }
        }
    }
    found
}

#[tokio::test]
async fn no_migration_breaks_the_release_before_it() {
    let (url, _dir) = fresh_database().await;
    let db = Store::connect(&url, 1).await.unwrap().conn().clone();
    let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let mut before = shape(&db).await;
    let mut unacknowledged = Vec::new();
    let mut acknowledged_seen = Vec::new();
    for name in &names {
        Migrator::up(&db, Some(1)).await.unwrap();
        let after = shape(&db).await;
        for change in breaking_changes(&before, &after) {
            match ACKNOWLEDGED.iter().find(|(m, c, _)| m == name && *c == change) {
                Some(known) => acknowledged_seen.push(*known),
                None => unacknowledged.push(format!("{name}: {change}")),
            }
        }
        before = after;
    }
    assert!(
        unacknowledged.is_empty(),
        "migrations that would break the previous release during a rolling upgrade (split them into \
         expand and contract steps, docs/operations.md):\n{}",
        unacknowledged.join("\n")
    );
    // An acknowledgement nothing needs any more is stale.
    for known in ACKNOWLEDGED {
        assert!(acknowledged_seen.contains(known), "acknowledged but not found: {known:?}");
    }
    db.close().await.unwrap();
}

/// The comparison itself catches each kind of breaking change, made with real DDL.
#[tokio::test]
async fn the_comparison_catches_each_kind_of_breaking_change() {
    let (url, _dir) = fresh_database().await;
    let db = Store::connect(&url, 1).await.unwrap().conn().clone();
    Migrator::up(&db, None).await.unwrap();
    let before = shape(&db).await;
    let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
    let mut statements = vec![
        "ALTER TABLE partners DROP COLUMN name".to_owned(),
        "DROP TABLE rate_limits".to_owned(),
        // Expanding changes pass.
        "ALTER TABLE accounts ADD COLUMN region VARCHAR(40)".to_owned(),
        "ALTER TABLE accounts ADD COLUMN tier VARCHAR(10) NOT NULL DEFAULT 'standard'".to_owned(),
        "CREATE TABLE regions (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL)".to_owned(),
    ];
    if postgres {
        // SQLite cannot express these without rebuilding a table.
        statements.extend([
            "ALTER TABLE accounts ADD COLUMN must_have TEXT NOT NULL".to_owned(),
            "ALTER TABLE handoffs ALTER COLUMN title TYPE VARCHAR(10)".to_owned(),
            "ALTER TABLE handoffs ALTER COLUMN why_now SET NOT NULL".to_owned(),
        ]);
    }
    for statement in &statements {
        db.execute_unprepared(statement).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    let found = breaking_changes(&before, &shape(&db).await);
    let mut expected = vec!["column partners.name removed".to_owned(), "table rate_limits removed".to_owned()];
    if postgres {
        expected.push("column accounts.must_have added NOT NULL without a default".into());
        expected.push("column handoffs.title changed from character varying(200) to character varying(10)".into());
        expected.push("column handoffs.why_now became NOT NULL".into());
    }
    for change in &expected {
        assert!(found.contains(change), "{change} is not caught: {found:?}");
    }
    assert_eq!(found.len(), expected.len(), "only the breaking changes are reported: {found:?}");
    db.close().await.unwrap();
}

/// A fully migrated database on one connection, so that a statement prepared by name is there for
/// the next one to deallocate.
async fn migrated(url: &str) -> DatabaseConnection {
    // Migrating on PostgreSQL takes a lock on a second connection.
    let migrating = Store::connect(url, 2).await.unwrap();
    migrating.migrate_up().await.unwrap();
    migrating.conn().clone().close().await.unwrap();
    Store::connect(url, 1).await.unwrap().conn().clone()
}

/// The recorded statements of the release before this one, for the database the tests run on.
fn previous_release_statements(backend: DatabaseBackend) -> Vec<String> {
    let name = if backend == DatabaseBackend::Postgres { "postgres.jsonl" } else { "sqlite.jsonl" };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/release-statements").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}: {e}: {line}"))).collect()
}

/// Each statement that no longer compiles against `db`'s schema, with the database's reason. Only
/// compiled, never run: PostgreSQL prepares it (resolving every table, column and parameter
/// type), SQLite explains it.
async fn statements_that_fail<'s>(db: &DatabaseConnection, statements: &'s [String]) -> Vec<(&'s str, String)> {
    let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
    let mut failures = Vec::new();
    for sql in statements {
        let check = if postgres { format!("PREPARE release_check AS {sql}") } else { format!("EXPLAIN {sql}") };
        match db.execute_unprepared(&check).await {
            Ok(_) if postgres => {
                db.execute_unprepared("DEALLOCATE release_check").await.unwrap();
            }
            Ok(_) => {}
            Err(e) => failures.push((sql.as_str(), e.to_string())),
        }
    }
    failures
}

#[tokio::test]
async fn the_previous_releases_statements_compile_against_the_current_schema() {
    let (url, _dir) = fresh_database().await;
    let db = migrated(&url).await;
    let statements = previous_release_statements(db.get_database_backend());
    assert!(statements.len() > 100, "the recording holds what a release sends: {}", statements.len());
    let failures = statements_that_fail(&db, &statements).await;
    let listed: Vec<String> = failures.iter().map(|(sql, error)| format!("{error}\n    {sql}")).collect();
    assert!(
        failures.is_empty(),
        "{} of the previous release's {} statements fail against the new schema:\n{}",
        failures.len(),
        statements.len(),
        listed.join("\n")
    );
    db.close().await.unwrap();
}

/// The replay catches a column the previous release still uses, dropped by real DDL.
#[tokio::test]
async fn the_replay_catches_a_column_the_previous_release_uses() {
    let (url, _dir) = fresh_database().await;
    let db = migrated(&url).await;
    db.execute_unprepared("ALTER TABLE partners DROP COLUMN name").await.unwrap();
    let statements = previous_release_statements(db.get_database_backend());
    let failures = statements_that_fail(&db, &statements).await;
    // The statements that name the partners' `name` column, as sea-query writes it.
    let using_it: Vec<&str> = statements
        .iter()
        .filter(|sql| {
            sql.contains("\"partners\".\"name\"")
                || (sql.starts_with("INSERT INTO \"partners\"") && sql.contains("\"name\""))
        })
        .map(String::as_str)
        .collect();
    assert!(!using_it.is_empty(), "the recording reads and writes partners' names");
    for sql in &using_it {
        assert!(failures.iter().any(|(failed, _)| failed == sql), "not reported: {sql}");
    }
    for (sql, error) in &failures {
        assert!(sql.contains("\"partners\"") && error.contains("name"), "reported for another reason: {error}\n{sql}");
    }
    db.close().await.unwrap();
}
