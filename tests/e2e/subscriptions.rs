//! Handoff events over graphql-transport-ws, as a seller's tool would subscribe to them.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use handoff_e2e::ws::{next_json, subscribe};
use handoff_e2e::{Team, TestApp, documents};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const LANDED: &str =
    "subscription($org: ID!) { handoffLanded(organizationId: $org) { title status seller { email } } }";

async fn ready_handoff(app: &TestApp, team: &Team, account: &str, partner: &str, title: &str) -> String {
    let id = app.create_handoff(team, account, partner, title).await;
    app.grade_all(&team.marketer, &id, ["STRONG"; 9]).await;
    id
}

#[tokio::test]
async fn a_seller_receives_the_handoff_sent_to_them_and_not_a_colleagues() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let mine = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    let theirs = app.create_account(&team.marketer, &team.org_id, "Initech", &team.seller2).await;
    let mut seller = subscribe(&app, &team.seller.token, LANDED, json!({ "org": team.org_id })).await;
    let mut leader = subscribe(&app, &team.leader.token, LANDED, json!({ "org": team.org_id })).await;

    let to_colleague = ready_handoff(&app, &team, &theirs, &partner, "for seller2").await;
    app.send(&team.marketer, &to_colleague).await;
    let to_me = ready_handoff(&app, &team, &mine, &partner, "for seller").await;
    app.send(&team.marketer, &to_me).await;

    let event =
        next_json(&mut seller, Duration::from_secs(1)).await.expect("the seller's handoff arrives within a second");
    assert_eq!(event["type"], "next");
    assert_eq!(
        event["payload"]["data"]["handoffLanded"],
        json!({ "title": "for seller", "status": "SENT", "seller": { "email": team.seller.email } })
    );
    assert!(next_json(&mut seller, Duration::from_millis(300)).await.is_none(), "nothing else reaches the seller");
    // The sales leader sees both, in order.
    let first = next_json(&mut leader, Duration::from_secs(1)).await.unwrap();
    let second = next_json(&mut leader, Duration::from_secs(1)).await.unwrap();
    assert_eq!(first["payload"]["data"]["handoffLanded"]["title"], "for seller2");
    assert_eq!(second["payload"]["data"]["handoffLanded"]["title"], "for seller");
}

#[tokio::test]
async fn handoff_events_carry_responses_and_grades() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    let query = "subscription($org: ID!) { handoffEvents(organizationId: $org, types: [RESPONDED, GRADED]) {
        type at response { decision reason failedComponents seller { email } } handoff { title status organization { slug } } } }";
    let mut marketer = subscribe(&app, &team.marketer.token, query, json!({ "org": team.org_id })).await;
    let id = ready_handoff(&app, &team, &account, &partner, "watched").await;
    let graded = next_json(&mut marketer, Duration::from_secs(1)).await.unwrap();
    let graded = &graded["payload"]["data"]["handoffEvents"];
    assert_eq!(graded["type"], "GRADED");
    assert_eq!(graded["response"], Value::Null, "only RESPONDED reports an answer");
    assert_eq!(graded["handoff"]["organization"]["slug"], "acme", "a tool knows the organization without asking");
    app.send(&team.marketer, &id).await;
    app.ok(
        Some(&team.seller.token),
        documents::RESPOND_TO_HANDOFF,
        json!({ "i": { "handoffId": id, "decision": "DECLINE", "reason": "No named person on their side",
                       "failedComponents": ["RELATIONSHIP_PATH"] } }),
    )
    .await;
    // LANDED was not asked for; the next event is the answer, with what the seller said.
    let responded = next_json(&mut marketer, Duration::from_secs(1)).await.unwrap();
    let responded = &responded["payload"]["data"]["handoffEvents"];
    assert_eq!(responded["type"], "RESPONDED");
    assert_eq!(responded["handoff"]["status"], "DECLINED");
    assert_eq!(
        responded["response"],
        json!({ "decision": "DECLINE", "reason": "No named person on their side",
                "failedComponents": ["RELATIONSHIP_PATH"], "seller": { "email": team.seller.email } })
    );
}

