//! Webhooks aimed at the server's own network, receivers that redirect or hang, and one tenant's
//! stalled deliveries beside another tenant's.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use handoff_e2e::{TestApp, error_code, expect_error_for};
use serde_json::json;

use super::webhooks::{Receiver, deliveries, endpoint, fast, holding_deliveries, land_one};

const CREATE: &str =
    "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { webhookEndpoint { id } } }";

#[tokio::test]
async fn destinations_inside_the_network_are_refused_at_registration() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://2130706433/hook",
        "http://0x7f000001/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/hook",
        "http://172.16.0.9/hook",
        "http://192.168.1.1/hook",
        "http://100.64.0.1/hook",
        "http://0.0.0.0:5432/",
        "http://224.0.0.1/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fd00::1]/hook",
        "http://[fe80::1]/hook",
        "https://user:secret@203.0.113.10/hook",
        "gopher://203.0.113.10/",
        "https://no-such-host.invalid/hook",
    ] {
        let body = app
            .gql(
                Some(&team.admin.token),
                CREATE,
                json!({ "i": { "organizationId": team.org_id, "url": url,
                "eventTypes": ["LANDED"] } }),
            )
            .await;
        expect_error_for(&url, &body, "BAD_USER_INPUT", Some("url"));
    }
    let list = app
        .ok(Some(&team.admin.token), "{ organization(slug: \"acme\") { webhookEndpoints { id } } }", json!({}))
        .await;
    assert_eq!(list["organization"]["webhookEndpoints"].as_array().unwrap().len(), 0);
    // A public address is fine.
    let body = app
        .gql(
            Some(&team.admin.token),
            CREATE,
            json!({ "i": { "organizationId": team.org_id,
            "url": "https://203.0.113.10/hook", "eventTypes": ["LANDED"] } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
}

#[tokio::test]
async fn the_destination_is_checked_again_before_every_delivery() {
    // Registered while loopback was allowed; delivered by a replica where it is not (as if the
    // name had been re-pointed at an internal address after the check).
    let mut first = TestApp::spawn_with(holding_deliveries).await;
    let team = first.team("acme").await;
    let (receiver, url) = Receiver::start(0).await;
    endpoint(&first, &team, &url).await;
    land_one(&first, &team).await;
    first.stop_server().await;
    let strict = first
        .spawn_replica_with(|c| {
            fast(c);
            c.webhooks.destinations.allowed_networks.clear();
        })
        .await;
    let mut last_error = String::new();
    for _ in 0..100 {
        let found = deliveries(&strict, &team).await;
        if let Some(error) = found[0]["lastError"].as_str() {
            last_error = error.to_owned();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(last_error.contains("does not lead to a public address"), "{last_error}");
    assert_eq!(receiver.count(), 0, "nothing reached the loopback receiver");
}

/// A receiver that answers every request with `answer`, counting requests.
async fn start_answering(
    answer: impl Fn() -> axum::response::Response + Clone + Send + Sync + 'static,
) -> (Arc<AtomicUsize>, String) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let app = axum::Router::new().fallback(move || {
        seen.fetch_add(1, Ordering::SeqCst);
        let answer = answer.clone();
        async move { answer() }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (count, url)
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let app = TestApp::spawn_with(fast).await;
    let team = app.team("acme").await;
    let (target_count, target_url) = start_answering(|| StatusCode::NO_CONTENT.into_response()).await;
    let (redirect_count, redirect_url) =
        start_answering(move || (StatusCode::TEMPORARY_REDIRECT, [("location", target_url.clone())]).into_response())
            .await;
    endpoint(&app, &team, &redirect_url).await;
    land_one(&app, &team).await;
    for _ in 0..100 {
        if deliveries(&app, &team).await[0]["lastStatusCode"] == 307 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let delivery = deliveries(&app, &team).await[0].clone();
    assert_eq!(delivery["lastStatusCode"], 307, "{delivery:#}");
    assert_eq!(delivery["status"], "PENDING", "a redirect is a failed attempt: {delivery:#}");
    assert!(redirect_count.load(Ordering::SeqCst) >= 1);
    assert_eq!(target_count.load(Ordering::SeqCst), 0, "the redirect was followed");
}

/// A fast-polling server with a 30 s attempt timeout, a tenant `slow`, and the URL of a receiver
/// that accepts connections and never answers.
async fn beside_a_hanging_receiver() -> (TestApp, handoff_e2e::Team, String) {
    beside_a_hanging_receiver_with(|c| c.webhooks.timeout = Duration::from_secs(30)).await
}

/// `beside_a_hanging_receiver` with the configuration adjusted by `adjust`.
async fn beside_a_hanging_receiver_with(
    adjust: impl FnOnce(&mut handoff_api::config::Config),
) -> (TestApp, handoff_e2e::Team, String) {
    let app = TestApp::spawn_with(|c| {
        fast(c);
        adjust(c);
    })
    .await;
    let slow = app.team("slow").await;
    let hang = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hang_url = format!("http://{}/hook", hang.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = hang.accept().await {
            held.push(socket);
        }
    });
    (app, slow, hang_url)
}

/// A new tenant `slug` lands a handoff; its receiver gets the delivery within five seconds.
async fn another_tenant_is_served(app: &TestApp, slug: &str) {
    let team = app.team(slug).await;
    let (receiver, url) = Receiver::start(0).await;
    endpoint(app, &team, &url).await;
    land_one(app, &team).await;
    receiver.wait_for(1).await;
}

#[tokio::test]
async fn a_hanging_receiver_in_one_tenant_does_not_hold_up_another() {
    let (app, slow, hang_url) = beside_a_hanging_receiver().await;
    endpoint(&app, &slow, &hang_url).await;
    for _ in 0..3 {
        land_one(&app, &slow).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Within five seconds, while the slow tenant's attempt still hangs (30 s timeout).
    another_tenant_is_served(&app, "other").await;
}

#[tokio::test]
async fn a_tenant_with_many_hanging_endpoints_holds_only_its_own_share() {
    let (app, slow, hang_url) = beside_a_hanging_receiver().await;
    for _ in 0..20 {
        endpoint(&app, &slow, &hang_url).await;
    }
    // The number of endpoints is bounded too.
    let body = app
        .gql(
            Some(&slow.admin.token),
            CREATE,
            json!({ "i": { "organizationId": slow.org_id, "url": hang_url,
            "eventTypes": ["LANDED"] } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body:#}");
    land_one(&app, &slow).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Twenty deliveries hang; another tenant's arrives within five seconds all the same.
    another_tenant_is_served(&app, "other").await;
}

#[tokio::test]
async fn organizations_take_turns_so_a_backlog_of_hanging_deliveries_cannot_starve_another() {
    // Four slots, two tenants that can fill them with receivers that never answer, and backlogs
    // that, oldest first, would win every slot that frees.
    let (app, first, hang_url) = beside_a_hanging_receiver_with(|c| {
        c.webhooks.timeout = Duration::from_secs(2);
        c.webhooks.concurrency = 4;
    })
    .await;
    let second = app.team("second").await;
    for team in [&first, &second] {
        endpoint(&app, team, &hang_url).await;
        endpoint(&app, team, &hang_url).await;
        for _ in 0..3 {
            land_one(&app, team).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Within five seconds: at most one attempt timeout (2 s) before a slot frees and it is the
    // victim's turn.
    another_tenant_is_served(&app, "victim").await;
}

#[tokio::test]
async fn deliveries_of_disabled_endpoints_are_cancelled_and_stall_nobody() {
    let mut first = TestApp::spawn_with(holding_deliveries).await;
    let stalled = first.team("stalled").await;
    let (never, never_url) = Receiver::start(0).await;
    endpoint(&first, &stalled, &never_url).await;
    let partner = first.create_partner(&stalled.marketer, &stalled.org_id, "Snowflake").await;
    let account = first.create_account(&stalled.marketer, &stalled.org_id, "Globex", &stalled.seller).await;
    for i in 0..21 {
        let id = first.create_handoff(&stalled, &account, &partner, &format!("h{i}")).await;
        first.grade_all(&stalled.marketer, &id, ["STRONG"; 9]).await;
        first.send(&stalled.marketer, &id).await;
    }
    // Disabled behind the API's back, as an earlier version left it: 21 pending deliveries.
    first.execute_sql("UPDATE webhook_endpoints SET disabled_at = created_at").await;
    first.stop_server().await;
    let app = first.spawn_replica_with(fast).await;
    another_tenant_is_served(&app, "other").await;
    let statuses: Vec<_> = deliveries(&app, &stalled).await.into_iter().map(|d| d["status"].clone()).collect();
    assert_eq!(statuses.len(), 21);
    assert!(statuses.iter().all(|s| s == "CANCELLED"), "{statuses:?}");
    assert_eq!(never.count(), 0);
}

#[tokio::test]
async fn disabling_an_endpoint_cancels_its_pending_deliveries_at_once() {
    let app = TestApp::spawn_with(holding_deliveries).await;
    let team = app.team("acme").await;
    let (_, url) = Receiver::start(0).await;
    let id = endpoint(&app, &team, &url).await;
    land_one(&app, &team).await;
    assert_eq!(deliveries(&app, &team).await[0]["status"], "PENDING");
    let disable = "mutation($i: DisableWebhookEndpointInput!) { disableWebhookEndpoint(input: $i) { webhookEndpoint { disabledAt } } }";
    app.ok(Some(&team.admin.token), disable, json!({ "i": { "id": id } })).await;
    let delivery = deliveries(&app, &team).await[0].clone();
    assert_eq!(delivery["status"], "CANCELLED", "{delivery:#}");
    assert_eq!(delivery["lastError"], "the endpoint was disabled");
}
