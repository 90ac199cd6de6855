//! Events are stored with the change they describe: they can be polled, a subscriber resumes from
//! its last cursor without gap or repeat, and a webhook survives the server stopping right after it
//! answered.

use std::time::Duration;

use handoff_e2e::ws::{next_json, subscribe};
use handoff_e2e::{Drafted, Team, TestApp, documents, error_code, expect_error};
use serde_json::{Value, json};

use crate::webhooks::{Receiver, endpoint_for, fast, holding_deliveries, land_one};

const EVENTS: &str = "query($s: String!, $first: Int, $after: String, $types: [HandoffEventType!]) {
    organization(slug: $s) { events(first: $first, after: $after, types: $types) {
        edges { cursor node { type cursor id handoff { title } response { decision reason } } }
        pageInfo { hasNextPage endCursor } } } }";

const RESUMABLE: &str = "subscription($org: ID!, $after: String) {
    handoffEvents(organizationId: $org, after: $after) { type cursor handoff { title } } }";

const RESPOND: &str = documents::RESPOND_TO_HANDOFF;

async fn graded_sent_and_answered(app: &TestApp, team: &Team, title: &str) -> String {
    let partner = app.create_partner(&team.marketer, &team.org_id, &format!("{title} partner")).await;
    let account = app.create_account(&team.marketer, &team.org_id, &format!("{title} account"), &team.seller).await;
    let id = app.create_handoff(team, &account, &partner, title).await;
    app.grade_all(&team.marketer, &id, ["STRONG"; 9]).await;
    app.send(&team.marketer, &id).await;
    let answer = json!({ "i": { "handoffId": id, "decision": "ACCEPT", "reason": "Booked" } });
    app.ok(Some(&team.seller.token), RESPOND, answer).await;
    id
}

/// A subscription to every event of `team`'s organization that is surely listening before the
/// next change: it resumes after the newest stored event, so an event committed while the server
/// is still setting it up is replayed rather than lost.
async fn listening(app: &TestApp, team: &Team, token: &str) -> handoff_e2e::ws::Socket {
    let all = app.ok(Some(token), EVENTS, json!({ "s": team.slug, "first": 100 })).await;
    let edges = page(&all)["edges"].as_array().unwrap().clone();
    let newest = edges.last().expect("an event to resume after")["cursor"].clone();
    subscribe(app, token, RESUMABLE, json!({ "org": team.org_id, "after": newest })).await
}

fn page(data: &Value) -> &Value {
    &data["organization"]["events"]
}

