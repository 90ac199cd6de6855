//! GraphQL over HTTP as the specification says, and what the server does when a request or the
//! database misbehaves: media types, status codes, request ids, half-sent headers, outages.

use handoff_e2e::{Drafted, TestApp, error_code};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test]
async fn only_json_bodies_are_read_so_cross_site_form_posts_run_nothing() {
    let app = TestApp::spawn().await;
    let sign_up = r#"{"query":"mutation { signUp(input: {email: \"x@example.com\", password: \"a fine passphrase\", name: \"X\"}) { token } }"}"#;
    for content_type in
        [Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("application/json; charset=latin1"), None]
    {
        let mut request = app.client.post(app.url("/graphql")).body(sign_up);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 415, "{content_type:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), Some("UNSUPPORTED_MEDIA_TYPE"));
    }
    // None of them signed anyone up.
    app.sign_up("x@example.com").await;
}

#[tokio::test]
async fn the_graphql_response_media_type_answers_400_for_requests_that_cannot_run() {
    let app = TestApp::spawn().await;
    let post = |accept: &'static str, query: &'static str| {
        app.client.post(app.url("/graphql")).header("accept", accept).json(&json!({ "query": query })).send()
    };
    for query in ["{ me { id ", "{ noSuchField }", "query($n: Int!) { me { id } }"] {
        let response = post(GRAPHQL_RESPONSE, query).await.unwrap();
        assert_eq!(response.status().as_u16(), 400, "{query}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with(GRAPHQL_RESPONSE));
        let body: Value = response.json().await.unwrap();
        assert!(body.get("data").is_none(), "{body:#}");
        assert!(error_code(&body).is_some());
        // The older media type keeps answering 200, as clients written for it expect.
        let response = post("application/json", query).await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    }
    let response = post(GRAPHQL_RESPONSE, "{ me { id } }").await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(body["data"]["me"].is_null());
    // A body that is not a GraphQL request at all (no `query`) is a 400 whatever the media type.
    let response =
        app.client.post(app.url("/graphql")).json(&json!({ "qeury": "{ me { id } }" })).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    // A client that accepts neither type is told so.
    let response = post("text/html", "{ me { id } }").await.unwrap();
    assert_eq!(response.status().as_u16(), 406);
}

#[tokio::test]
async fn subscriptions_over_plain_http_are_a_bad_request() {
    let app = TestApp::spawn().await;
    let subscription = "subscription { handoffLanded(organizationId: \"x\") { id } }";
    let (status, body) = app.post(None, subscription, json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), Some("BAD_REQUEST"), "{body:#}");
    let response = app.client.get(app.url("/graphql")).query(&[("query", subscription)]).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    // A document holding a subscription beside the query it runs is fine.
    let both = "query Q { me { id } } subscription S { handoffLanded(organizationId: \"x\") { id } }";
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": both, "operationName": "Q" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn request_ids_are_the_servers_unless_the_client_sends_a_safe_token() {
    let app = TestApp::spawn().await;
    let id_for = |sent: &'static str| {
        let request = app.client.get(app.url("/healthz")).header("x-request-id", sent);
        async move { request.send().await.unwrap().headers()["x-request-id"].to_str().unwrap().to_owned() }
    };
    assert_eq!(id_for("trace-0123.abc").await, "trace-0123.abc");
    for hostile in ["a\"b", "tab\there", "x".repeat(65).leak() as &str, "spaces are not ok"] {
        let echoed = id_for(hostile).await;
        assert_ne!(echoed, hostile);
        assert!(uuid::Uuid::parse_str(&echoed).is_ok(), "{echoed}");
    }
    let generated = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert!(uuid::Uuid::parse_str(generated.headers()["x-request-id"].to_str().unwrap()).is_ok());
}

/// Whether the server closes `socket` within 20 seconds (reading whatever it says first).
async fn closed_by_server(socket: &mut tokio::net::TcpStream) -> bool {
    let mut buffer = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(20), socket.read_to_end(&mut buffer)).await.is_ok()
}