#[tokio::test]
async fn a_non_member_cannot_subscribe() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let outsider = app.sign_up("eve@example.com").await;
    let mut socket = subscribe(&app, &outsider.token, LANDED, json!({ "org": team.org_id })).await;
    let refused = next_json(&mut socket, Duration::from_secs(2)).await.unwrap();
    // graphql-transport-ws sends resolver errors as `error` (a list) or as `next` with `errors`.
    let errors = if refused["type"] == "error" { &refused["payload"] } else { &refused["payload"]["errors"] };
    assert_eq!(errors[0]["extensions"]["code"], "NOT_FOUND", "{refused:#}");
    assert!(refused["payload"]["data"].is_null());
}

#[tokio::test]
async fn a_member_removed_while_subscribed_stops_receiving() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    let mut leader = subscribe(&app, &team.leader.token, LANDED, json!({ "org": team.org_id })).await;
    let first = ready_handoff(&app, &team, &account, &partner, "before removal").await;
    app.send(&team.marketer, &first).await;
    let received = next_json(&mut leader, Duration::from_secs(1)).await.unwrap();
    assert_eq!(received["payload"]["data"]["handoffLanded"]["title"], "before removal");

    app.ok(
        Some(&team.admin.token),
        "mutation($i: RemoveMemberInput!) { removeMember(input: $i) { removedUserId } }",
        json!({ "i": { "organizationId": team.org_id, "userId": team.leader.user_id } }),
    )
    .await;
    let second = ready_handoff(&app, &team, &account, &partner, "after removal").await;
    let sent = app.send(&team.marketer, &second).await;
    assert!(sent.get("errors").is_none(), "{sent:#}");
    let ended = next_json(&mut leader, Duration::from_secs(1)).await.expect("the subscription says it ended");
    assert!(ended["payload"].to_string().contains("NOT_FOUND"), "{ended:#}");
    assert!(!ended.to_string().contains("after removal"));
    let after = next_json(&mut leader, Duration::from_millis(300)).await;
    assert!(after.is_none() || after.as_ref().is_some_and(|m| m["type"] == "complete"), "{after:?}");
}

/// Runs in the PostgreSQL pass (`TEST_DATABASE_URL`); on SQLite one process owns the database.
#[tokio::test]
async fn an_event_sent_through_one_replica_reaches_a_subscriber_on_another() {
    let a = TestApp::spawn().await;
    if !a.on_postgres() {
        eprintln!("replicas share events through PostgreSQL; this test runs in the PostgreSQL pass");
        return;
    }
    let b = a.spawn_replica().await;
    let team = a.team("acme").await;
    let partner = a.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = a.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    let mut on_b = subscribe(&b, &team.seller.token, LANDED, json!({ "org": team.org_id })).await;
    let id = ready_handoff(&a, &team, &account, &partner, "across replicas").await;
    a.send(&team.marketer, &id).await;
    let event = next_json(&mut on_b, Duration::from_secs(2)).await.expect("the event crosses replicas");
    assert_eq!(event["payload"]["data"]["handoffLanded"]["title"], "across replicas");
    assert!(next_json(&mut on_b, Duration::from_millis(300)).await.is_none(), "delivered once");
}

#[tokio::test]
async fn one_connection_holds_at_most_twenty_subscriptions() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let mut socket = subscribe(&app, &team.leader.token, LANDED, json!({ "org": team.org_id })).await;
    for id in 2..=21 {
        let message = json!({ "id": id.to_string(), "type": "subscribe", "payload": { "query": LANDED, "variables": { "org": team.org_id } } });
        socket.send(Message::text(message.to_string())).await.unwrap();
    }
    // The 21 subscriptions start concurrently, so any one of them may be the one refused.
    let refused = next_json(&mut socket, Duration::from_secs(2)).await.expect("one is refused");
    assert!(refused.to_string().contains("RATE_LIMITED"), "{refused:#}");
    assert!(
        next_json(&mut socket, Duration::from_millis(300)).await.is_none_or(|m| m["type"] == "complete"),
        "only one is refused"
    );
}

