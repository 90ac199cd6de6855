//! The real binary, killed with SIGKILL right after it acknowledged a send: after a restart on the
//! same database the event is there for pollers and resuming subscribers, and its webhook is
//! delivered (the kill gave the first process no chance to deliver, or to finish anything).

#[allow(dead_code)] // the shared helpers this test does not need
mod common;

use common::{Client, receiver, scratch, start};
use serde_json::{Value, json};

#[tokio::test]
async fn a_send_acknowledged_just_before_a_kill_reaches_its_webhook_after_a_restart() {
    let dir = scratch("killed");
    // The first delivery is refused, so the first process cannot have delivered before the kill.
    let (hook, seen) = receiver(1);
    let (mut first, url) = start(&dir, "first");
    let api = Client::new(&url);

    let (admin, admin_id) = api.sign_up("admin@killed.example").await;
    let (org, _, partner, account) = api.organization(&admin, "killed").await;
    api.ok(
        Some(&admin),
        "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { webhookEndpoint { id } } }",
        json!({ "i": { "organizationId": org, "url": hook, "eventTypes": ["LANDED"] } }),
    )
    .await;
    let packet = json!({ "i": { "organizationId": org, "accountId": account, "partnerId": partner, "title": "Killed",
        "ownerId": admin_id, "nextAction": "Book the call", "responseWindowDays": 3, "acceptanceDefinition": "Booked" } });
    let handoff = api
        .ok(Some(&admin), "mutation($i: CreateHandoffInput!) { createHandoff(input: $i) { handoff { id } } }", packet)
        .await["createHandoff"]["handoff"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let grades: Vec<Value> = handoff_api::domain::scorecard::Component::ALL
        .iter()
        .map(|c| json!({ "component": c.code(), "grade": "STRONG" }))
        .collect();
    api.ok(
        Some(&admin),
        "mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { score } } }",
        json!({ "i": { "handoffId": handoff, "grades": grades } }),
    )
    .await;

    // Acknowledged, then killed at once: no drain, no shutdown, nothing after the answer.
    api.ok(
        Some(&admin),
        "mutation($i: SendHandoffInput!) { sendHandoff(input: $i) { handoff { status } } }",
        json!({ "i": { "handoffId": handoff } }),
    )
    .await;
    first.kill().unwrap();
    first.wait().unwrap();

    let (mut second, url) = start(&dir, "second");
    let api = Client::new(&url);
    let admin = api.login("admin@killed.example").await;
    let events = api
        .ok(Some(&admin), "{ organization(slug: \"killed\") { events(types: [LANDED]) { edges { cursor node { id handoff { status } } } } } }", json!({}))
        .await;
    let landed = &events["organization"]["events"]["edges"][0]["node"];
    assert_eq!(landed["handoff"]["status"], "SENT", "the event survived the kill: {events:#}");
    let event_id = landed["id"].as_str().unwrap().to_owned();
    let mut delivered = false;
    for _ in 0..300 {
        if seen.lock().unwrap().len() >= 2 {
            delivered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    second.kill().unwrap();
    second.wait().unwrap();
    assert!(delivered, "the webhook was retried after the restart: {:?}", seen.lock().unwrap());
    let bodies = seen.lock().unwrap().clone();
    for body in &bodies {
        assert_eq!(
            serde_json::from_str::<Value>(body).unwrap()["id"],
            event_id.as_str(),
            "one event, one id: {bodies:?}"
        );
    }
}
