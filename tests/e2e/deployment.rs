//! Starting and stopping replicas: migrations applied by one process at a time, a replica that does
//! not migrate refusing a database that lacks a migration, and a stopping replica that never cuts a
//! request a proxy sent on a kept-alive connection.

use std::time::Duration;

use handoff_api::config::Config;
use handoff_api::server::{self, StartError};
use handoff_api::store::Store;
use handoff_e2e::{TestApp, fresh_database};

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

/// One HTTP/1.1 exchange on `socket`: the response's head (status line and headers, lower case)
/// once its whole body has arrived, or `None` if the server closed or reset the connection first.
async fn exchange(socket: &mut tokio::net::TcpStream, request: &str) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    socket.write_all(request.as_bytes()).await.ok()?;
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&received[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            if received.len() >= end + 4 + length {
                return Some(head);
            }
        }
        match tokio::time::timeout(Duration::from_secs(10), socket.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => received.extend_from_slice(&chunk[..n]),
            _ => return None,
        }
    }
}

#[tokio::test]
async fn a_stopping_server_still_answers_a_request_on_a_kept_alive_connection_and_then_closes_it() {
    let mut app = TestApp::spawn_with(|c| c.timeouts.idle_grace = Duration::from_secs(3)).await;
    let query = r#"{"query":"{ __typename }"}"#;
    let post = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{query}",
        query.len()
    );
    let mut kept = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let first = exchange(&mut kept, &post).await.expect("answered before the stop");
    assert!(first.starts_with("http/1.1 200") && !first.contains("connection: close"), "{first}");
    let mut idle = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    exchange(&mut idle, &post).await.expect("answered before the stop");
    let addr = app.addr;

    let stopped = app.stop_in_background();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A proxy reusing its kept-alive connection now: the request is answered, not cut, and the
    // answer says the connection ends.
    let last = exchange(&mut kept, &post).await.expect("a request sent after the stop began is answered");
    assert!(last.starts_with("http/1.1 200") && last.contains("connection: close"), "{last}");
    let ready = {
        let mut probe = tokio::net::TcpStream::connect(addr).await;
        match probe.as_mut() {
            Ok(socket) => exchange(socket, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").await,
            Err(_) => None,
        }
    };
    assert!(ready.is_none(), "a stopping server took a new connection: {ready:?}");
    // An idle connection is closed once the grace has passed, and the server stops.
    let mut rest = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_secs(10), tokio::io::AsyncReadExt::read_to_end(&mut idle, &mut rest)).await;
    assert!(closed.is_ok(), "the idle connection outlived the grace");
    tokio::time::timeout(Duration::from_secs(10), stopped).await.expect("the server stopped").unwrap();
}