#[tokio::test]
async fn one_person_holds_at_most_ten_connections() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let mut open = Vec::new();
    for _ in 0..10 {
        open.push(subscribe(&app, &team.seller.token, LANDED, json!({ "org": team.org_id })).await);
    }
    assert_eq!(close_code_of_one_more(&app, &team.seller.token).await, 4429);
    // Closing one frees a place.
    drop(open.pop());
    tokio::time::sleep(Duration::from_millis(200)).await;
    subscribe(&app, &team.seller.token, LANDED, json!({ "org": team.org_id })).await;
}

#[tokio::test]
async fn the_server_pings_an_idle_connection() {
    let app = TestApp::spawn_with(|c| c.ws_keepalive = Duration::from_millis(100)).await;
    let team = app.team("acme").await;
    let mut socket = subscribe(&app, &team.seller.token, LANDED, json!({ "org": team.org_id })).await;
    let ping = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Ping(_))) => return true,
                Some(Ok(_)) => continue,
                _ => return false,
            }
        }
    })
    .await;
    assert_eq!(ping, Ok(true));
}

/// Thousands of subscribers must not mean thousands of reads per event: the event is read once,
/// and each subscriber is judged against it (a colleague's handoff still reaches no other seller).
#[tokio::test]
async fn one_event_is_read_once_for_all_its_subscribers() {
    // Background sweeps would add reads at random; the wake-up after each send suffices here.
    let app = TestApp::spawn_without_sweeps().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    let first = ready_handoff(&app, &team, &account, &partner, "first").await;
    let second = ready_handoff(&app, &team, &account, &partner, "second").await;
    let org = json!({ "org": team.org_id });
    let mut watching = vec![subscribe(&app, &team.marketer.token, LANDED, org.clone()).await];

    // What one send and its delivery cost with one subscriber...
    app.settle().await;
    let before = app.statements();
    app.send(&team.marketer, &first).await;
    let received = next_json(&mut watching[0], Duration::from_secs(2)).await.unwrap();
    assert_eq!(received["payload"]["data"]["handoffLanded"]["title"], "first");
    app.settle().await;
    let alone = app.statements() - before;

    // ...and with six, of every role, one of whom may not see it.
    for person in [&team.marketer, &team.admin, &team.leader, &team.seller] {
        watching.push(subscribe(&app, &person.token, LANDED, org.clone()).await);
    }
    let mut colleague = subscribe(&app, &team.seller2.token, LANDED, org.clone()).await;
    app.settle().await;
    let before = app.statements();
    app.send(&team.marketer, &second).await;
    for socket in &mut watching {
        let received = next_json(socket, Duration::from_secs(2)).await.expect("every reader receives it");
        assert_eq!(received["payload"]["data"]["handoffLanded"]["title"], "second");
    }
    assert!(next_json(&mut colleague, Duration::from_millis(300)).await.is_none(), "not the other seller");
    app.settle().await;
    let together = app.statements() - before;

    // On PostgreSQL credentials and memberships come from the credential cache; SQLite has none,
    // so each subscriber's re-check reads its session and memberships.
    let per_extra_subscriber = if app.on_postgres() { 0 } else { 2 };
    assert!(together <= alone + 5 * per_extra_subscriber, "one subscriber: {alone} statements; six: {together}");
}

#[tokio::test]
async fn the_cap_on_one_persons_connections_is_a_setting() {
    let app = TestApp::spawn_with(|c| c.ws_connections_per_user = 2).await;
    let team = app.team("acme").await;
    let _open = [
        subscribe(&app, &team.seller.token, LANDED, json!({ "org": team.org_id })).await,
        subscribe(&app, &team.seller.token, LANDED, json!({ "org": team.org_id })).await,
    ];
    assert_eq!(close_code_of_one_more(&app, &team.seller.token).await, 4429);
}

/// Opens one more connection with `token` and returns the code the server closes it with.
async fn close_code_of_one_more(app: &TestApp, token: &str) -> u16 {
    let mut request = format!("ws://{}/graphql", app.addr).into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    match tokio::time::timeout(Duration::from_secs(2), socket.next()).await.unwrap() {
        Some(Ok(Message::Close(Some(frame)))) => u16::from(frame.code),
        other => panic!("expected a close, got {other:?}"),
    }
}