fn types(page: &Value) -> Vec<String> {
    page["edges"].as_array().unwrap().iter().map(|e| e["node"]["type"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn events_are_kept_in_order_and_can_be_polled_with_a_cursor() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    graded_sent_and_answered(&app, &team, "first").await;
    let token = Some(team.marketer.token.as_str());
    let all = app.ok(token, EVENTS, json!({ "s": "acme" })).await;
    assert_eq!(types(page(&all)), ["GRADED", "LANDED", "RESPONDED"]);
    let responded = &page(&all)["edges"][2]["node"];
    assert_eq!(responded["response"], json!({ "decision": "ACCEPT", "reason": "Booked" }));
    assert_eq!(page(&all)["edges"][2]["cursor"], responded["cursor"]);

    // One at a time, each page after the last.
    let one = app.ok(token, EVENTS, json!({ "s": "acme", "first": 1 })).await;
    assert_eq!(types(page(&one)), ["GRADED"]);
    assert_eq!(page(&one)["pageInfo"]["hasNextPage"], true);
    let after = page(&one)["pageInfo"]["endCursor"].clone();
    let rest = app.ok(token, EVENTS, json!({ "s": "acme", "after": after })).await;
    assert_eq!(types(page(&rest)), ["LANDED", "RESPONDED"]);
    assert_eq!(page(&rest)["pageInfo"]["hasNextPage"], false);
    let only = app.ok(token, EVENTS, json!({ "s": "acme", "types": ["LANDED"] })).await;
    assert_eq!(types(page(&only)), ["LANDED"]);

    // A seller sees the events of handoffs addressed to them, another seller none.
    let mine = app.ok(Some(&team.seller.token), EVENTS, json!({ "s": "acme" })).await;
    assert_eq!(types(page(&mine)).len(), 3);
    let theirs = app.ok(Some(&team.seller2.token), EVENTS, json!({ "s": "acme" })).await;
    assert_eq!(types(page(&theirs)), Vec::<String>::new());

    let garbage = app.gql(token, EVENTS, json!({ "s": "acme", "after": "not-a-cursor" })).await;
    expect_error(&garbage, "BAD_USER_INPUT", Some("after"));
    // A cursor ahead of every event (another database's, or made up) would wait for ever: refused.
    use base64::Engine;
    let ahead = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("e:999999999:{}", chrono::Utc::now().timestamp_micros()));
    let refused = app.gql(token, EVENTS, json!({ "s": "acme", "after": ahead })).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused:#}");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("ahead"), "{refused:#}");
}

#[tokio::test]
async fn a_subscriber_resuming_from_its_last_cursor_gets_what_it_missed_exactly_once() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let Drafted { id, .. } = app.drafted_handoff(&team, "resumed").await;
    app.grade_all(&team.marketer, &id, ["WEAK"; 9]).await;
    let mut socket = listening(&app, &team, &team.marketer.token).await;
    app.grade_all(&team.marketer, &id, ["STRONG"; 9]).await;
    let graded = next_json(&mut socket, Duration::from_secs(5)).await.expect("the live event");
    let graded = &graded["payload"]["data"]["handoffEvents"];
    assert_eq!(graded["type"], "GRADED");
    let cursor = graded["cursor"].as_str().unwrap().to_owned();
    drop(socket);

    // While the subscriber is away (a laptop asleep), the handoff is sent and answered.
    app.send(&team.marketer, &id).await;
    app.ok(Some(&team.seller.token), RESPOND, json!({ "i": { "handoffId": id, "decision": "ACCEPT" } })).await;

    let mut resumed =
        subscribe(&app, &team.marketer.token, RESUMABLE, json!({ "org": team.org_id, "after": cursor })).await;
    let mut seen = Vec::new();
    for _ in 0..2 {
        let message = next_json(&mut resumed, Duration::from_secs(5)).await.expect("a missed event");
        seen.push(message["payload"]["data"]["handoffEvents"]["type"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen, ["LANDED", "RESPONDED"], "the missed events, in order");
    // Then live events continue, with nothing repeated at the seam.
    app.grade_all(&team.marketer, &id, ["WEAK"; 9]).await;
    let live = next_json(&mut resumed, Duration::from_secs(5)).await.expect("the next live event");
    assert_eq!(live["payload"]["data"]["handoffEvents"]["type"], "GRADED");
    assert!(next_json(&mut resumed, Duration::from_secs(2)).await.is_none(), "nothing more");
}

#[tokio::test]
async fn a_cursor_older_than_the_retention_window_must_resync() {
    let app = TestApp::spawn_at("2026-03-02T09:00:00Z").await;
    let team = app.team("acme").await;
    graded_sent_and_answered(&app, &team, "old").await;
    let token = Some(team.marketer.token.as_str());
    let all = app.ok(token, EVENTS, json!({ "s": "acme" })).await;
    let cursor = page(&all)["edges"][0]["cursor"].clone();
    app.advance(chrono::Duration::days(6));
    let fresh = app.ok(token, EVENTS, json!({ "s": "acme", "after": cursor })).await;
    assert_eq!(types(page(&fresh)), ["LANDED", "RESPONDED"], "six days on, the cursor still resumes");
    app.advance(chrono::Duration::days(2));
    let stale = app.gql(token, EVENTS, json!({ "s": "acme", "after": cursor })).await;
    expect_error(&stale, "BAD_USER_INPUT", Some("after"));
    assert!(stale["errors"][0]["message"].as_str().unwrap().contains("7-day event retention"), "{stale:#}");
    let mut socket =
        subscribe(&app, &team.marketer.token, RESUMABLE, json!({ "org": team.org_id, "after": cursor })).await;
    let refused = next_json(&mut socket, Duration::from_secs(2)).await.expect("an answer");
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{refused:#}");
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["field"], "after", "{refused:#}");
}

#[tokio::test]
async fn a_webhook_is_delivered_after_the_server_that_answered_stopped() {
    // The first server never gets round to delivering; it answers, then stops.
    let mut first = TestApp::spawn_with(holding_deliveries).await;
    let team = first.team("acme").await;
    let (receiver, url) = Receiver::start(0).await;
    endpoint_for(&first, &team, &url, &["LANDED"]).await;
    land_one(&first, &team).await;
    let polled = first.ok(Some(&team.admin.token), EVENTS, json!({ "s": "acme", "types": ["LANDED"] })).await;
    let event_id = page(&polled)["edges"][0]["node"]["id"].as_str().unwrap().to_owned();
    first.stop_server().await;
    // Another process on the same database delivers it, with the event id as idempotency key.
    let second = first.spawn_replica_with(fast).await;
    receiver.wait_for(1).await;
    let (headers, body) = receiver.seen.lock().unwrap()[0].clone();
    assert_eq!(headers["handoff-event-id"].to_str().unwrap(), event_id);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["id"], event_id.as_str());
    drop(second);
}

#[tokio::test]
async fn a_subscriber_on_one_replica_resumes_events_written_through_another() {
    let app = TestApp::spawn().await;
    if !app.on_postgres() {
        return; // Replicas share a database only on PostgreSQL.
    }
    let replica = app.spawn_replica().await;
    let team = app.team("acme").await;
    let Drafted { id, .. } = app.handoff_scoring(&team, "across", 18).await;
    let token = Some(team.marketer.token.as_str());
    let all = app.ok(token, EVENTS, json!({ "s": "acme" })).await;
    let cursor = page(&all)["edges"][0]["cursor"].clone();
    app.send(&team.marketer, &id).await;
    let mut socket =
        subscribe(&replica, &team.marketer.token, RESUMABLE, json!({ "org": team.org_id, "after": cursor })).await;
    let replayed = next_json(&mut socket, Duration::from_secs(2)).await.expect("the stored event");
    assert_eq!(replayed["payload"]["data"]["handoffEvents"]["type"], "LANDED");
    // Then an answer given through the other replica arrives live.
    app.ok(Some(&team.seller.token), RESPOND, json!({ "i": { "handoffId": id, "decision": "ACCEPT" } })).await;
    let live = next_json(&mut socket, Duration::from_secs(3)).await.expect("the live event");
    assert_eq!(live["payload"]["data"]["handoffEvents"]["type"], "RESPONDED");
}

#[tokio::test]
async fn a_change_that_rolls_back_leaves_no_event_and_no_delivery() {
    let app = TestApp::spawn_with(holding_deliveries).await;
    let team = app.team("acme").await;
    let (_receiver, url) = Receiver::start(0).await;
    endpoint_for(&app, &team, &url, &["LANDED"]).await;
    let Drafted { id, .. } = app.drafted_handoff(&team, "never sent").await;
    // The event is written as a change would write it, and the change then fails.
    let tx = app.tenant_transaction(&team.marketer, &team.org_id).await;
    let event = handoff_api::domain::events::HandoffEvent::new(
        handoff_e2e::uuid_of(&team.org_id),
        handoff_e2e::uuid_of(&id),
        handoff_api::domain::events::HandoffEventKind::Landed,
        chrono::Utc::now(),
    );
    handoff_api::store::events::record(&tx, uuid::Uuid::now_v7(), &event, "{}").await.expect("recorded");
    drop(tx);
    let polled = app.ok(Some(&team.admin.token), EVENTS, json!({ "s": "acme" })).await;
    assert_eq!(types(page(&polled)), Vec::<String>::new(), "nothing was published");
    assert_eq!(crate::webhooks::deliveries(&app, &team).await.len(), 0, "nothing was queued");
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_is_told_to_resume_and_resuming_loses_nothing() {
    let app = TestApp::spawn_with(|c| {
        c.event_buffer = 4;
        c.event_poll = Duration::from_millis(50);
    })
    .await;
    let team = app.team("acme").await;
    let Drafted { id, .. } = app.drafted_handoff(&team, "busy").await;
    app.grade_all(&team.marketer, &id, ["WEAK"; 9]).await;
    let mut socket = listening(&app, &team, &team.marketer.token).await;
    // A first event received shows the subscription is listening; its cursor is where to resume.
    app.grade_all(&team.marketer, &id, ["STRONG"; 9]).await;
    let first = next_json(&mut socket, Duration::from_secs(5)).await.expect("the first event");
    let cursor = first["payload"]["data"]["handoffEvents"]["cursor"].as_str().unwrap().to_owned();
    // Ten events committed at once reach the dispatcher in one read: more than the buffer of four.
    let tx = app.tenant_transaction(&team.marketer, &team.org_id).await;
    for _ in 0..10 {
        let event = handoff_api::domain::events::HandoffEvent::new(
            handoff_e2e::uuid_of(&team.org_id),
            handoff_e2e::uuid_of(&id),
            handoff_api::domain::events::HandoffEventKind::Graded,
            chrono::Utc::now(),
        );
        handoff_api::store::events::record(&tx, uuid::Uuid::now_v7(), &event, "{}").await.expect("recorded");
    }
    tx.commit().await.expect("committed");
    let mut told = None;
    for _ in 0..12 {
        let Some(message) = next_json(&mut socket, Duration::from_secs(3)).await else { break };
        if let Some(error) = message["payload"]["errors"].get(0) {
            told = Some(error.clone());
            break;
        }
    }
    let told = told.expect("the subscriber is told it fell behind");
    assert_eq!(told["extensions"]["code"], "CONFLICT", "{told:#}");
    assert!(told["message"].as_str().unwrap().contains("`after`"), "{told:#}");
    // Resuming from before the burst replays all ten, in order.
    let mut resumed =
        subscribe(&app, &team.marketer.token, RESUMABLE, json!({ "org": team.org_id, "after": cursor })).await;
    let mut replayed = 0;
    while let Some(message) = next_json(&mut resumed, Duration::from_secs(3)).await {
        assert_eq!(message["payload"]["data"]["handoffEvents"]["type"], "GRADED", "{message:#}");
        replayed += 1;
    }
    assert_eq!(replayed, 10);
}
