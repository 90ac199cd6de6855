//! Access tokens that fail verification are refused whole, never treated as anonymous.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use handoff_e2e::{Person, TEST_SECRET, TestApp, error_code};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

fn user_uuid(global_id: &str) -> String {
    let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(global_id).unwrap()).unwrap();
    decoded.split_once(':').unwrap().1.to_owned()
}

fn sign(claims: Value, secret: &str) -> String {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

fn claims(sub: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({ "sub": sub, "iat": now, "exp": now + 600, "iss": "handoff-api", "aud": "handoff-api" })
}

/// The session id a real access token carries, so a forged one differs only where a test says.
fn session_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["sid"].clone()
}

/// Claims as the server would issue them to `person` now, in their sign-up session.
fn claims_of(person: &Person) -> Value {
    let mut c = claims(&user_uuid(&person.user_id));
    c["sid"] = session_of(&person.token);
    c
}

async fn assert_refused(app: &TestApp, token: &str) {
    let (status, body) = app.post(Some(token), "{ me { id } }", json!({})).await;
    assert_eq!(status, 401, "{body:#}");
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body:#}");
    assert!(body.get("data").is_none() || body["data"].is_null());
}

#[tokio::test]
async fn a_well_formed_token_signed_with_the_server_secret_is_accepted() {
    // The control for the cases below: only the property under test differs.
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let token = sign(claims_of(&ana), TEST_SECRET);
    let data = app.ok(Some(&token), "{ me { email } }", json!({})).await;
    assert_eq!(data["me"]["email"], "ana@example.com");
}

#[tokio::test]
async fn a_tampered_token_is_refused() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let bob = app.sign_up("bob@example.com").await;
    // Swap in Bob's subject but keep Ana's signature.
    let parts: Vec<&str> = ana.token.split('.').collect();
    let forged_claims = URL_SAFE_NO_PAD.encode(claims_of(&bob).to_string());
    assert_refused(&app, &format!("{}.{}.{}", parts[0], forged_claims, parts[2])).await;
    assert_refused(&app, &sign(claims_of(&ana), "some-other-secret-0123456789-0123456789")).await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let mut c = claims_of(&ana);
    let past = chrono::Utc::now().timestamp() - 3600;
    c["iat"] = json!(past - 600);
    c["exp"] = json!(past);
    assert_refused(&app, &sign(c, TEST_SECRET)).await;
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_refused() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims_of(&ana).to_string());
    assert_refused(&app, &format!("{header}.{body}.")).await;
}

#[tokio::test]
async fn a_token_for_another_audience_or_issuer_is_refused() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let mut wrong_aud = claims_of(&ana);
    wrong_aud["aud"] = json!("another-service");
    assert_refused(&app, &sign(wrong_aud, TEST_SECRET)).await;
    let mut wrong_iss = claims_of(&ana);
    wrong_iss["iss"] = json!("someone-else");
    assert_refused(&app, &sign(wrong_iss, TEST_SECRET)).await;
    let mut no_aud = claims_of(&ana);
    no_aud.as_object_mut().unwrap().remove("aud");
    assert_refused(&app, &sign(no_aud, TEST_SECRET)).await;
}

#[tokio::test]
async fn a_token_for_a_user_that_does_not_exist_is_refused() {
    let app = TestApp::spawn().await;
    assert_refused(&app, &sign(claims(&uuid::Uuid::now_v7().to_string()), TEST_SECRET)).await;
}

#[tokio::test]
async fn a_token_naming_someone_elses_session_or_none_is_refused() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let bob = app.sign_up("bob@example.com").await;
    let mut borrowed = claims_of(&bob);
    borrowed["sid"] = session_of(&ana.token);
    assert_refused(&app, &sign(borrowed, TEST_SECRET)).await;
    assert_refused(&app, &sign(claims(&user_uuid(&ana.user_id)), TEST_SECRET)).await;
}

#[tokio::test]
async fn garbage_and_malformed_authorization_headers_are_refused() {
    let app = TestApp::spawn().await;
    assert_refused(&app, "not-a-jwt").await;
    for header in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "token-without-scheme"] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("authorization", header)
            .json(&json!({ "query": "{ me { id } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401, "{header}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{header}");
    }
}

/// The secret that development mode once fell back to was published in the source; a token signed
/// with it, or with any value a reader could find, must get nowhere.
#[tokio::test]
async fn development_mode_without_a_secret_signs_with_one_generated_for_this_installation() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = TestApp::spawn_from_settings(dir.path(), &[]).await;
    let ana = app.sign_up("ana@example.com").await;
    for published in ["development-only-secret-never-use-in-production", TEST_SECRET, ""] {
        assert_refused(&app, &sign(claims_of(&ana), published)).await;
    }
    let kept = std::fs::read_to_string(dir.path().join("handoff.db.jwt-secret")).unwrap();
    assert!(kept.len() >= 60, "a generated secret of 48 random bytes");
    // The secret outlives a restart, so do the tokens it signed.
    app.stop_server().await;
    let restarted = TestApp::spawn_from_settings(dir.path(), &[]).await;
    let data = restarted.ok(Some(&ana.token), "{ me { email } }", json!({})).await;
    assert_eq!(data["me"]["email"], "ana@example.com");
}
