//! Browsers on other origins: with `CORS_ALLOWED_ORIGINS` set, a listed origin's preflight is
//! answered and cached, its answers are readable, and its pages may open WebSockets; any other
//! origin gets no CORS headers and no WebSocket. Unset, the API speaks CORS to nobody.

use handoff_api::http::cors::AllowedOrigins;
use handoff_e2e::TestApp;
use reqwest::Method;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const APP: &str = "https://app.example.com";

async fn with_origins(origins: &[&str]) -> TestApp {
    let entries: Vec<String> = origins.iter().map(|o| o.to_string()).collect();
    TestApp::spawn_with(move |c| c.allowed_origins = AllowedOrigins::from_setting(&entries)).await
}

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url("/graphql"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type")
        .send()
        .await
        .unwrap()
}

fn header<'r>(response: &'r reqwest::Response, name: &str) -> Option<&'r str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// A WebSocket handshake from a page on `origin` (none: a client that is not a browser).
async fn handshake(app: &TestApp, origin: Option<&str>) -> Result<(), u16> {
    let mut request = format!("ws://{}/graphql", app.addr).into_client_request().unwrap();
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", origin.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok(_) => Ok(()),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
        Err(other) => panic!("the handshake failed otherwise: {other}"),
    }
}

#[tokio::test]
async fn a_listed_origin_gets_its_preflight_answered_and_cached() {
    let app = with_origins(&[APP, "http://localhost:5173"]).await;
    let answer = preflight(&app, APP).await;
    assert!(answer.status().is_success(), "{}", answer.status());
    assert_eq!(header(&answer, "access-control-allow-origin"), Some(APP));
    let methods = header(&answer, "access-control-allow-methods").unwrap().to_ascii_uppercase();
    assert!(methods.contains("POST") && methods.contains("GET"), "{methods}");
    let headers = header(&answer, "access-control-allow-headers").unwrap().to_ascii_lowercase();
    assert!(headers.contains("authorization") && headers.contains("content-type"), "{headers}");
    assert_eq!(header(&answer, "access-control-max-age"), Some("7200"));
    assert_eq!(header(&answer, "access-control-allow-credentials"), None, "tokens travel in headers, never cookies");
    let vary = header(&answer, "vary").unwrap_or_default().to_ascii_lowercase();
    assert!(vary.contains("origin"), "a shared cache keeps answers apart by origin: {vary}");

    // The request itself: readable by the page, the request id too.
    let answer = app
        .client
        .post(app.url("/graphql"))
        .header("origin", "http://localhost:5173")
        .json(&serde_json::json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&answer, "access-control-allow-origin"), Some("http://localhost:5173"));
    let exposed = header(&answer, "access-control-expose-headers").unwrap().to_ascii_lowercase();
    assert!(exposed.contains("x-request-id") && exposed.contains("retry-after"), "{exposed}");
    app.stop().await;
}

#[tokio::test]
async fn an_origin_off_the_list_gets_no_cors_headers_and_no_websocket() {
    let app = with_origins(&[APP]).await;
    for origin in ["https://evil.example", "https://app.example.com.evil.example", "null", "http://app.example.com"] {
        let answer = preflight(&app, origin).await;
        assert_eq!(header(&answer, "access-control-allow-origin"), None, "{origin}");
        assert_eq!(handshake(&app, Some(origin)).await, Err(403), "{origin}");
    }
    assert_eq!(handshake(&app, Some(APP)).await, Ok(()));
    // The API's own pages (the query console) and clients that are not browsers.
    let own = format!("http://{}", app.addr);
    assert_eq!(handshake(&app, Some(&own)).await, Ok(()));
    assert_eq!(handshake(&app, None).await, Ok(()));
    app.stop().await;
}

#[tokio::test]
async fn unset_no_origin_gets_cors_headers() {
    let app = TestApp::spawn().await;
    let answer = preflight(&app, APP).await;
    assert_eq!(header(&answer, "access-control-allow-origin"), None);
    let answer = app
        .client
        .post(app.url("/graphql"))
        .header("origin", APP)
        .json(&serde_json::json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());
    assert_eq!(header(&answer, "access-control-allow-origin"), None);
    app.stop().await;
}

#[tokio::test]
async fn any_origin_when_the_setting_says_so() {
    let app = with_origins(&["*"]).await;
    let answer = preflight(&app, "https://anyone.example").await;
    assert_eq!(header(&answer, "access-control-allow-origin"), Some("*"));
    assert_eq!(handshake(&app, Some("https://anyone.example")).await, Ok(()));
    app.stop().await;
}
