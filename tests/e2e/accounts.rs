use handoff_e2e::{PASSWORD, TestApp, error_code, expect_error};
use serde_json::json;

const SIGN_UP: &str = "mutation($i: SignUpInput!) { signUp(input: $i) { token viewer { id email name } } }";
const LOGIN: &str = "mutation($i: LoginInput!) { login(input: $i) { token expiresAt viewer { id email } } }";

#[tokio::test]
async fn sign_up_returns_a_token_that_me_accepts() {
    let app = TestApp::spawn().await;
    let data = app
        .ok(None, SIGN_UP, json!({ "i": { "email": "  Ana@Example.com ", "password": PASSWORD, "name": "Ana Lee" } }))
        .await;
    assert_eq!(data["signUp"]["viewer"]["email"], "ana@example.com");
    assert_eq!(data["signUp"]["viewer"]["name"], "Ana Lee");
    let token = data["signUp"]["token"].as_str().unwrap();
    let me = app.ok(Some(token), "{ me { id email memberships { role } } }", json!({})).await;
    assert_eq!(me["me"]["id"], data["signUp"]["viewer"]["id"]);
    assert_eq!(me["me"]["memberships"], json!([]));
}

#[tokio::test]
async fn me_is_null_without_a_token() {
    let app = TestApp::spawn().await;
    let data = app.ok(None, "{ me { id } }", json!({})).await;
    assert!(data["me"].is_null());
}

#[tokio::test]
async fn login_with_the_right_password_returns_a_working_token() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let data = app.ok(None, LOGIN, json!({ "i": { "email": "ANA@example.com", "password": PASSWORD } })).await;
    assert_eq!(data["login"]["viewer"]["id"], ana.user_id.as_str());
    assert!(data["login"]["expiresAt"].as_str().is_some());
    let me = app.ok(data["login"]["token"].as_str(), "{ me { email } }", json!({})).await;
    assert_eq!(me["me"]["email"], "ana@example.com");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.sign_up("ana@example.com").await;
    let wrong =
        app.gql(None, LOGIN, json!({ "i": { "email": "ana@example.com", "password": "not the password" } })).await;
    let unknown = app.gql(None, LOGIN, json!({ "i": { "email": "bob@example.com", "password": PASSWORD } })).await;
    assert_eq!(error_code(&wrong), Some("UNAUTHENTICATED"));
    assert_eq!(wrong["errors"][0]["message"], unknown["errors"][0]["message"]);
    assert_eq!(wrong["errors"][0]["extensions"], unknown["errors"][0]["extensions"]);
    assert!(wrong["data"].is_null() && unknown["data"].is_null());
}

#[tokio::test]
async fn a_second_account_with_the_same_email_is_a_conflict() {
    let app = TestApp::spawn().await;
    app.sign_up("ana@example.com").await;
    let body = app
        .gql(None, SIGN_UP, json!({ "i": { "email": "Ana@Example.com", "password": PASSWORD, "name": "Other" } }))
        .await;
    expect_error(&body, "CONFLICT", Some("email"));
}

#[tokio::test]
async fn sign_up_names_the_field_it_refuses() {
    let app = TestApp::spawn().await;
    let cases = [
        (json!({ "email": "not-an-email", "password": PASSWORD, "name": "Ana" }), "email"),
        (json!({ "email": "ana@example.com", "password": "short", "name": "Ana" }), "password"),
        (json!({ "email": "ana@example.com", "password": PASSWORD, "name": "   " }), "name"),
    ];
    for (input, field) in cases {
        let body = app.gql(None, SIGN_UP, json!({ "i": input })).await;
        expect_error(&body, "BAD_USER_INPUT", Some(field));
    }
    // Nothing was written by the refused attempts: the email is still free.
    app.sign_up("ana@example.com").await;
}

#[tokio::test]
async fn repeated_failed_logins_are_rate_limited() {
    let app = TestApp::spawn().await;
    app.sign_up("ana@example.com").await;
    for _ in 0..5 {
        let body =
            app.gql(None, LOGIN, json!({ "i": { "email": "ana@example.com", "password": "wrong password" } })).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    }
    let limited = app.gql(None, LOGIN, json!({ "i": { "email": "ana@example.com", "password": PASSWORD } })).await;
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"));
    assert!(limited["errors"][0]["extensions"]["retryAfterSeconds"].as_u64().is_some_and(|s| s >= 1), "{limited:#}");
    // Other accounts are unaffected.
    app.sign_up("bob@example.com").await;
    app.ok(None, LOGIN, json!({ "i": { "email": "bob@example.com", "password": PASSWORD } })).await;
}
