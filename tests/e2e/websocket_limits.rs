//! WebSocket attacks: anonymous floods, one address opening socket after socket, clients that fall
//! silent, and a token that expires under a live subscription.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use handoff_e2e::{PASSWORD, TestApp};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn try_connect(app: &TestApp) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let mut request = format!("ws://{}/graphql", app.addr).into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    tokio_tungstenite::connect_async(request).await.map(|(socket, _)| socket)
}

async fn init(socket: &mut Socket, payload: Value) {
    let init = json!({ "type": "connection_init", "payload": payload });
    socket.send(Message::text(init.to_string())).await.unwrap();
}

/// The close code the server ends with, reading (and so answering pings) until it does.
async fn close_code(socket: &mut Socket, wait: Duration) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await.ok()?? {
            Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
            Ok(_) => continue,
            Err(_) => return None,
        }
    }
}

#[tokio::test]
async fn a_connection_without_a_token_is_refused() {
    let app = TestApp::spawn().await;
    for payload in [json!({}), json!(null), json!({ "other": "thing" })] {
        let mut socket = try_connect(&app).await.unwrap();
        init(&mut socket, payload.clone()).await;
        assert_eq!(close_code(&mut socket, Duration::from_secs(5)).await, Some(4403), "{payload}");
    }
}

/// A frame's header announces its length. A client announcing a megabyte is refused at the header,
/// rather than the server making room for the frame and waiting for its bytes.
#[tokio::test]
async fn a_frame_announced_larger_than_a_message_may_be_is_refused_at_its_header() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn().await;
    let mut socket = try_connect(&app).await.unwrap();
    // A masked text frame of 1 MiB (64-bit length), its mask key, and the first few bytes.
    let mut frame = vec![0x81, 0x80 | 127];
    frame.extend_from_slice(&(1u64 << 20).to_be_bytes());
    frame.extend_from_slice(&[1, 2, 3, 4]);
    frame.extend_from_slice(b"{\"type\"");
    let tokio_tungstenite::MaybeTlsStream::Plain(tcp) = socket.get_mut() else { panic!("a plain TCP socket") };
    tcp.write_all(&frame).await.unwrap();
    match tokio::time::timeout(Duration::from_secs(2), socket.next()).await {
        Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => {}
        other => panic!("the server kept waiting for the frame: {other:?}"),
    }
}

