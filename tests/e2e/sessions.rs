//! Sessions: short access tokens, rotating refresh tokens whose reuse ends the session, logout
//! and password changes that take effect on the next request.

use std::time::Duration;

use handoff_e2e::ws::{next_json, subscribe};
use handoff_e2e::{Drafted, PASSWORD, Person, TestApp, error_code, error_field, expect_error};
use serde_json::{Value, json};

const REFRESH: &str = "mutation($i: RefreshSessionInput!) { refreshSession(input: $i) { token refreshToken expiresAt refreshExpiresAt viewer { email } } }";
const LOGOUT: &str = "mutation($i: LogoutInput!) { logout(input: $i) { endedSessions } }";
const CHANGE: &str =
    "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { token refreshToken viewer { email } } }";
const LOGIN: &str = "mutation($i: LoginInput!) { login(input: $i) { token refreshToken expiresAt } }";

async fn status_of(app: &TestApp, token: &str) -> u16 {
    app.post(Some(token), "{ me { id } }", json!({})).await.0
}

async fn refresh(app: &TestApp, refresh_token: &str) -> Value {
    app.gql(None, REFRESH, json!({ "i": { "refreshToken": refresh_token } })).await
}

/// A second session of the same person (another device).
async fn log_in(app: &TestApp, person: &Person, password: &str) -> Value {
    app.gql(None, LOGIN, json!({ "i": { "email": person.email, "password": password } })).await
}

#[tokio::test]
async fn access_tokens_are_short_and_a_refresh_token_rotates_on_every_use() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let login = log_in(&app, &ana, PASSWORD).await;
    let expires = chrono::DateTime::parse_from_rfc3339(login["data"]["login"]["expiresAt"].as_str().unwrap()).unwrap();
    let left = expires.signed_duration_since(chrono::Utc::now());
    assert!(left <= chrono::Duration::minutes(15) && left > chrono::Duration::minutes(14), "{left}");

    let first = refresh(&app, &ana.refresh_token).await;
    let next = &first["data"]["refreshSession"];
    assert_eq!(next["viewer"]["email"], "ana@example.com");
    let (token, rotated) = (next["token"].as_str().unwrap(), next["refreshToken"].as_str().unwrap());
    assert_ne!(rotated, ana.refresh_token);
    assert_eq!(status_of(&app, token).await, 200);
    let second = refresh(&app, rotated).await;
    assert!(second.get("errors").is_none(), "{second:#}");
}

#[tokio::test]
async fn reusing_a_spent_refresh_token_ends_the_whole_session() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let other_device = log_in(&app, &ana, PASSWORD).await["data"]["login"]["token"].as_str().unwrap().to_owned();
    // The owner refreshes; a thief then replays the copy they stole.
    let owner = refresh(&app, &ana.refresh_token).await["data"]["refreshSession"].clone();
    let theft = refresh(&app, &ana.refresh_token).await;
    assert_eq!(error_code(&theft), Some("UNAUTHENTICATED"));
    assert!(theft["errors"][0]["message"].as_str().unwrap().contains("used before"));
    // Every credential of that session is dead: the rotated refresh token and its access token.
    let owner_next = refresh(&app, owner["refreshToken"].as_str().unwrap()).await;
    assert_eq!(error_code(&owner_next), Some("UNAUTHENTICATED"));
    assert_eq!(status_of(&app, owner["token"].as_str().unwrap()).await, 401);
    assert_eq!(status_of(&app, &ana.token).await, 401);
    // Another session of the same person is untouched.
    assert_eq!(status_of(&app, &other_device).await, 200);
}

#[tokio::test]
async fn two_refreshes_racing_with_one_token_never_both_win() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let results = futures_util::future::join_all((0..8).map(|_| refresh(&app, &ana.refresh_token))).await;
    let wins: Vec<&Value> = results.iter().filter(|r| r.get("errors").is_none()).collect();
    assert!(wins.len() <= 1, "{results:#?}");
    for loser in results.iter().filter(|r| r.get("errors").is_some()) {
        assert_eq!(error_code(loser), Some("UNAUTHENTICATED"));
    }
    // The race is a reuse: whoever won holds a session that is now ended.
    if let Some(win) = wins.first() {
        let after = refresh(&app, win["data"]["refreshSession"]["refreshToken"].as_str().unwrap()).await;
        assert_eq!(error_code(&after), Some("UNAUTHENTICATED"));
    }
}

