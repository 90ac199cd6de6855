//! `handoff-api backup` and `restore`: a copy taken while the server runs and writes comes back
//! row for row into a new database, which then serves the same answers; a restore never lands on
//! a database holding data unless told to, and a broken file changes nothing.

use handoff_api::backup::{self, BackupError, Tools};
use handoff_api::seed::{self, PASSWORD, Plan};
use handoff_e2e::{TestApp, first_column_text, fresh_database};
use sea_orm::{ConnectionTrait, Database, DatabaseBackend};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const PLAN: Plan = Plan { organizations: 2, handoffs_per_organization: 40, large_organization: None, seed: 7 };

const PAGE: &str = "query($s: String!) { organization(slug: $s) {
    handoffs(first: 100) { nodes { id title status score band grades { component grade points } owner { name } } }
    events(first: 50) { nodes { cursor type at } }
    trustReport(days: 365) { signals { signal sampleSize } } } }";

/// Every row of every table, as text, sorted: two databases with equal contents give equal maps.
async fn contents(url: &str) -> BTreeMap<String, Vec<String>> {
    if handoff_api::store::sqlite_file(url).is_some_and(|file| !file.exists()) {
        return BTreeMap::new();
    }
    let db = Database::connect(url).await.unwrap();
    let backend = db.get_database_backend();
    let list = match backend {
        DatabaseBackend::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        _ => "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    let tables = first_column_text(&db, list).await;
    let mut all = BTreeMap::new();
    for table in tables {
        let rows = match backend {
            // A whole row as text; the test's role passes the tenant policy like the server's own.
            DatabaseBackend::Postgres => format!("SELECT t::text AS r FROM \"{table}\" t ORDER BY 1"),
            _ => {
                let columns = first_column_text(&db, &format!("SELECT name FROM pragma_table_info('{table}')")).await;
                let quoted: Vec<String> = columns.iter().map(|column| format!("quote(\"{column}\")")).collect();
                format!("SELECT {} AS r FROM \"{table}\" ORDER BY 1", quoted.join(" || '|' || "))
            }
        };
        all.insert(table, first_column_text(&db, &rows).await);
    }
    db.close().await.unwrap();
    all
}

async fn page(app: &TestApp, slug: &str) -> Value {
    let admin = app.log_in(&format!("admin@{slug}.example"), PASSWORD).await;
    app.ok(Some(&admin.token), PAGE, json!({ "s": slug })).await
}

fn tools() -> Tools {
    Tools { bin_dir: std::env::var_os("PG_BIN_DIR").map(Into::into) }
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_row_for_row_and_serves_the_same() {
    let app = TestApp::spawn().await;
    seed::run(app.store(), PLAN, chrono::Utc::now(), false).await.unwrap();
    let team = app.team("live").await;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("handoff.backup");

    // The server keeps taking writes while the copy is made: the backup starts once the writer
    // is under way, and the writer goes on until the backup has ended.
    let written = Arc::new(AtomicUsize::new(0));
    let backup_done = Arc::new(AtomicBool::new(false));
    let writer = {
        let graphql = app.url("/graphql");
        let (token, org_id, seller) = (team.admin.token.clone(), team.org_id.clone(), team.seller.user_id.clone());
        let (written, backup_done) = (written.clone(), backup_done.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut n = 0;
            // Three more after the backup ended, at least.
            let mut after = 0;
            while after < 3 {
                let body: Value = client
                    .post(&graphql)
                    .bearer_auth(&token)
                    .json(&json!({
                        "query": "mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } } }",
                        "variables": { "i": { "organizationId": org_id, "name": format!("Account {n}"), "sellerId": seller } }
                    }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(body.get("errors").is_none(), "{body:#}");
                n += 1;
                written.store(n, Ordering::SeqCst);
                if backup_done.load(Ordering::SeqCst) {
                    after += 1;
                }
            }
        })
    };
    while written.load(Ordering::SeqCst) < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let accounts_before = contents(app.database_url()).await["accounts"].clone();
    let summary = backup::backup(app.database_url(), &file, &tools()).await.expect("the backup is taken while serving");
    backup_done.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    assert!(summary.bytes > 0 && std::fs::metadata(&file).unwrap().len() == summary.bytes);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a backup is readable by its owner alone");
    }
    assert!(summary.pending_migrations().is_empty() && summary.unknown_migrations().is_empty(), "{summary:?}");
    assert!(!files.path().read_dir().unwrap().any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".partial")));

    // A quiet moment: what the database holds now is what a second backup must hold.
    let quiet = files.path().join("quiet.backup");
    backup::backup(app.database_url(), &quiet, &tools()).await.unwrap();
    let original = contents(app.database_url()).await;
    assert!(original["handoffs"].len() >= 80 && original["handoff_grades"].len() >= 720, "the seeded data is there");

    let (target, _dir) = fresh_database().await;
    let restored = backup::restore(&target, &quiet, false, &tools()).await.expect("an empty database takes the backup");
    assert_eq!(restored.migrations, summary.migrations);
    assert_eq!(contents(&target).await, original, "every row of every table comes back");

    // The restored database serves the same answers, and new writes continue its sequences.
    let copy = TestApp::spawn_on(target.clone()).await;
    for slug in ["seed-000", "seed-001"] {
        assert_eq!(page(&copy, slug).await, page(&app, slug).await, "{slug} reads the same from the copy");
    }
    copy.landed_handoff(&team, "after the restore").await;

    // The first backup, taken under writes, is whole: it restores and reads like any other.
    let (under_writes, _dir2) = fresh_database().await;
    backup::restore(&under_writes, &file, false, &tools()).await.unwrap();
    let copied = contents(&under_writes).await;
    assert_eq!(copied["handoffs"], original["handoffs"], "handoffs were not written meanwhile");
    // A consistent moment between the start and the end of the backup: every account that existed
    // before it, none that does not exist now, each row as it is.
    let (copied, now) = (&copied["accounts"], &original["accounts"]);
    assert!(accounts_before.iter().all(|row| copied.contains(row)), "the copy lost accounts written before it");
    assert!(copied.iter().all(|row| now.contains(row)), "the copy holds rows that never existed");
    assert!(copied.len() < now.len(), "accounts were written after the backup ended");
    copy.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn a_restore_refuses_a_database_with_data_and_a_broken_file_changes_nothing() {
    let app = TestApp::spawn().await;
    let team = app.team("kept").await;
    app.landed_handoff(&team, "kept as it is").await;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("kept.backup");
    backup::backup(app.database_url(), &file, &tools()).await.unwrap();

    // A backup never overwrites a file.
    let again = backup::backup(app.database_url(), &file, &tools()).await;
    assert!(matches!(again, Err(BackupError::Exists(_))), "{again:?}");

    let before = contents(app.database_url()).await;
    let into_itself = backup::restore(app.database_url(), &file, false, &tools()).await;
    assert!(matches!(into_itself, Err(BackupError::NotEmpty | BackupError::InUse(_))), "{into_itself:?}");
    // Not even when told to replace: the running server has it open.
    let under_the_server = backup::restore(app.database_url(), &file, true, &tools()).await;
    assert!(matches!(under_the_server, Err(BackupError::InUse(_))), "{under_the_server:?}");

    let whole = std::fs::read(&file).unwrap();
    for broken in [b"not a backup at all".to_vec(), whole[..whole.len() / 2].to_vec()] {
        let path = files.path().join("broken.backup");
        std::fs::write(&path, &broken).unwrap();
        let (target, _dir) = fresh_database().await;
        let outcome = backup::restore(&target, &path, false, &tools()).await;
        assert!(matches!(outcome, Err(BackupError::NotABackup(..) | BackupError::ToolFailed { .. })), "{outcome:?}");
        assert!(contents(&target).await.is_empty(), "a failed restore leaves no table behind");
    }
    assert_eq!(contents(app.database_url()).await, before);
    app.stop().await;
}

#[tokio::test]
async fn replace_overwrites_a_stopped_database_with_the_backup() {
    let mut app = TestApp::spawn().await;
    let team = app.team("replaced").await;
    app.landed_handoff(&team, "in the backup").await;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("replace.backup");
    backup::backup(app.database_url(), &file, &tools()).await.unwrap();
    let backed_up = contents(app.database_url()).await;
    app.landed_handoff(&team, "written after the backup").await;
    app.stop_server().await;

    if app.on_postgres() {
        // A table the backup does not know (a later migration's) would outlive `--clean`.
        let db = Database::connect(app.database_url()).await.unwrap();
        db.execute_unprepared("CREATE TABLE later_feature (id INTEGER)").await.unwrap();
        let drifted = backup::restore(app.database_url(), &file, true, &tools()).await;
        assert!(matches!(&drifted, Err(BackupError::Drift(tables)) if tables == "later_feature"), "{drifted:?}");
        db.execute_unprepared("DROP TABLE later_feature").await.unwrap();
        db.close().await.unwrap();
    }
    backup::restore(app.database_url(), &file, true, &tools()).await.expect("--replace overwrites");
    assert_eq!(contents(app.database_url()).await, backed_up, "the later handoff is gone");
}

/// Two backups racing to the same name: one writes it whole, the other is told the name is taken,
/// and neither leaves a partial file behind.
#[tokio::test]
async fn backups_racing_to_one_name_leave_one_whole_file() {
    let app = TestApp::spawn().await;
    let team = app.team("raced").await;
    app.landed_handoff(&team, "raced for").await;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("raced.backup");
    let url = app.database_url().to_owned();
    let racers = (0..4).map(|_| {
        let (url, file) = (url.clone(), file.clone());
        tokio::spawn(async move { backup::backup(&url, &file, &tools()).await })
    });
    let outcomes: Vec<_> = futures_util::future::join_all(racers).await.into_iter().map(Result::unwrap).collect();
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
    assert!(outcomes.iter().all(|o| matches!(o, Ok(_) | Err(BackupError::Exists(_)))), "{outcomes:?}");
    let left: Vec<String> = std::fs::read_dir(files.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["raced.backup"]);
    let (target, _dir) = fresh_database().await;
    backup::restore(&target, &file, false, &tools()).await.expect("the file that won is whole");
    assert_eq!(contents(&target).await, contents(app.database_url()).await);
    app.stop().await;
}

/// In production the database's owner is no superuser, and every tenant table forces its policy
/// on its owner too: the owner's backup still holds every row, and its restore writes them all.
#[tokio::test]
async fn an_owner_without_superuser_backs_up_and_restores_every_row() {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else { return };
    if !admin_url.starts_with("postgres") {
        return;
    }
    let admin = Database::connect(&admin_url).await.unwrap();
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..12];
    let owner = format!("handoff_owner_{suffix}");
    // CREATEROLE lets the owner's migration make the tenant role a member of it, as in production.
    admin
        .execute_unprepared(&format!(
            "CREATE ROLE {owner} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS PASSWORD 'p@ss:word'"
        ))
        .await
        .unwrap();
    let base = admin_url.rsplit_once('/').unwrap().0;
    let (source, target) = (format!("{owner}_a"), format!("{owner}_b"));
    for database in [&source, &target] {
        admin.execute_unprepared(&format!("CREATE DATABASE {database} OWNER {owner}")).await.unwrap();
    }
    let as_owner = |database: &str| {
        let host = base.split_once('@').map_or(base, |(_, host)| host);
        // The password is given as a URL must spell it; the tools get it through the environment.
        format!("postgres://{owner}:p%40ss%3Aword@{host}/{database}")
    };
    let app = TestApp::spawn_on(as_owner(&source)).await;
    let team = app.team("owned").await;
    app.landed_handoff(&team, "owned by no superuser").await;
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("owner.backup");
    backup::backup(&as_owner(&source), &file, &tools()).await.expect("the owner's backup");
    backup::restore(&as_owner(&target), &file, false, &tools()).await.expect("the owner's restore");
    let (original, restored) =
        (contents(&format!("{base}/{source}")).await, contents(&format!("{base}/{target}")).await);
    assert!(original["handoffs"].len() == 1 && original["memberships"].len() >= 5, "{:?}", original["memberships"]);
    assert_eq!(restored, original);
    app.stop().await;
    for database in [&source, &target] {
        admin.execute_unprepared(&format!("DROP DATABASE {database} WITH (FORCE)")).await.unwrap();
    }
    admin.execute_unprepared(&format!("DROP ROLE {owner}")).await.unwrap();
    admin.close().await.unwrap();
}
