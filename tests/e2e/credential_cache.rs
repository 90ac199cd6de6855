//! The credential cache (PostgreSQL) serves repeat requests without reading sessions and
//! memberships, and every change to them still applies: on the replica that made it at the next
//! request, on the others as soon as the database's notice arrives, and after a lost listening
//! connection no stale entry survives. On SQLite there is no cache and the same rules hold.

use std::time::{Duration, Instant};

use handoff_e2e::{TestApp, error_code};
use serde_json::json;

const REMOVE: &str = "mutation($i: RemoveMemberInput!) { removeMember(input: $i) { removedUserId } }";
const LOGOUT: &str = "mutation($i: LogoutInput!) { logout(input: $i) { endedSessions } }";
const CREATE_TOKEN: &str = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }";
const REVOKE_TOKEN: &str = "mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { apiToken { id } } }";
const ROLE_HERE: &str = "query($slug: String!) { organization(slug: $slug) { viewerRole } }";

async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.post(Some(token), "{ me { id } }", json!({})).await.0
}

/// Polls until `token` is refused, up to two seconds; answers how long that took.
async fn refused_within(app: &TestApp, token: &str) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        if me_status(app, token).await == 401 {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

#[tokio::test]
async fn repeat_requests_read_no_credentials_from_the_database() {
    let app = TestApp::spawn_without_sweeps().await;
    let ana = app.sign_up("ana@example.com").await;
    app.create_org(&ana, "acme").await;
    // The first request reads the session and the memberships; the next ones do not (PostgreSQL).
    app.ok(Some(&ana.token), ROLE_HERE, json!({ "slug": "acme" })).await;
    app.settle().await;
    let before = app.statements();
    let answer = app.ok(Some(&ana.token), ROLE_HERE, json!({ "slug": "acme" })).await;
    assert_eq!(answer["organization"]["viewerRole"], "ADMIN");
    let repeat = app.statements() - before;
    // The organization by slug is the one statement left; SQLite also reads session and roles.
    let expected = if app.on_postgres() { 1 } else { 3 };
    assert_eq!(repeat, expected, "statements for a repeated request");
    // `me` answers from the person read with the session: nothing at all on PostgreSQL.
    app.ok(Some(&ana.token), "{ me { id name email } }", json!({})).await;
    app.settle().await;
    let before = app.statements();
    let me = app.ok(Some(&ana.token), "{ me { id name email } }", json!({})).await;
    assert_eq!(me["me"]["email"], "ana@example.com");
    let expected = if app.on_postgres() { 0 } else { 2 };
    assert_eq!(app.statements() - before, expected, "statements for a repeated `me`");
    // A refused mutation changed nothing and does not empty the cache: nobody can flush it at will.
    let junk = app.gql(None, REVOKE_TOKEN, json!({ "i": { "id": "not-an-id" } })).await;
    assert!(junk["errors"].is_array(), "{junk:#}");
    app.settle().await;
    let before = app.statements();
    app.ok(Some(&ana.token), "{ me { id } }", json!({})).await;
    assert_eq!(app.statements() - before, expected, "statements after a refused mutation");
}

#[tokio::test]
async fn a_removed_member_loses_the_organization_on_the_very_next_request() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let slug = json!({ "slug": "acme" });
    // Cached: the seller's memberships are in memory now.
    for _ in 0..2 {
        let answer = app.ok(Some(&team.seller.token), ROLE_HERE, slug.clone()).await;
        assert_eq!(answer["organization"]["viewerRole"], "SELLER");
    }
    let remove = json!({ "i": { "organizationId": team.org_id, "userId": team.seller.user_id } });
    app.ok(Some(&team.admin.token), REMOVE, remove).await;
    let after = app.ok(Some(&team.seller.token), ROLE_HERE, slug).await;
    assert!(after["organization"].is_null(), "{after:#}");
}

#[tokio::test]
async fn a_logout_through_one_replica_is_refused_by_another_within_a_notice() {
    let app = TestApp::spawn().await;
    let replica = app.spawn_replica().await;
    let ana = app.sign_up("ana@example.com").await;
    // The replica caches the session.
    assert_eq!(me_status(&replica, &ana.token).await, 200);
    assert_eq!(me_status(&replica, &ana.token).await, 200);
    app.ok(Some(&ana.token), LOGOUT, json!({ "i": { "refreshToken": ana.refresh_token } })).await;
    // The replica that ran the logout refuses at once.
    assert_eq!(me_status(&app, &ana.token).await, 401);
    let took = refused_within(&replica, &ana.token).await;
    assert!(took.is_some(), "the other replica still accepts a logged-out token after 2 s");
}

#[tokio::test]
async fn a_revoked_api_token_is_refused_on_the_next_request_on_every_replica() {
    let app = TestApp::spawn().await;
    let replica = app.spawn_replica().await;
    let team = app.team("acme").await;
    let created = app
        .ok(
            Some(&team.admin.token),
            CREATE_TOKEN,
            json!({ "i": { "organizationId": team.org_id, "name": "CRM", "role": "ADMIN" } }),
        )
        .await;
    let token = created["createApiToken"]["token"].as_str().unwrap().to_owned();
    let id = created["createApiToken"]["apiToken"]["id"].as_str().unwrap().to_owned();
    for server in [&app, &replica, &app, &replica] {
        assert_eq!(me_status(server, &token).await, 200);
    }
    app.ok(Some(&team.admin.token), REVOKE_TOKEN, json!({ "i": { "id": id } })).await;
    assert_eq!(me_status(&app, &token).await, 401);
    assert!(refused_within(&replica, &token).await.is_some(), "the replica still accepts a revoked token");
}

#[tokio::test]
async fn a_change_made_while_the_listener_is_down_leaves_no_stale_entry() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    assert_eq!(me_status(&app, &ana.token).await, 200);
    assert_eq!(me_status(&app, &ana.token).await, 200);
    if app.on_postgres() {
        // Cut the server's listening connection: notices sent now are lost.
        let sql = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                   WHERE datname = current_database() AND query LIKE 'LISTEN%'";
        app.execute_sql(sql).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A change nobody hears about: the session ends behind the server's back.
    app.execute_sql("UPDATE sessions SET ended_at = expires_at").await;
    // Whether the server is still reconnecting (cache off) or listening again (cache emptied on
    // resuming), the ended session is refused.
    assert_eq!(me_status(&app, &ana.token).await, 401);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(me_status(&app, &ana.token).await, 401);
    let body = app.gql(Some(&ana.token), "{ me { id } }", json!({})).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}
