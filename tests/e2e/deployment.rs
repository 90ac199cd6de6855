//! Starting replicas: migrations applied by one process at a time, and a replica that does not
//! migrate refusing a database that lacks a migration.

use handoff_api::config::Config;
use handoff_api::server::{self, StartError};
use handoff_api::store::Store;
use handoff_e2e::fresh_database;

#[tokio::test]
async fn processes_migrating_one_database_at_once_all_succeed() {
    let (url, _dir) = fresh_database().await;
    if !url.starts_with("postgres") {
        // One embedded file has one server: only PostgreSQL has replicas that start together.
        return;
    }
    let store = Store::connect(&url, 2).await.unwrap();
    let pending = store.pending_migrations().await.expect("a database never migrated is readable");
    assert!(pending.len() > 1, "a fresh database lacks every migration: {pending:?}");
    let racers = (0..4).map(|_| {
        let url = url.clone();
        tokio::spawn(async move {
            let store = Store::connect(&url, 2).await.unwrap();
            store.migrate_up().await
        })
    });
    for outcome in futures_util::future::join_all(racers).await {
        outcome.unwrap().expect("each racing migration succeeds (the later ones find nothing to do)");
    }
    assert_eq!(store.pending_migrations().await.unwrap(), Vec::<String>::new());
}

#[tokio::test]
async fn a_replica_that_does_not_migrate_refuses_a_database_lacking_a_migration() {
    let (url, _dir) = fresh_database().await;
    let not_migrating = || Config { migrate_on_start: false, ..Config::development(url.clone()) };
    match server::start(not_migrating()).await {
        Err(StartError::NotMigrated(pending)) => {
            assert!(pending.contains("m2026"), "the missing migrations are named: {pending}")
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("a replica started on a database without tables"),
    }
    Store::connect(&url, 2).await.unwrap().migrate_up().await.unwrap();
    let running = server::start(not_migrating()).await.expect("a migrated database is served");
    let ready = reqwest::get(format!("http://{}/readyz", running.addr())).await.unwrap();
    assert_eq!(ready.status(), 200);
    running.stop().await.unwrap();
}