#[tokio::test]
async fn logout_ends_one_session_or_every_session_at_once() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let laptop = log_in(&app, &ana, PASSWORD).await["data"]["login"].clone();
    let phone = log_in(&app, &ana, PASSWORD).await["data"]["login"].clone();

    let out = app.ok(None, LOGOUT, json!({ "i": { "refreshToken": ana.refresh_token } })).await;
    assert_eq!(out["logout"]["endedSessions"], 1);
    let (status, ended) = app.post(Some(&ana.token), "{ me { id } }", json!({})).await;
    assert_eq!(status, 401, "the access token dies with its session");
    assert_eq!(ended["errors"][0]["extensions"]["reason"], "REVOKED");
    assert_eq!(error_code(&refresh(&app, &ana.refresh_token).await), Some("UNAUTHENTICATED"));
    assert_eq!(status_of(&app, laptop["token"].as_str().unwrap()).await, 200);
    let again = app.ok(None, LOGOUT, json!({ "i": { "refreshToken": ana.refresh_token } })).await;
    assert_eq!(again["logout"]["endedSessions"], 0, "logging out twice is harmless");

    let everywhere =
        app.ok(None, LOGOUT, json!({ "i": { "refreshToken": laptop["refreshToken"], "everywhere": true } })).await;
    assert_eq!(everywhere["logout"]["endedSessions"], 2);
    for session in [&laptop, &phone] {
        assert_eq!(status_of(&app, session["token"].as_str().unwrap()).await, 401);
        assert_eq!(
            error_code(&refresh(&app, session["refreshToken"].as_str().unwrap()).await),
            Some("UNAUTHENTICATED")
        );
    }
    let garbage = app.ok(None, LOGOUT, json!({ "i": { "refreshToken": "x".repeat(100_000) } })).await;
    assert_eq!(garbage["logout"]["endedSessions"], 0);
}

#[tokio::test]
async fn a_password_change_ends_every_session_and_stops_open_subscriptions() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let leader = team.leader.clone();
    let phone = log_in(&app, &leader, PASSWORD).await["data"]["login"].clone();
    let mut socket = subscribe(
        &app,
        phone["token"].as_str().unwrap(),
        "subscription($org: ID!) { handoffLanded(organizationId: $org) { title } }",
        json!({ "org": team.org_id }),
    )
    .await;

    let wrong = app
        .gql(
            Some(&leader.token),
            CHANGE,
            json!({ "i": { "currentPassword": "not it at all", "newPassword": "a brand new passphrase" } }),
        )
        .await;
    expect_error(&wrong, "BAD_USER_INPUT", Some("currentPassword"));
    let weak = app
        .gql(Some(&leader.token), CHANGE, json!({ "i": { "currentPassword": PASSWORD, "newPassword": "short" } }))
        .await;
    assert_eq!(error_field(&weak), Some("newPassword"));
    assert_eq!(status_of(&app, &leader.token).await, 200, "refused changes end nothing");

    let changed = app
        .ok(
            Some(&leader.token),
            CHANGE,
            json!({ "i": { "currentPassword": PASSWORD, "newPassword": "a brand new passphrase" } }),
        )
        .await;
    let fresh = changed["changePassword"]["token"].as_str().unwrap();
    assert_eq!(status_of(&app, fresh).await, 200);
    for old in [leader.token.as_str(), phone["token"].as_str().unwrap()] {
        assert_eq!(status_of(&app, old).await, 401);
    }
    assert_eq!(error_code(&refresh(&app, &leader.refresh_token).await), Some("UNAUTHENTICATED"));
    assert_eq!(error_code(&log_in(&app, &leader, PASSWORD).await), Some("UNAUTHENTICATED"));
    assert!(log_in(&app, &leader, "a brand new passphrase").await.get("errors").is_none());

    // The subscription of the ended session gets no further event: its next delivery ends it.
    let Drafted { id: handoff, .. } = app.drafted_handoff(&team, "after the change").await;
    app.grade_all(&team.marketer, &handoff, ["STRONG"; 9]).await;
    app.send(&team.marketer, &handoff).await;
    let message = next_json(&mut socket, Duration::from_secs(3)).await;
    if let Some(message) = message {
        assert!(message["payload"]["data"].is_null(), "no event after the session ended: {message:#}");
        assert_eq!(message["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{message:#}");
    }
}

#[tokio::test]
async fn an_expired_access_token_says_so_and_the_session_refreshes() {
    let app = TestApp::spawn_with(|c| c.token_ttl = chrono::Duration::seconds(1)).await;
    let ana = app.sign_up("ana@example.com").await;
    // Expiry is in whole seconds and verification allows five seconds of clock skew.
    tokio::time::sleep(Duration::from_millis(7_200)).await;
    let (status, body) = app.post(Some(&ana.token), "{ me { id } }", json!({})).await;
    assert_eq!(status, 401);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("refreshSession"), "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["reason"], "EXPIRED");
    let (_, tampered) = app.post(Some(&format!("{}x", ana.token)), "{ me { id } }", json!({})).await;
    assert_eq!(tampered["errors"][0]["extensions"]["reason"], "INVALID", "expired and forged read differently");
    // A login riding along with the stale token is refused too, and the message says to drop it.
    let (status, stale) =
        app.post(Some(&ana.token), LOGIN, json!({ "i": { "email": ana.email, "password": PASSWORD } })).await;
    assert_eq!(status, 401);
    assert!(stale["errors"][0]["message"].as_str().unwrap().contains("need no Authorization header"), "{stale:#}");
    let renewed = refresh(&app, &ana.refresh_token).await;
    assert_eq!(status_of(&app, renewed["data"]["refreshSession"]["token"].as_str().unwrap()).await, 200);
}