#[tokio::test]
async fn one_address_may_hold_only_so_many_sockets_even_before_authenticating() {
    let app = TestApp::spawn_with(|c| c.ws_connections_per_address = 3).await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(try_connect(&app).await.expect("within the cap"));
    }
    match try_connect(&app).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 429);
            assert_eq!(response.headers()["retry-after"], "5", "the client is told when to come back");
        }
        other => panic!("expected HTTP 429 past the cap, got {:?}", other.map(|_| "a socket")),
    }
    // Closing one frees its place.
    let mut first = open.remove(0);
    first.close(None).await.unwrap();
    while first.next().await.is_some() {}
    let mut reopened = None;
    for _ in 0..50 {
        if let Ok(socket) = try_connect(&app).await {
            reopened = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(reopened.is_some(), "a place freed by a closed socket is offered again");
}

#[tokio::test]
async fn open_websockets_count_toward_the_connection_caps() {
    // Three places: the test client's kept-alive connection (from signing up) and two sockets.
    let app = TestApp::spawn_with(|c| c.timeouts.max_connections_per_address = 3).await;
    let ana = app.sign_up("ana@example.com").await;
    let mut sockets = Vec::new();
    for _ in 0..2 {
        let mut socket = try_connect(&app).await.unwrap();
        init(&mut socket, json!({ "authorization": format!("Bearer {}", ana.token) })).await;
        sockets.push(socket);
    }
    // Both upgraded sockets still hold their places: another connection is turned away.
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    assert!(client.get(app.url("/healthz")).send().await.is_err(), "a third connection was served");
    drop(sockets);
    let mut served = false;
    for _ in 0..50 {
        if client.get(app.url("/healthz")).send().await.is_ok() {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served, "closing the sockets freed their places");
}

#[tokio::test]
async fn shutting_down_closes_websockets_with_going_away() {
    let mut app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let mut socket = try_connect(&app).await.unwrap();
    init(&mut socket, json!({ "authorization": format!("Bearer {}", ana.token) })).await;
    let started = tokio::time::Instant::now();
    let (_, code) = tokio::join!(app.stop_server(), close_code(&mut socket, Duration::from_secs(10)));
    assert_eq!(code, Some(1001));
    assert!(started.elapsed() < Duration::from_secs(10), "the drain did not wait on the socket");
}

#[tokio::test]
async fn a_client_that_falls_silent_is_disconnected() {
    let app = TestApp::spawn_with(|c| c.ws_keepalive = Duration::from_millis(200)).await;
    let ana = app.sign_up("ana@example.com").await;
    let mut socket = try_connect(&app).await.unwrap();
    init(&mut socket, json!({ "authorization": format!("Bearer {}", ana.token) })).await;
    // Not reading means not answering pings: the server hears nothing, and closes after three
    // silent ping intervals (then holds the socket a second for the close frame to be read).
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(close_code(&mut socket, Duration::from_secs(5)).await, Some(1001));
    // A client that reads (and so answers pings) stays connected over the same time.
    let mut live = try_connect(&app).await.unwrap();
    init(&mut live, json!({ "authorization": format!("Bearer {}", ana.token) })).await;
    assert_eq!(close_code(&mut live, Duration::from_millis(1500)).await, None);
}

#[tokio::test]
async fn a_subscription_ends_when_its_access_token_expires() {
    let app = TestApp::spawn_with(|c| c.token_ttl = chrono::Duration::seconds(4)).await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    let login = |email: String| {
        let app = &app;
        async move {
            app.ok(
                None,
                "mutation($i: LoginInput!) { login(input: $i) { token } }",
                json!({ "i": {
                "email": email, "password": PASSWORD } }),
            )
            .await["login"]["token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let seller_token = login(team.seller.email.clone()).await;
    let issued = tokio::time::Instant::now();
    let mut socket = try_connect(&app).await.unwrap();
    init(&mut socket, json!({ "authorization": format!("Bearer {seller_token}") })).await;
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": {
        "query": "subscription($org: ID!) { handoffLanded(organizationId: $org) { title } }",
        "variables": { "org": team.org_id } } });
    socket.send(Message::text(subscribe.to_string())).await.unwrap();
    // While the token is valid, events arrive.
    let mut fresh = team.clone();
    fresh.marketer.token = login(team.marketer.email.clone()).await;
    let first = app.create_handoff(&fresh, &account, &partner, "before expiry").await;
    app.grade_all(&fresh.marketer, &first, ["STRONG"; 9]).await;
    app.send(&fresh.marketer, &first).await;
    let delivered = next_payload(&mut socket, Duration::from_secs(5)).await.expect("the first event");
    assert_eq!(delivered["payload"]["data"]["handoffLanded"]["title"], "before expiry", "{delivered:#}");
    // At expiry, with no further event, the subscription ends with UNAUTHENTICATED, then `complete`.
    let refused = next_payload(&mut socket, Duration::from_secs(10)).await.expect("an error at expiry");
    // Expiry is in whole seconds, so a 4-second token lasts between 3 and 4 seconds.
    assert!(issued.elapsed() >= Duration::from_millis(2500), "ended before the token expired");
    assert_eq!(refused["type"], "next", "{refused:#}");
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{refused:#}");
    // The same reason as over HTTP, so a client knows to refresh rather than log in again.
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["reason"], "EXPIRED", "{refused:#}");
    let complete = next_payload(&mut socket, Duration::from_secs(5)).await.expect("complete");
    assert_eq!(complete["type"], "complete", "{complete:#}");
    // The socket does not outlive its credential either.
    assert_eq!(close_code(&mut socket, Duration::from_secs(5)).await, Some(4403));
}

#[tokio::test]
async fn a_socket_closes_soon_after_its_api_token_is_revoked() {
    let app = TestApp::spawn_with(|c| c.ws_keepalive = Duration::from_millis(100)).await;
    let team = app.team("acme").await;
    let created = app
        .ok(
            Some(&team.admin.token),
            "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }",
            json!({ "i": { "organizationId": team.org_id, "name": "crm sidebar", "role": "ADMIN" } }),
        )
        .await;
    let token = created["createApiToken"]["token"].as_str().unwrap().to_owned();
    let id = created["createApiToken"]["apiToken"]["id"].clone();
    let mut socket = try_connect(&app).await.unwrap();
    init(&mut socket, json!({ "authorization": format!("Bearer {token}") })).await;
    assert_eq!(close_code(&mut socket, Duration::from_millis(700)).await, None, "open while the token is valid");
    app.ok(
        Some(&team.admin.token),
        "mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { apiToken { id } } }",
        json!({ "i": { "id": id } }),
    )
    .await;
    assert_eq!(close_code(&mut socket, Duration::from_secs(5)).await, Some(4403));
}

/// The next graphql-transport-ws message other than ping/pong, within `wait`.
async fn next_payload(socket: &mut Socket, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await.ok()??.ok()? {
            Message::Text(text) => {
                let value: Value = serde_json::from_str(&text).unwrap();
                if value["type"] == "ping" || value["type"] == "pong" || value["type"] == "connection_ack" {
                    continue;
                }
                return Some(value);
            }
            Message::Close(_) => return None,
            _ => continue,
        }
    }
}

/// Sixteen handshakes with one person's token race for the ten places a person may hold: exactly
/// ten stay open, the rest close with 4429, and every place comes back when the sockets close.
#[tokio::test]
async fn racing_handshakes_of_one_person_get_exactly_their_places_and_give_them_back() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let bearer = json!({ "authorization": format!("Bearer {}", ana.token) });
    let handshakes = (0..16).map(|_| {
        let (app, bearer) = (&app, bearer.clone());
        async move {
            let mut socket = try_connect(app).await.unwrap();
            init(&mut socket, bearer).await;
            let code = close_code(&mut socket, Duration::from_millis(1500)).await;
            (socket, code)
        }
    });
    let outcomes = futures_util::future::join_all(handshakes).await;
    let refused = outcomes.iter().filter(|(_, code)| *code == Some(4429)).count();
    let open = outcomes.iter().filter(|(_, code)| code.is_none()).count();
    assert_eq!((open, refused), (10, 6), "{:?}", outcomes.iter().map(|(_, c)| c).collect::<Vec<_>>());
    drop(outcomes);
    // Places free as the server sees each socket go: all ten are let in again within seconds.
    let mut admitted = false;
    for _ in 0..20 {
        let again = (0..10).map(|_| {
            let (app, bearer) = (&app, bearer.clone());
            async move {
                let mut socket = try_connect(app).await.unwrap();
                init(&mut socket, bearer).await;
                close_code(&mut socket, Duration::from_millis(500)).await.is_none()
            }
        });
        if futures_util::future::join_all(again).await.into_iter().all(|open| open) {
            admitted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(admitted, "closed sockets kept their places");
}
