//! Password guessing and mass sign-ups, attacked the way a botnet or a single scripted client would:
//! in parallel, across accounts, with absurd inputs, against several replicas.

use handoff_e2e::{PASSWORD, TestApp, error_code, error_field, expect_error, expect_error_for};
use serde_json::{Value, json};

const LOGIN: &str = "mutation($i: LoginInput!) { login(input: $i) { token } }";
const SIGN_UP: &str = "mutation($i: SignUpInput!) { signUp(input: $i) { token } }";

fn login(email: &str, password: &str) -> Value {
    json!({ "i": { "email": email, "password": password } })
}

/// The time the servers' clocks stand still at, so a wait of a second cannot run out while a loaded
/// machine hashes a password.
const NOW: &str = "2026-03-02T09:00:00Z";

/// A server that takes `X-Forwarded-For` from loopback, so one test can speak from many addresses.
async fn behind_a_proxy() -> TestApp {
    TestApp::spawn_at_with(NOW, |c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await
}

#[tokio::test]
async fn parallel_guesses_are_reserved_before_hashing_so_they_cannot_all_pass() {
    let app = TestApp::spawn_at(NOW).await;
    app.sign_up("ana@example.com").await;
    let attempts: Vec<_> =
        (0..40).map(|i| app.gql(None, LOGIN, login("ana@example.com", &format!("wrong guess {i}")))).collect();
    let answers = futures_util::future::join_all(attempts).await;
    let checked = answers.iter().filter(|b| error_code(b) == Some("UNAUTHENTICATED")).count();
    let limited = answers.iter().filter(|b| error_code(b) == Some("RATE_LIMITED")).count();
    // Five attempts per account and address pass unslowed; every other one is refused unhashed.
    assert_eq!((checked, limited), (5, 35), "of 40 parallel guesses");
    // The right password waits too, until the clock moves past the wait the fifth guess imposed;
    // the whole request was refused, so HTTP says how long too.
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": LOGIN, "variables": login("ana@example.com", PASSWORD) }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["retry-after"], "1");
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], 1, "{body:#}");
    app.advance(chrono::Duration::seconds(1));
    let body = app.gql(None, LOGIN, login("ana@example.com", PASSWORD)).await;
    assert!(body["data"]["login"]["token"].is_string(), "{body:#}");
}

#[tokio::test]
async fn guesses_from_elsewhere_never_lock_the_owner_out() {
    let app = behind_a_proxy().await;
    app.sign_up("victim@example.com").await;
    for i in 0..10 {
        app.post_from("203.0.113.66", LOGIN, login("victim@example.com", &format!("guess number {i}"))).await;
    }
    let (_, attacker) = app.post_from("203.0.113.66", LOGIN, login("victim@example.com", PASSWORD)).await;
    assert_eq!(error_code(&attacker), Some("RATE_LIMITED"), "{attacker:#}");
    // The owner, from their own address, is not slowed at all.
    let (_, owner) = app.post_from("198.51.100.20", LOGIN, login("victim@example.com", PASSWORD)).await;
    assert!(owner["data"]["login"]["token"].is_string(), "{owner:#}");
}

#[tokio::test]
async fn guesses_spread_over_many_addresses_are_slowed_but_not_the_owner_at_home() {
    let app = behind_a_proxy().await;
    // The owner signed up from home.
    let sign_up = json!({ "i": { "email": "victim@example.com", "password": PASSWORD, "name": "Victim" } });
    let (_, home) = app.post_from("198.51.100.20", SIGN_UP, sign_up).await;
    assert!(home["data"]["signUp"]["token"].is_string(), "{home:#}");
    // Twenty addresses, one guess each (as a botnet or an IPv6 allocation would spread them).
    for i in 0..20 {
        let (_, body) = app.post_from(&format!("203.0.113.{i}"), LOGIN, login("victim@example.com", "a guess")).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body:#}");
    }
    let (_, fresh) = app.post_from("203.0.113.99", LOGIN, login("victim@example.com", "another guess")).await;
    assert_eq!(error_code(&fresh), Some("RATE_LIMITED"), "a 21st unfamiliar address waits: {fresh:#}");
    let wait = fresh["errors"][0]["extensions"]["retryAfterSeconds"].as_u64().unwrap();
    assert!(wait <= 60, "an owner on a new device waits a minute at most, not {wait} s");
    let (_, home) = app.post_from("198.51.100.20", LOGIN, login("victim@example.com", PASSWORD)).await;
    assert!(home["data"]["login"]["token"].is_string(), "the owner at home is not slowed: {home:#}");
}

#[tokio::test]
async fn one_address_spraying_many_accounts_is_limited() {
    let app = behind_a_proxy().await;
    let mut limited_at = None;
    'spray: for email in 0..12 {
        for guess in 0..5 {
            let n = email * 5 + guess;
            let (_, body) = app
                .post_from("203.0.113.7", LOGIN, login(&format!("user{email}@example.com"), &format!("guess {guess}")))
                .await;
            if error_code(&body) == Some("RATE_LIMITED") {
                limited_at = Some(n);
                break 'spray;
            }
        }
    }
    assert_eq!(limited_at, Some(30), "the 31st failure from one address is refused");
    // Another address is unaffected.
    let (_, other) = app.post_from("203.0.113.8", LOGIN, login("user0@example.com", "guess 0")).await;
    assert_eq!(error_code(&other), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn one_address_cannot_hog_the_hashing_queue_with_logins_that_succeed() {
    // Successful logins give their failure budget back, so they need a limit of their own.
    let app = TestApp::spawn_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        c.throttle.address_attempts_per_minute = 5;
    })
    .await;
    app.sign_up("eve@example.com").await;
    for _ in 0..5 {
        let (_, body) = app.post_from("203.0.113.5", LOGIN, login("eve@example.com", PASSWORD)).await;
        assert!(body["data"]["login"]["token"].is_string(), "{body:#}");
    }
    let (_, body) = app.post_from("203.0.113.5", LOGIN, login("eve@example.com", PASSWORD)).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body:#}");
    let (_, body) = app.post_from("203.0.113.6", LOGIN, login("eve@example.com", PASSWORD)).await;
    assert!(body["data"]["login"]["token"].is_string(), "another address is unaffected: {body:#}");
}