#[tokio::test]
async fn login_and_sign_up_show_the_persons_memberships() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let login = log_in(&app, &team.seller, PASSWORD).await;
    assert!(login.get("errors").is_none());
    let body = app
        .gql(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { viewer { memberships { role organization { slug } } } } }",
            json!({ "i": { "email": team.seller.email, "password": PASSWORD } }),
        )
        .await;
    assert_eq!(
        body["data"]["login"]["viewer"]["memberships"],
        json!([{ "role": "SELLER", "organization": { "slug": "acme" } }])
    );
    // A consultant's first answer already carries the portfolio, scorecards included.
    let admin = app
        .gql(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { viewer { portfolio { role organization { slug } scorecard { handoffCount } trustReport { signals { signal } } } } } }",
            json!({ "i": { "email": team.admin.email, "password": PASSWORD } }),
        )
        .await;
    assert!(admin.get("errors").is_none(), "{admin:#}");
    let portfolio = &admin["data"]["login"]["viewer"]["portfolio"];
    assert_eq!(portfolio[0]["role"], "ADMIN");
    assert_eq!(portfolio[0]["organization"]["slug"], "acme");
    assert_eq!(portfolio[0]["scorecard"]["handoffCount"], 0);
    assert_eq!(portfolio[0]["trustReport"]["signals"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn ended_sessions_are_swept_after_a_week_and_live_ones_stay() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let phone = log_in(&app, &ana, PASSWORD).await["data"]["login"].clone();
    app.ok(None, LOGOUT, json!({ "i": { "refreshToken": ana.refresh_token } })).await;
    refresh(&app, phone["refreshToken"].as_str().unwrap()).await;
    assert_eq!(app.count_rows("sessions").await, 2);
    assert_eq!(app.count_rows("refresh_tokens").await, 3);
    let later = chrono::Utc::now() + chrono::Duration::days(8);
    let deleted =
        handoff_api::store::sessions::sweep(app.store().conn(), later, chrono::Duration::days(7)).await.unwrap();
    assert_eq!(deleted, 1, "the ended session, its token going with it");
    assert_eq!(app.count_rows("sessions").await, 1);
    assert_eq!(app.count_rows("refresh_tokens").await, 2, "the phone's spent token stays to catch a replay");
}

#[tokio::test]
async fn a_login_racing_a_password_change_never_outlives_it() {
    // Seven attempts at once on one account from one address: more than the throttle lets through
    // unslowed, and the race, not the throttle, is under test.
    let app = TestApp::spawn_with(|c| c.throttle.login_free_failures = 100).await;
    let ana = app.sign_up("ana@example.com").await;
    let change = app.gql(
        Some(&ana.token),
        CHANGE,
        json!({ "i": { "currentPassword": PASSWORD, "newPassword": "a brand new passphrase" } }),
    );
    let logins = futures_util::future::join_all((0..6).map(|_| log_in(&app, &ana, PASSWORD)));
    let (changed, logins) = tokio::join!(change, logins);
    assert!(changed.get("errors").is_none(), "{changed:#}");
    for login in logins.iter().filter(|l| l.get("errors").is_none()) {
        let session = &login["data"]["login"];
        assert_eq!(status_of(&app, session["token"].as_str().unwrap()).await, 401, "a session from the old password");
        assert_eq!(
            error_code(&refresh(&app, session["refreshToken"].as_str().unwrap()).await),
            Some("UNAUTHENTICATED")
        );
    }
}

#[tokio::test]
async fn logging_out_with_a_spent_refresh_token_ends_its_session_but_no_other() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let laptop = log_in(&app, &ana, PASSWORD).await["data"]["login"].clone();
    let next = refresh(&app, &ana.refresh_token).await["data"]["refreshSession"].clone();
    let out = app.ok(None, LOGOUT, json!({ "i": { "refreshToken": ana.refresh_token, "everywhere": true } })).await;
    assert_eq!(out["logout"]["endedSessions"], 1, "a spent token ends its own session only");
    assert_eq!(status_of(&app, next["token"].as_str().unwrap()).await, 401);
    assert_eq!(status_of(&app, laptop["token"].as_str().unwrap()).await, 200);
}
