//! The real binary, killed with SIGKILL while eight clients grade handoffs as fast as it answers,
//! with a webhook receiver and a WebSocket subscriber counting every event. After a restart on the
//! same database: every acknowledged grading has its event, the webhook receiver gets every stored
//! event, and the subscriber, resuming from the last cursor it saw, ends with every stored event in
//! order, none twice and none missing at the seam.

#[allow(dead_code)] // the shared helpers this test does not need
mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Client, receiver, scratch, start};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const WRITERS: usize = 8;
/// Acknowledged gradings before the kill.
const KILL_AFTER: usize = 120;

/// Every stored GRADED event id of organization `load`, in order.
async fn all_events(api: &Client, token: &str) -> Vec<String> {
    let query = "query($a: String) { organization(slug: \"load\") { events(first: 100, after: $a, types: [GRADED]) {
        edges { cursor node { id } } pageInfo { hasNextPage } } } }";
    let (mut ids, mut after) = (Vec::new(), Value::Null);
    loop {
        let data = api.ok(Some(token), query, json!({ "a": after })).await;
        let page = &data["organization"]["events"];
        for edge in page["edges"].as_array().unwrap() {
            ids.push(edge["node"]["id"].as_str().unwrap().to_owned());
            after = edge["cursor"].clone();
        }
        if page["pageInfo"]["hasNextPage"] != true {
            return ids;
        }
    }
}

/// A graphql-transport-ws subscriber to `organization`'s GRADED events that records (cursor, id) of
/// every event until its socket closes.
async fn subscriber(
    url: String,
    token: String,
    organization: String,
    after: Option<String>,
    seen: Arc<Mutex<Vec<(String, String)>>>,
) {
    let ws = url.replacen("http://", "ws://", 1);
    let mut request = format!("{ws}/graphql").into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    let mut subscribed = false;
    while let Some(Ok(message)) = socket.next().await {
        let Message::Text(text) = message else { continue };
        let value: Value = serde_json::from_str(&text).unwrap();
        match value["type"].as_str() {
            Some("connection_ack") if !subscribed => {
                subscribed = true;
                let payload = json!({ "query": "subscription($o: ID!, $a: String) { handoffEvents(organizationId: $o, types: [GRADED], after: $a) { cursor id } }",
                    "variables": { "o": organization, "a": after } });
                socket
                    .send(Message::text(json!({ "id": "1", "type": "subscribe", "payload": payload }).to_string()))
                    .await
                    .unwrap();
            }
            Some("next") => {
                let event = &value["payload"]["data"]["handoffEvents"];
                let entry = (event["cursor"].as_str().unwrap().to_owned(), event["id"].as_str().unwrap().to_owned());
                seen.lock().unwrap().push(entry);
            }
            Some("ping") => {
                let _ = socket.send(Message::text(json!({ "type": "pong" }).to_string())).await;
            }
            Some("error") | Some("complete") => panic!("the subscription ended: {value}"),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kill_under_load_loses_no_acknowledged_event_and_resuming_subscribers_miss_none() {
    let dir = scratch("load");
    let (hook, delivered) = receiver(0);
    let (mut first, url) = start(&dir, "first");
    let api = Client::new(&url);

    let (admin, admin_id) = api.sign_up("admin@load.example").await;
    let (org, _, partner, account) = api.organization(&admin, "load").await;
    api.ok(
        Some(&admin),
        "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { webhookEndpoint { id } } }",
        json!({ "i": { "organizationId": org, "url": hook, "eventTypes": ["GRADED"] } }),
    )
    .await;
    let mut handoffs = Vec::new();
    for n in 0..WRITERS {
        let created = api
            .ok(
                Some(&admin),
                "mutation($i: CreateHandoffInput!) { createHandoff(input: $i) { handoff { id } } }",
                json!({ "i": { "organizationId": org, "accountId": account, "partnerId": partner, "title": format!("load {n}"), "ownerId": admin_id } }),
            )
            .await;
        handoffs.push(created["createHandoff"]["handoff"]["id"].as_str().unwrap().to_owned());
    }

    let before_kill: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let listening = tokio::spawn(subscriber(url.clone(), admin.clone(), org.clone(), None, before_kill.clone()));
    tokio::time::sleep(Duration::from_millis(300)).await;

    let acknowledged = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for handoff in handoffs.clone() {
        let (api, admin, acknowledged) = (api.clone(), admin.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            let grades = ["STRONG", "WEAK"];
            for n in 0.. {
                let input = json!({ "i": { "handoffId": handoff, "grades": [{ "component": "PROOF", "grade": grades[n % 2] }] } });
                let query = "mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { score } } }";
                match api.post(Some(&admin), query, input).await {
                    Ok(body) if body.get("errors").is_none() => acknowledged.fetch_add(1, Ordering::SeqCst),
                    Ok(body) => panic!("a grading was refused: {body:#}"),
                    Err(_) => return,
                };
            }
        }));
    }
    while acknowledged.load(Ordering::SeqCst) < KILL_AFTER {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill().unwrap();
    let acknowledged_at_kill = acknowledged.load(Ordering::SeqCst);
    first.wait().unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.load(Ordering::SeqCst);
    let _ = tokio::time::timeout(Duration::from_secs(5), listening).await;

    let (mut second, url) = start(&dir, "second");
    let api = Client::new(&url);
    let admin = api.login("admin@load.example").await;
    let stored = all_events(&api, &admin).await;
    let unique: HashSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "each event is stored once");
    assert!(stored.len() >= acknowledged, "{} events stored for {acknowledged} acknowledged gradings", stored.len());
    assert!(
        stored.len() <= acknowledged + WRITERS,
        "{} events for {acknowledged} acknowledged gradings and at most {WRITERS} in flight",
        stored.len()
    );

    // The subscriber resumes from the last cursor it saw and catches up, with no gap or repeat.
    let seen_before = before_kill.lock().unwrap().clone();
    let resume_from = seen_before.last().map(|(cursor, _)| cursor.clone());
    let after_restart: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let resumed = tokio::spawn(subscriber(url.clone(), admin.clone(), org.clone(), resume_from, after_restart.clone()));
    let mut caught_up = false;
    for _ in 0..200 {
        if seen_before.len() + after_restart.lock().unwrap().len() >= stored.len() {
            caught_up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut webhooks_done = false;
    for _ in 0..600 {
        let ids: HashSet<String> = delivered
            .lock()
            .unwrap()
            .iter()
            .map(|body| serde_json::from_str::<Value>(body).unwrap()["id"].as_str().unwrap().to_owned())
            .collect();
        if stored.iter().all(|id| ids.contains(id)) {
            webhooks_done = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    resumed.abort();
    second.kill().unwrap();
    second.wait().unwrap();

    let received: Vec<String> =
        seen_before.iter().chain(after_restart.lock().unwrap().iter()).map(|(_, id)| id.clone()).collect();
    eprintln!(
        "acknowledged {acknowledged} ({acknowledged_at_kill} at the kill), stored {}, subscriber {} before the kill and {} after, webhook bodies {}",
        stored.len(),
        seen_before.len(),
        received.len() - seen_before.len(),
        delivered.lock().unwrap().len()
    );
    assert!(caught_up, "the resumed subscriber caught up");
    assert_eq!(received, stored, "the subscriber saw every stored event once, in order");
    assert!(webhooks_done, "every stored event reached the webhook receiver");
    std::fs::remove_dir_all(&dir).ok();
}
