//! What a client meets before and around GraphQL: bodies, methods, limits, health.

use handoff_e2e::{TestApp, error_code};
use serde_json::{Value, json};

#[tokio::test]
async fn malformed_json_is_a_bad_request_with_a_json_body() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{\"query\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), Some("BAD_REQUEST"));
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_read() {
    let app = TestApp::spawn_with(|c| c.max_body_bytes = 16 * 1024).await;
    let padding = "x".repeat(32 * 1024);
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ me { id } }", "variables": { "pad": padding } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), Some("PAYLOAD_TOO_LARGE"));
    // Just under the limit is fine.
    let (status, _) = app.post(None, "{ me { id } }", json!({ "pad": "x".repeat(8 * 1024) })).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn batches_are_refused() {
    let app = TestApp::spawn().await;
    let response =
        app.client.post(app.url("/graphql")).json(&json!([{ "query": "{ me { id } }" }])).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
}

#[tokio::test]
async fn queries_work_over_get_and_mutations_do_not() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/graphql")).query(&[("query", "{ me { id } }")]).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(body["data"]["me"].is_null());
    let mutation =
        "mutation { signUp(input: {email: \"a@example.com\", password: \"long enough pw\", name: \"A\"}) { token } }";
    let response = app.client.get(app.url("/graphql")).query(&[("query", mutation)]).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 405);
    // The refused GET wrote nothing: the email is still free.
    app.sign_up("a@example.com").await;
}

#[tokio::test]
async fn too_deep_a_query_is_refused() {
    let app = TestApp::spawn_with(|c| c.limits.max_depth = 4).await;
    let deep = "{ me { memberships { organization { members { edges { node { user { id } } } } } } } }";
    let body = app.gql(None, deep, json!({})).await;
    assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"), "{body:#}");
}

#[tokio::test]
async fn arguments_of_the_wrong_type_are_bad_user_input() {
    let app = TestApp::spawn().await;
    let body = app.gql(None, r#"{ organization(slug: 42) { id } }"#, json!({})).await;
    assert!(error_code(&body).is_some(), "{body:#}");
    let body = app
        .gql(
            None,
            "query($f: Int) { organization(slug: \"x\") { members(first: $f) { edges { cursor } } } }",
            json!({ "f": "ten" }),
        )
        .await;
    assert!(matches!(error_code(&body), Some("BAD_USER_INPUT" | "GRAPHQL_VALIDATION_FAILED")), "{body:#}");
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await;
    let live = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(live.status().as_u16(), 200);
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status().as_u16(), 200);
    assert!(live.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn the_console_and_introspection_are_on_in_development() {
    let app = TestApp::spawn().await;
    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    // Only this server's origin, for everything the page loads or connects to.
    let policy = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.starts_with("default-src 'none'") && policy.contains("connect-src 'self'"), "{policy}");
    assert!(!policy.contains("http") && !policy.contains('*') && !policy.contains("unsafe"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(html.contains("/console.js") && html.contains("/console.css"));
    for asset in ["/console.js", "/console.css"] {
        let response = app.client.get(app.url(asset)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{asset}");
        assert!(response.headers().contains_key("content-security-policy"), "{asset}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("https://") && !body.contains("http://"), "{asset} names another host");
    }
    let data = app.ok(None, "{ __schema { queryType { name } } }", json!({})).await;
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test]
async fn production_mode_turns_the_console_and_introspection_off() {
    let app = TestApp::spawn_with(|c| {
        c.production = true;
        c.graphiql = false;
        c.limits.introspection = false;
    })
    .await;
    for path in ["/", "/console.js"] {
        let page = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(page.status().as_u16(), 404, "{path}");
    }
    let body = app.gql(None, "{ __schema { queryType { name } } }", json!({})).await;
    assert!(body.get("errors").is_some() || body["data"]["__schema"].is_null(), "{body:#}");
}

#[tokio::test]
async fn the_server_drains_and_stops_on_request() {
    let app = TestApp::spawn().await;
    let addr = app.addr;
    app.stop().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
