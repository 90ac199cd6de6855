//! Signed webhooks with retries, recorded deliveries, redelivery, and restarts.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use handoff_e2e::{Team, TestApp, documents, error_code};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// A receiver on loopback that records every request and fails the first `fail_first` of them.
#[derive(Clone, Default)]
pub(crate) struct Receiver {
    pub(crate) seen: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    fail_first: Arc<Mutex<usize>>,
}

impl Receiver {
    pub(crate) async fn start(fail_first: usize) -> (Self, String) {
        let receiver = Receiver { fail_first: Arc::new(Mutex::new(fail_first)), ..Default::default() };
        let state = receiver.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let state = state.clone();
                async move {
                    state.seen.lock().unwrap().push((headers, body));
                    let mut fail = state.fail_first.lock().unwrap();
                    if *fail > 0 {
                        *fail -= 1;
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::NO_CONTENT
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, url)
    }

    pub(crate) fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    pub(crate) async fn wait_for(&self, n: usize) {
        for _ in 0..100 {
            if self.count() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {n} webhook requests, got {}", self.count());
    }
}

/// Lets webhooks reach receivers on loopback, which production refuses.
pub(crate) fn loopback_receivers(c: &mut handoff_api::config::Config) {
    c.webhooks.destinations.allowed_networks = vec!["127.0.0.1/32".parse().unwrap()];
}

/// Loopback receivers, and a worker that never gets round to delivering (deliveries stay PENDING).
pub(crate) fn holding_deliveries(c: &mut handoff_api::config::Config) {
    loopback_receivers(c);
    c.webhook_poll = Duration::from_secs(3600);
}

pub(crate) fn fast(c: &mut handoff_api::config::Config) {
    loopback_receivers(c);
    c.webhook_poll = Duration::from_millis(50);
    c.webhooks.retry_base = Duration::from_millis(100);
    c.webhooks.max_attempts = 3;
}

pub(crate) async fn endpoint(app: &TestApp, team: &Team, url: &str) -> String {
    endpoint_with_secret(app, team, url).await.0
}

/// A new endpoint's id and its signing secret.
pub(crate) async fn endpoint_with_secret(app: &TestApp, team: &Team, url: &str) -> (String, String) {
    endpoint_for(app, team, url, &["LANDED"]).await
}

/// A new endpoint for `types`: its id and its signing secret.
pub(crate) async fn endpoint_for(app: &TestApp, team: &Team, url: &str, types: &[&str]) -> (String, String) {
    let data = app
        .ok(
            Some(&team.admin.token),
            "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { webhookEndpoint { id } secret } }",
            json!({ "i": { "organizationId": team.org_id, "url": url, "eventTypes": types } }),
        )
        .await;
    let payload = &data["createWebhookEndpoint"];
    (payload["webhookEndpoint"]["id"].as_str().unwrap().to_owned(), payload["secret"].as_str().unwrap().to_owned())
}

pub(crate) async fn land_one(app: &TestApp, team: &Team) -> String {
    app.landed_handoff(team, "hooked").await.id
}

const DELIVERIES: &str = "query($s: String!) { organization(slug: $s) { webhookEndpoints { deliveries { edges { node { id status attempts lastStatusCode lastError eventId } } } } } }";

pub(crate) async fn deliveries(app: &TestApp, team: &Team) -> Vec<Value> {
    let data = app.ok(Some(&team.admin.token), DELIVERIES, json!({ "s": team.slug })).await;
    data["organization"]["webhookEndpoints"][0]["deliveries"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

async fn wait_for_status(app: &TestApp, team: &Team, status: &str) -> Value {
    for _ in 0..100 {
        let found = deliveries(app, team).await;
        if found.first().is_some_and(|d| d["status"] == status) {
            return found[0].clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no delivery reached {status}: {:#?}", deliveries(app, team).await);
}

fn verify(headers: &HeaderMap, body: &str, secret: &str) {
    let timestamp = headers["handoff-timestamp"].to_str().unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(headers["handoff-signature"].to_str().unwrap(), format!("v1={expected}"));
}

#[tokio::test]
async fn a_landed_handoff_is_posted_signed() {
    let app = TestApp::spawn_with(fast).await;
    let team = app.team("acme").await;
    let (receiver, url) = Receiver::start(0).await;
    let (_, secret) = endpoint_with_secret(&app, &team, &url).await;
    let handoff = land_one(&app, &team).await;
    receiver.wait_for(1).await;
    let (headers, body) = receiver.seen.lock().unwrap()[0].clone();
    verify(&headers, &body, &secret);
    let event: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(event["type"], "LANDED");
    assert_eq!(event["handoffId"], handoff.as_str());
    assert_eq!(event["organizationId"], team.org_id.as_str());
    assert_eq!(headers["handoff-event-id"].to_str().unwrap(), event["id"].as_str().unwrap());
    let delivered = wait_for_status(&app, &team, "DELIVERED").await;
    assert_eq!((delivered["attempts"].as_i64(), delivered["lastStatusCode"].as_i64()), (Some(1), Some(204)));
    // Only LANDED was asked for: grading (before sending) queued nothing else.
    assert_eq!(deliveries(&app, &team).await.len(), 1);
}

#[tokio::test]
async fn a_responded_event_carries_the_sellers_answer() {
    let app = TestApp::spawn_with(fast).await;
    let team = app.team("acme").await;
    let (receiver, url) = Receiver::start(0).await;
    endpoint_for(&app, &team, &url, &["RESPONDED"]).await;
    let handoff = land_one(&app, &team).await;
    app.ok(
        Some(&team.seller.token),
        documents::RESPOND_TO_HANDOFF,
        json!({ "i": { "handoffId": handoff, "decision": "DECLINE", "reason": "Proof is a press release",
                       "failedComponents": ["PROOF"] } }),
    )
    .await;
    receiver.wait_for(1).await;
    let (_, body) = receiver.seen.lock().unwrap()[0].clone();
    let event: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(event["type"], "RESPONDED");
    assert_eq!(
        event["response"],
        json!({ "decision": "DECLINE", "reason": "Proof is a press release", "failedComponents": ["PROOF"] })
    );
}

#[tokio::test]
async fn a_failing_receiver_gets_retries_until_it_answers() {
    let app = TestApp::spawn_with(fast).await;
    let team = app.team("acme").await;
    let (receiver, url) = Receiver::start(2).await;
    endpoint(&app, &team, &url).await;
    land_one(&app, &team).await;
    receiver.wait_for(3).await;
    let delivered = wait_for_status(&app, &team, "DELIVERED").await;
    assert_eq!(delivered["attempts"], 3);
    let seen = receiver.seen.lock().unwrap().clone();
    let ids: Vec<&str> = seen.iter().map(|(h, _)| h["handoff-event-id"].to_str().unwrap()).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "retries keep the event id: {ids:?}");
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_is_recorded_and_can_be_redelivered() {
    let app = TestApp::spawn_with(fast).await;
    let team = app.team("acme").await;
    let (receiver, url) = Receiver::start(3).await;
    endpoint(&app, &team, &url).await;
    land_one(&app, &team).await;
    let failed = wait_for_status(&app, &team, "FAILED").await;
    assert_eq!((failed["attempts"].as_i64(), failed["lastStatusCode"].as_i64()), (Some(3), Some(500)));
    assert!(failed["lastError"].as_str().unwrap().contains("500"));
    // The receiver is fixed now; an ADMIN redelivers.
    app.ok(
        Some(&team.admin.token),
        "mutation($i: RedeliverWebhookInput!) { redeliverWebhook(input: $i) { webhookDelivery { status } } }",
        json!({ "i": { "id": failed["id"] } }),
    )
    .await;
    let delivered = wait_for_status(&app, &team, "DELIVERED").await;
    assert_eq!(delivered["eventId"], failed["eventId"]);
    assert_eq!(receiver.count(), 4);
}

#[tokio::test]
async fn deliveries_survive_a_restart_that_rotates_the_sealing_key() {
    // The first process never gets round to delivering; a restarted one does.
    let mut first = TestApp::spawn_with(holding_deliveries).await;
    let team = first.team("acme").await;
    let (receiver, url) = Receiver::start(0).await;
    let (_, secret) = endpoint_with_secret(&first, &team, &url).await;
    let stored = first.column_text("SELECT secret_key_id || ' ' || secret FROM webhook_endpoints").await;
    assert!(stored[0].starts_with("test ") && !stored[0].contains(&secret), "sealed at rest: {stored:?}");
    land_one(&first, &team).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.count(), 0);
    first.stop_server().await;
    // The restarted process seals with a new key first and still opens what the old one sealed.
    let restarted = first
        .spawn_replica_with(|c| {
            fast(c);
            let keys = [
                ("next".to_owned(), "another key of enough random length 0123456789".to_owned()),
                ("test".to_owned(), handoff_e2e::TEST_SECRET.to_owned()),
            ];
            c.webhooks.secret_box = handoff_api::webhooks::SecretBox::new(&keys).unwrap();
        })
        .await;
    receiver.wait_for(1).await;
    let (headers, body) = receiver.seen.lock().unwrap()[0].clone();
    verify(&headers, &body, &secret);
    wait_for_status(&restarted, &team, "DELIVERED").await;
    let resealed = restarted.column_text("SELECT secret_key_id FROM webhook_endpoints").await;
    assert_eq!(resealed, ["next"], "re-sealed under the new key at start");
}

#[tokio::test]
async fn webhooks_are_for_admins_of_their_own_organization() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let create = "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }";
    let input =
        json!({ "i": { "organizationId": team.org_id, "url": "https://203.0.113.10/hook", "eventTypes": ["LANDED"] } });
    let body = app.gql(Some(&team.marketer.token), create, input.clone()).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let generated = app.ok(Some(&team.admin.token), create, input).await;
    assert!(generated["createWebhookEndpoint"]["secret"].as_str().unwrap().starts_with("whsec_"));
    let bad = app
        .gql(
            Some(&team.admin.token),
            create,
            json!({ "i": { "organizationId": team.org_id, "url": "ftp://x", "eventTypes": ["LANDED"] } }),
        )
        .await;
    assert_eq!(handoff_e2e::error_field(&bad), Some("url"));
    let other = app.team("umbrella").await;
    let list = app
        .ok(Some(&team.admin.token), "{ organization(slug: \"acme\") { webhookEndpoints { id } } }", json!({}))
        .await;
    let id = list["organization"]["webhookEndpoints"][0]["id"].clone();
    let crossed = app.gql(Some(&other.admin.token), "mutation($i: DisableWebhookEndpointInput!) { disableWebhookEndpoint(input: $i) { webhookEndpoint { id } } }", json!({ "i": { "id": id } })).await;
    assert_eq!(error_code(&crossed), Some("NOT_FOUND"));
}
