//! `/metrics` on its own address, from the real binary (its own process, so the figures are this
//! server's alone): requests by operation and outcome with their latency, open WebSockets and
//! subscriptions, the database pool, throttled sign-ups; and operation names chosen by a client
//! cannot grow the label set without bound.

#[allow(dead_code)] // the shared helpers this test does not need
mod common;

use std::collections::HashSet;

use common::{Client, scratch, start_with};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The value of the sample whose name and labels are exactly `series`, if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok())
}

async fn scrape(url: &str) -> String {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200);
    let kind = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_what_the_server_does_on_their_own_address() {
    let dir = scratch("metrics");
    let (mut server, url, banner) =
        start_with(&dir, "only", &[("METRICS_ADDR", "127.0.0.1:0"), ("SIGN_UPS_PER_ADDRESS", "2")]);
    let metrics = banner
        .lines()
        .find_map(|line| line.trim().strip_prefix("Metrics:"))
        .expect("the banner names the metrics address")
        .trim()
        .to_owned();
    let api = Client::new(&url);
    let (token, _) = api.sign_up("admin@metrics.example").await;
    let (org, _, _, _) = api.organization(&token, "metrics").await;
    for _ in 0..3 {
        api.ok(Some(&token), "query MetricsProbe { me { id } }", json!({})).await;
    }
    let wrong = api.post(Some(&token), "query MetricsWrong { me { nope } }", json!({})).await.unwrap();
    assert!(wrong["errors"].is_array());
    // A known operation refused before it runs (a bad token) is still counted under its name.
    let refused = api.post(Some("not-a-token"), "query MetricsProbe { me { id } }", json!({})).await.unwrap();
    assert!(refused["errors"].is_array(), "{refused}");
    // Not a GraphQL request at all.
    let junk = api.http.post(format!("{url}/graphql")).header("content-type", "application/json").body("[1]");
    assert_eq!(junk.send().await.unwrap().status(), 400);
    // The third sign-up from this address is throttled (the organization's seller was the second).
    let third = api
        .post(
            None,
            "mutation($i: SignUpInput!) { signUp(input: $i) { token } }",
            json!({ "i": { "email": "third@metrics.example", "password": common::PASSWORD, "name": "Third" } }),
        )
        .await
        .unwrap();
    assert!(third["errors"].is_array(), "{third}");

    // One subscriber on one WebSocket.
    let mut request = format!("{}/graphql", url.replace("http://", "ws://")).into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    let ack = socket.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack}");
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription($o: ID!) { handoffEvents(organizationId: $o) { id } }", "variables": { "o": org } } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();

    let mut text = String::new();
    for _ in 0..50 {
        text = scrape(&metrics).await;
        if sample(&text, "handoff_open_subscriptions") == Some(1.0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let probe = r#"operation="MetricsProbe""#;
    assert_eq!(
        sample(&text, &format!(r#"handoff_graphql_requests_total{{{probe},outcome="ok"}}"#)),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, &format!(r#"handoff_graphql_requests_total{{{probe},outcome="refused"}}"#)),
        Some(1.0),
        "{text}"
    );
    assert_eq!(sample(&text, r#"handoff_graphql_requests_total{operation="unparsed",outcome="refused"}"#), Some(1.0));
    assert_eq!(sample(&text, &format!("handoff_graphql_request_duration_seconds_count{{{probe}}}")), Some(4.0));
    assert!(text.contains(&format!(r#"handoff_graphql_request_duration_seconds_bucket{{{probe},le="0.5"}}"#)));
    // A name first seen in a request that failed gets no label of its own.
    assert_eq!(
        sample(&text, r#"handoff_graphql_requests_total{operation="other",outcome="errors"}"#),
        Some(1.0),
        "{text}"
    );
    assert!(!text.contains("MetricsWrong"), "{text}");
    assert_eq!(sample(&text, "handoff_open_websockets"), Some(1.0), "{text}");
    assert_eq!(sample(&text, "handoff_open_subscriptions"), Some(1.0), "{text}");
    assert!(sample(&text, "handoff_open_connections").is_some_and(|n| n >= 1.0), "{text}");
    assert_eq!(sample(&text, "handoff_db_connections_max"), Some(1.0), "SQLite has one connection");
    assert!(sample(&text, r#"handoff_db_connections{state="idle"}"#).is_some());
    assert_eq!(sample(&text, r#"handoff_throttled_total{rule="sign-ups"}"#), Some(1.0), "{text}");
    // Closing the socket closes its subscription and lowers both gauges again.
    socket.close(None).await.unwrap();
    drop(socket);
    for _ in 0..50 {
        text = scrape(&metrics).await;
        if sample(&text, "handoff_open_websockets") == Some(0.0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(sample(&text, "handoff_open_websockets"), Some(0.0), "{text}");
    assert_eq!(sample(&text, "handoff_open_subscriptions"), Some(0.0), "{text}");

    // A member's flood of made-up operation names: past the first 200 they all count as `other`.
    for n in 0..400 {
        api.post(Some(&token), &format!("query Flood{n} {{ me {{ id }} }}"), json!({})).await.unwrap();
    }
    let text = scrape(&metrics).await;
    let operations: HashSet<&str> = text
        .lines()
        .filter(|line| line.starts_with("handoff_graphql_requests_total{"))
        .filter_map(|line| line.split(r#"operation=""#).nth(1)?.split('"').next())
        .collect();
    // 200 admitted names (MetricsProbe among them), then `other`, `anonymous` and `unparsed`.
    assert!(operations.len() <= 203, "{} operation labels", operations.len());
    assert!(operations.contains("other"));
    // The API's own port does not serve them.
    let on_api = reqwest::get(format!("{url}/metrics")).await.unwrap();
    assert_eq!(on_api.status(), 404);
    server.kill().unwrap();
    server.wait().unwrap();
}
