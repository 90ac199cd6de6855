//! The corpus of statements a release sends, for the migration compatibility test: with
//! `RECORD_SQL_SHAPES=DIR` set (in builds with test support only), every distinct query the store
//! sends (its SQL with placeholders, values apart) is appended to `DIR/sqlite.jsonl` or
//! `DIR/postgres.jsonl`, one JSON string per line. Running the end-to-end suite so fills them with
//! what this release reads and writes; the next release's migrations are checked against them.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use sea_orm::DatabaseBackend;

/// Per database: the statements seen so far and the file they go to.
type Files = HashMap<&'static str, (HashSet<String>, std::fs::File)>;

/// Where the corpus goes, and what it holds; `None` when not recording.
static CORPUS: LazyLock<Option<(PathBuf, Mutex<Files>)>> = LazyLock::new(|| {
    let dir = std::env::var_os("RECORD_SQL_SHAPES").filter(|p| !p.is_empty())?;
    Some((PathBuf::from(dir), Mutex::default()))
});

/// Adds `sql` to the corpus when recording. Only queries count: schema changes belong to the
/// migrations, and transaction control to the driver.
pub fn note(backend: DatabaseBackend, sql: &str) {
    let Some((dir, files)) = CORPUS.as_ref() else { return };
    let first = sql.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
    if !matches!(first.as_str(), "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "WITH") {
        return;
    }
    let name = match backend {
        DatabaseBackend::Postgres => "postgres.jsonl",
        _ => "sqlite.jsonl",
    };
    let sql = one_row(sql);
    let mut files = files.lock().unwrap_or_else(|e| e.into_inner());
    let (seen, file) = files.entry(name).or_insert_with(|| {
        let path = dir.join(name);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("RECORD_SQL_SHAPES: {}: {e}", path.display()));
        (HashSet::new(), file)
    });
    if seen.insert(sql.clone()) {
        // One write per line: appends from several processes then never interleave.
        let line = serde_json::to_string(&sql).expect("a string serializes") + "\n";
        let _ = file.write_all(line.as_bytes());
    }
}

/// A multi-row `INSERT … VALUES (…), (…), …` as its first row alone: the rows' number changes
/// with the data, the statement's shape does not. Rows are compared with their placeholders'
/// numbers left out (`$1, $2` and `$3, $4` are the same row).
fn one_row(sql: &str) -> String {
    let Some(at) = sql.find(" VALUES (") else { return sql.to_owned() };
    let first = at + " VALUES ".len();
    let Some(end) = group_end(sql, first) else { return sql.to_owned() };
    let shape = |group: &str| group.chars().filter(|c| !c.is_ascii_digit()).collect::<String>();
    let row = shape(&sql[first..end]);
    let mut rest = end;
    while let Some(next) = sql[rest..].strip_prefix(", (").map(|_| rest + 2)
        && let Some(next_end) = group_end(sql, next)
        && shape(&sql[next..next_end]) == row
    {
        rest = next_end;
    }
    format!("{}{}", &sql[..end], &sql[rest..])
}

/// Where the parenthesized group opening at `open` ends (just past its `)`).
fn group_end(sql: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in sql[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::one_row;

    #[test]
    fn a_multi_row_insert_is_kept_as_one_row() {
        assert_eq!(one_row("INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)"), "INSERT INTO t (a, b) VALUES (?, ?)");
        assert_eq!(
            one_row("INSERT INTO t (a, b) VALUES ($1, CAST($2 AS uuid)), ($3, CAST($4 AS uuid)) RETURNING a"),
            "INSERT INTO t (a, b) VALUES ($1, CAST($2 AS uuid)) RETURNING a"
        );
        assert_eq!(one_row("SELECT 1"), "SELECT 1");
        assert_eq!(one_row("INSERT INTO t (a) VALUES (?)"), "INSERT INTO t (a) VALUES (?)");
    }
}
