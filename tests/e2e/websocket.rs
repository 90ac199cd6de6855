//! The WebSocket endpoint speaks graphql-transport-ws and authenticates in `connection_init`.

use futures_util::{SinkExt, StreamExt};
use handoff_e2e::TestApp;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

async fn connect(
    app: &TestApp,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut request = format!("ws://{}/graphql", app.addr).into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (socket, response) = tokio_tungstenite::connect_async(request).await.expect("the upgrade succeeds");
    assert_eq!(response.headers()["sec-websocket-protocol"], "graphql-transport-ws");
    socket
}

async fn next_message(
    socket: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
) -> Option<Message> {
    tokio::time::timeout(std::time::Duration::from_secs(5), socket.next()).await.expect("an answer in time")?.ok()
}

#[tokio::test]
async fn a_valid_token_in_connection_init_is_acknowledged_in_each_common_shape() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let bearer = format!("Bearer {}", ana.token);
    // As the spec writes it, capitalised as an HTTP header, and nested as Apollo clients send it.
    for payload in [
        json!({ "authorization": bearer }),
        json!({ "Authorization": bearer }),
        json!({ "headers": { "Authorization": bearer } }),
    ] {
        let mut socket = connect(&app).await;
        let init = json!({ "type": "connection_init", "payload": payload });
        socket.send(Message::text(init.to_string())).await.unwrap();
        let Some(Message::Text(text)) = next_message(&mut socket).await else { panic!("expected connection_ack") };
        let ack: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(ack["type"], "connection_ack", "{payload}");
        // Queries run over the socket with the connection's identity.
        let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ me { email } }" } });
        socket.send(Message::text(subscribe.to_string())).await.unwrap();
        let Some(Message::Text(text)) = next_message(&mut socket).await else { panic!("expected next") };
        let next: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(next["payload"]["data"]["me"]["email"], "ana@example.com", "{payload}");
    }
}

#[tokio::test]
async fn a_connection_init_without_a_credential_is_told_the_shapes_it_may_use() {
    let app = TestApp::spawn().await;
    for payload in [json!({ "token": "x" }), json!({ "authorization": 42 })] {
        let mut socket = connect(&app).await;
        socket.send(Message::text(json!({ "type": "connection_init", "payload": payload }).to_string())).await.unwrap();
        match next_message(&mut socket).await {
            Some(Message::Close(Some(frame))) => {
                assert_eq!(u16::from(frame.code), 4403, "{payload}");
                assert!(frame.reason.contains("Bearer"), "the reason names the expected shape: {}", frame.reason);
            }
            other => panic!("expected a 4403 close, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_bad_token_in_connection_init_closes_the_connection() {
    let app = TestApp::spawn().await;
    let mut socket = connect(&app).await;
    let init = json!({ "type": "connection_init", "payload": { "authorization": "Bearer forged.token.value" } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    match next_message(&mut socket).await {
        Some(Message::Close(Some(frame))) => assert_eq!(u16::from(frame.code), 4403),
        other => panic!("expected a 4403 close, got {other:?}"),
    }
}

#[tokio::test]
async fn a_first_message_other_than_connection_init_closes_the_connection() {
    let app = TestApp::spawn().await;
    let mut socket = connect(&app).await;
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ me { id } }" } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();
    match next_message(&mut socket).await {
        Some(Message::Close(Some(frame))) => assert_eq!(u16::from(frame.code), 4400),
        other => panic!("expected a 4400 close, got {other:?}"),
    }
}

#[tokio::test]
async fn a_token_revoked_while_connected_is_refused_on_the_next_operation() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let org = app.create_org(&ana, "acme").await;
    let created = app
        .ok(
            Some(&ana.token),
            "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }",
            json!({ "i": { "organizationId": org, "name": "bot", "role": "ADMIN" } }),
        )
        .await;
    let secret = created["createApiToken"]["token"].as_str().unwrap();
    let mut socket = connect(&app).await;
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {secret}") } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    assert!(matches!(next_message(&mut socket).await, Some(Message::Text(_))), "expected connection_ack");
    let ask =
        |id: &str| json!({ "id": id, "type": "subscribe", "payload": { "query": "{ me { email } }" } }).to_string();
    socket.send(Message::text(ask("1"))).await.unwrap();
    let Some(Message::Text(first)) = next_message(&mut socket).await else { panic!("expected next") };
    assert_eq!(serde_json::from_str::<Value>(&first).unwrap()["payload"]["data"]["me"]["email"], "ana@example.com");
    let _complete = next_message(&mut socket).await;

    app.ok(
        Some(&ana.token),
        "mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { apiToken { id } } }",
        json!({ "i": { "id": created["createApiToken"]["apiToken"]["id"] } }),
    )
    .await;
    socket.send(Message::text(ask("2"))).await.unwrap();
    let Some(Message::Text(second)) = next_message(&mut socket).await else { panic!("expected an answer") };
    let second: Value = serde_json::from_str(&second).unwrap();
    assert_eq!(second["id"], "2");
    let errors = if second["payload"].is_array() { &second["payload"] } else { &second["payload"]["errors"] };
    assert_eq!(errors[0]["extensions"]["code"], "UNAUTHENTICATED", "{second:#}");
}

#[tokio::test]
async fn a_connection_without_connection_init_is_closed_after_ten_seconds() {
    let app = TestApp::spawn().await;
    let mut socket = connect(&app).await;
    let started = std::time::Instant::now();
    let message =
        tokio::time::timeout(std::time::Duration::from_secs(15), socket.next()).await.expect("closed in time");
    match message {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 4408),
        other => panic!("expected a 4408 close, got {other:?}"),
    }
    assert!(started.elapsed() >= std::time::Duration::from_secs(9), "not before the ten seconds are up");
}

#[tokio::test]
async fn subscriptions_obey_the_depth_limit() {
    let app = TestApp::spawn_with(|c| c.limits.max_depth = 3).await;
    let ana = app.sign_up("ana@example.com").await;
    let org = app.create_org(&ana, "acme").await;
    let mut socket = connect(&app).await;
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {}", ana.token) } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    next_message(&mut socket).await;
    let deep = "subscription($o: ID!) { handoffLanded(organizationId: $o) { account { seller { name } } } }";
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": deep, "variables": { "o": org } } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();
    let Some(Message::Text(text)) = next_message(&mut socket).await else { panic!("expected an error") };
    assert!(text.contains("GRAPHQL_VALIDATION_FAILED"), "{text}");
}