#[tokio::test]
async fn megabyte_emails_are_refused_without_storing_anything() {
    let app = TestApp::spawn().await;
    let huge = format!("{}@example.com", "a".repeat(900_000));
    for _ in 0..20 {
        let body = app.gql(None, LOGIN, login(&huge, "whatever it is")).await;
        expect_error(&body, "BAD_USER_INPUT", Some("email"));
    }
    let body = app.gql(None, LOGIN, login("ana@example.com", &"p".repeat(600))).await;
    assert_eq!(error_field(&body), Some("password"));
    assert_eq!(app.count_rows("rate_limits").await, 0);
    // A valid email is counted in four fixed-size buckets: its account-and-address, its account over
    // unfamiliar addresses, its address's failures and its address's attempts.
    app.gql(None, LOGIN, login("ana@example.com", "not the password")).await;
    assert_eq!(app.count_rows("rate_limits").await, 4);
}

#[tokio::test]
async fn the_throttle_is_shared_by_replicas_and_survives_a_restart() {
    let mut first = TestApp::spawn_at(NOW).await;
    first.sign_up("ana@example.com").await;
    for i in 0..5 {
        first.gql(None, LOGIN, login("ana@example.com", &format!("wrong {i}"))).await;
    }
    let replica = first.spawn_replica().await;
    let body = replica.gql(None, LOGIN, login("ana@example.com", PASSWORD)).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body:#}");
    first.stop_server().await;
    let restarted = replica.spawn_replica().await;
    let body = restarted.gql(None, LOGIN, login("ana@example.com", PASSWORD)).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body:#}");
}

#[tokio::test]
async fn sign_ups_per_address_are_limited() {
    let app = TestApp::spawn_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        c.throttle.sign_ups = 3;
    })
    .await;
    let sign_up =
        |n: u32| json!({ "i": { "email": format!("bot{n}@example.com"), "password": PASSWORD, "name": "Bot" } });
    for n in 0..3 {
        let (_, body) = app.post_from("203.0.113.9", SIGN_UP, sign_up(n)).await;
        assert!(body["data"]["signUp"]["token"].is_string(), "{body:#}");
    }
    let (_, body) = app.post_from("203.0.113.9", SIGN_UP, sign_up(3)).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body:#}");
    let (_, body) = app.post_from("203.0.113.10", SIGN_UP, sign_up(4)).await;
    assert!(body["data"]["signUp"]["token"].is_string(), "{body:#}");
}

#[tokio::test]
async fn forwarded_addresses_from_untrusted_peers_are_ignored() {
    let app = TestApp::spawn_at(NOW).await;
    app.sign_up("ana@example.com").await;
    for i in 0..5 {
        app.post_from(&format!("203.0.113.{i}"), LOGIN, login("ana@example.com", &format!("wrong {i}"))).await;
    }
    let (_, body) = app.post_from("203.0.113.99", LOGIN, login("ana@example.com", PASSWORD)).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "rotating the header did not help: {body:#}");
}

#[tokio::test]
async fn weak_and_personal_passwords_are_refused_at_sign_up() {
    let app = TestApp::spawn().await;
    for (email, password, name) in [
        ("ana@example.com", "Password123", "Ana"),
        ("ana@example.com", "qwertyuiop", "Ana"),
        ("ana.lee@example.com", "ana.lee@example.com", "Ana"),
        ("ana@example.com", "Ana Lee Smith", "Ana Lee Smith"),
        ("ana@example.com", "zzzzzzzzzzzz", "Ana"),
    ] {
        let body = app.gql(None, SIGN_UP, json!({ "i": { "email": email, "password": password, "name": name } })).await;
        expect_error_for(&password, &body, "BAD_USER_INPUT", Some("password"));
    }
}

#[tokio::test]
async fn a_flood_of_logins_meets_a_bounded_hashing_queue() {
    let app = &behind_a_proxy().await;
    // Distinct accounts and addresses, so only the hashing queue can refuse.
    let attempts: Vec<_> = (0..160)
        .map(|i| {
            let (client, email) = (format!("10.9.{}.{}", i / 200, i % 200), format!("nobody{i}@example.com"));
            async move { app.post_from(&client, LOGIN, login(&email, "some password")).await.1 }
        })
        .collect();
    let answers = futures_util::future::join_all(attempts).await;
    let limited = answers.iter().filter(|b| error_code(b) == Some("RATE_LIMITED")).count();
    let checked = answers.iter().filter(|b| error_code(b) == Some("UNAUTHENTICATED")).count();
    assert_eq!(limited + checked, 160);
    assert!(limited > 0, "160 logins at once all queued for hashing");
}