#[tokio::test]
async fn silent_and_half_sent_connections_are_cut_off() {
    let app = TestApp::spawn_with(|c| c.timeouts.header_read = std::time::Duration::from_secs(1)).await;
    // Connected, and not a byte sent.
    let mut silent = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    // Half a header.
    let mut half = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    half.write_all(b"POST /graphql HTTP/1.1\r\nHost: example\r\nContent-Type: appl").await.unwrap();
    // Most of an HTTP/2 preface, which a protocol-sniffing server would wait on without a clock.
    let mut sniffed = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    sniffed.write_all(&b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"[..23]).await.unwrap();
    for (name, socket) in [("silent", &mut silent), ("half", &mut half), ("sniffed", &mut sniffed)] {
        assert!(closed_by_server(socket).await, "the {name} connection was still open after 20 s");
    }
    // HTTP/2 is not spoken: a whole preface is answered as a bad HTTP/1.1 request, or closed.
    let mut h2 = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(20), h2.read_to_end(&mut answer)).await;
    assert!(answer.is_empty() || answer.starts_with(b"HTTP/1.1 4"), "{}", String::from_utf8_lossy(&answer));
    // A whole request on a fresh connection still works.
    let (status, _) = app.post(None, "{ me { id } }", json!({})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn one_address_may_hold_only_so_many_connections() {
    let app = TestApp::spawn_with(|c| c.timeouts.max_connections_per_address = 2).await;
    let _first = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let _second = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let mut third = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    third.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.ok();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), third.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the third connection was held open");
    assert!(!answer.starts_with(b"HTTP/1.1 200"), "the third connection was served");
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_one_closes() {
    let app = TestApp::spawn_with(|c| c.timeouts.max_connections = 2).await;
    let first = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let second = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_millis(800)).build().unwrap();
    assert!(client.get(app.url("/healthz")).send().await.is_err(), "a third connection was served at once");
    drop(first);
    drop(second);
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap();
    assert_eq!(client.get(app.url("/healthz")).send().await.unwrap().status().as_u16(), 200);
}

#[tokio::test]
async fn a_database_outage_is_503_and_never_calls_a_valid_token_invalid() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status().as_u16(), 200);
    app.close_database().await;
    let (status, body) = app.post(Some(&ana.token), "{ me { id email } }", json!({})).await;
    assert_eq!(status, 503, "{body:#}");
    assert_eq!(error_code(&body), Some("SERVICE_UNAVAILABLE"));
    let (status, body) = app
        .post(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { token } }",
            json!({ "i": {
            "email": "ana@example.com", "password": "whatever it is" } }),
        )
        .await;
    assert_eq!(status, 503, "{body:#}");
    assert_eq!(error_code(&body), Some("SERVICE_UNAVAILABLE"));
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status().as_u16(), 503);
    // The process itself is alive.
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status().as_u16(), 200);
}

#[tokio::test]
async fn readiness_needs_every_migration_of_this_binary() {
    let app = TestApp::spawn().await;
    let ready = || async { app.client.get(app.url("/readyz")).send().await.unwrap().status().as_u16() };
    assert_eq!(ready().await, 200);
    app.execute_sql("DELETE FROM seaql_migrations WHERE version LIKE '%rate_limits'").await;
    assert_eq!(ready().await, 503);
    app.execute_sql("DROP TABLE seaql_migrations").await;
    assert_eq!(ready().await, 503);
}

#[tokio::test]
async fn enum_values_written_as_strings_are_refused_inline_but_variables_carry_them_as_strings() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let Drafted { id, .. } = app.drafted_handoff(&team, "Quoted").await;
    let token = Some(team.marketer.token.as_str());
    let grade = |component: &str| {
        format!(
            "mutation {{ gradeHandoff(input: {{ handoffId: \"{id}\", grades: [{{ component: {component}, grade: STRONG }}] }}) {{ handoff {{ score }} }} }}"
        )
    };
    // Quoted, nested in an input object inside a list: refused before anything runs.
    let quoted = app.gql(token, &grade("\"OWNER\""), json!({})).await;
    assert_eq!(error_code(&quoted), Some("GRAPHQL_VALIDATION_FAILED"), "{quoted:#}");
    assert_eq!(quoted["errors"][0]["extensions"]["field"], "component");
    assert!(quoted["errors"][0]["message"].as_str().unwrap().contains("`OWNER`, not `\"OWNER\"`"), "{quoted:#}");
    assert!(quoted["errors"][0]["locations"][0]["line"].is_number());
    let bare = app.gql(token, &grade("OWNER"), json!({})).await;
    assert_eq!(bare["data"]["gradeHandoff"]["handoff"]["score"], 2, "{bare:#}");
    // A variable's JSON can only carry an enum as a string.
    let by_variable = app
        .gql(
            token,
            "mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { score } } }",
            json!({ "i": { "handoffId": id, "grades": [{ "component": "PROOF", "grade": "STRONG" }] } }),
        )
        .await;
    assert_eq!(by_variable["data"]["gradeHandoff"]["handoff"]["score"], 4, "{by_variable:#}");
    // Arguments of fields inside fragments, and variable defaults, are held to the same rule.
    for document in [
        "query { ...F } fragment F on Query { me { id } organization(slug: \"acme\") { handoffs(status: \"DRAFT\") { edges { cursor } } } }",
        "query($s: HandoffStatus = \"DRAFT\") { organization(slug: \"acme\") { handoffs(status: $s) { edges { cursor } } } }",
        "query { organization(slug: \"acme\") { ... on Organization { handoffs(status: \"SENT\") { edges { cursor } } } } }",
    ] {
        let body = app.gql(token, document, json!({})).await;
        assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"), "{document}: {body:#}");
    }
    let fine = app
        .gql(
            token,
            "query { organization(slug: \"acme\") { handoffs(status: DRAFT) { edges { cursor } } } }",
            json!({}),
        )
        .await;
    assert_eq!(fine["data"]["organization"]["handoffs"]["edges"].as_array().unwrap().len(), 1, "{fine:#}");
}
