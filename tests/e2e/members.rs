use handoff_e2e::{Person, TestApp, error_code, expect_error};
use serde_json::json;

const SET_ROLE: &str = "mutation($i: SetMemberRoleInput!) { setMemberRole(input: $i) { membership { role } } }";
const REMOVE: &str = "mutation($i: RemoveMemberInput!) { removeMember(input: $i) { removedUserId } }";
const MEMBERS: &str = "query($slug: String!, $first: Int, $after: String) { organization(slug: $slug) { members(first: $first, after: $after) { edges { cursor node { role user { email } } } pageInfo { hasNextPage endCursor } } } }";

async fn org_with_admin(app: &TestApp) -> (Person, String) {
    let ana = app.sign_up("ana@example.com").await;
    let org = app.create_org(&ana, "acme").await;
    (ana, org)
}

#[tokio::test]
async fn a_removed_member_is_refused_on_the_next_request() {
    let app = TestApp::spawn().await;
    let (ana, org) = org_with_admin(&app).await;
    let sam = app.sign_up("sam@example.com").await;
    app.add_member(&ana, &org, &sam, "PARTNER_MARKETER").await;
    let before = app.ok(Some(&sam.token), r#"{ organization(slug: "acme") { id } }"#, json!({})).await;
    assert_eq!(before["organization"]["id"], org.as_str());
    app.ok(Some(&ana.token), REMOVE, json!({ "i": { "organizationId": org, "userId": sam.user_id } })).await;
    // Sam's access token is still valid, but the membership is gone.
    let after = app.ok(Some(&sam.token), r#"{ organization(slug: "acme") { id } }"#, json!({})).await;
    assert!(after["organization"]["id"].is_null());
    let members = app.gql(Some(&sam.token), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": org })).await;
    assert_eq!(error_code(&members), Some("NOT_FOUND"));
}

#[tokio::test]
async fn the_last_admin_can_be_neither_removed_nor_demoted() {
    let app = TestApp::spawn().await;
    let (ana, org) = org_with_admin(&app).await;
    let demote = app
        .gql(
            Some(&ana.token),
            SET_ROLE,
            json!({ "i": { "organizationId": org, "userId": ana.user_id, "role": "SELLER" } }),
        )
        .await;
    assert_eq!(error_code(&demote), Some("CONFLICT"));
    let remove =
        app.gql(Some(&ana.token), REMOVE, json!({ "i": { "organizationId": org, "userId": ana.user_id } })).await;
    assert_eq!(error_code(&remove), Some("CONFLICT"));
    // With a second ADMIN, the first may step down.
    let bob = app.sign_up("bob@example.com").await;
    app.add_member(&ana, &org, &bob, "ADMIN").await;
    let data = app
        .ok(
            Some(&ana.token),
            SET_ROLE,
            json!({ "i": { "organizationId": org, "userId": ana.user_id, "role": "SALES_LEADER" } }),
        )
        .await;
    assert_eq!(data["setMemberRole"]["membership"]["role"], "SALES_LEADER");
    // Now Bob is the last ADMIN.
    let remove_bob =
        app.gql(Some(&bob.token), REMOVE, json!({ "i": { "organizationId": org, "userId": bob.user_id } })).await;
    assert_eq!(error_code(&remove_bob), Some("CONFLICT"));
}

#[tokio::test]
async fn a_role_change_applies_on_the_next_request() {
    let app = TestApp::spawn().await;
    let (ana, org) = org_with_admin(&app).await;
    let sam = app.sign_up("sam@example.com").await;
    let lee = app.sign_up("lee@example.com").await;
    app.add_member(&ana, &org, &sam, "ADMIN").await;
    app.add_member(&sam, &org, &lee, "SELLER").await;
    app.ok(
        Some(&ana.token),
        SET_ROLE,
        json!({ "i": { "organizationId": org, "userId": sam.user_id, "role": "SELLER" } }),
    )
    .await;
    let body = app
        .gql(
            Some(&sam.token),
            SET_ROLE,
            json!({ "i": { "organizationId": org, "userId": lee.user_id, "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
}

#[tokio::test]
async fn a_member_may_leave_but_not_remove_others() {
    let app = TestApp::spawn().await;
    let (ana, org) = org_with_admin(&app).await;
    let sam = app.sign_up("sam@example.com").await;
    let lee = app.sign_up("lee@example.com").await;
    app.add_member(&ana, &org, &sam, "SELLER").await;
    app.add_member(&ana, &org, &lee, "SELLER").await;
    let body =
        app.gql(Some(&sam.token), REMOVE, json!({ "i": { "organizationId": org, "userId": lee.user_id } })).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    app.ok(Some(&sam.token), REMOVE, json!({ "i": { "organizationId": org, "userId": sam.user_id } })).await;
    let me = app.ok(Some(&sam.token), "{ me { memberships { role } } }", json!({})).await;
    assert_eq!(me["me"]["memberships"], json!([]));
}

#[tokio::test]
async fn members_are_paged_with_cursors() {
    let app = TestApp::spawn().await;
    let (ana, org) = org_with_admin(&app).await;
    for name in ["b", "c"] {
        let p = app.sign_up(&format!("{name}@example.com")).await;
        app.add_member(&ana, &org, &p, "SELLER").await;
    }
    let first = app.ok(Some(&ana.token), MEMBERS, json!({ "slug": "acme", "first": 2 })).await;
    let page = &first["organization"]["members"];
    let emails: Vec<&str> =
        page["edges"].as_array().unwrap().iter().map(|e| e["node"]["user"]["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["ana@example.com", "b@example.com"]);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let after = page["pageInfo"]["endCursor"].as_str().unwrap();
    let second = app.ok(Some(&ana.token), MEMBERS, json!({ "slug": "acme", "first": 2, "after": after })).await;
    let page = &second["organization"]["members"];
    assert_eq!(page["edges"].as_array().unwrap().len(), 1);
    assert_eq!(page["edges"][0]["node"]["user"]["email"], "c@example.com");
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn page_sizes_above_one_hundred_and_foreign_cursors_are_refused() {
    let app = TestApp::spawn().await;
    org_with_admin(&app).await;
    let ana_token = app.gql(None, "mutation { login(input: {email: \"ana@example.com\", password: \"correct horse battery staple\"}) { token } }", json!({})).await;
    let token = ana_token["data"]["login"]["token"].as_str().unwrap();
    let big = app.gql(Some(token), MEMBERS, json!({ "slug": "acme", "first": 101 })).await;
    expect_error(&big, "BAD_USER_INPUT", Some("first"));
    let negative = app.gql(Some(token), MEMBERS, json!({ "slug": "acme", "first": -1 })).await;
    assert_eq!(error_code(&negative), Some("BAD_USER_INPUT"));
    let hundred = app.ok(Some(token), MEMBERS, json!({ "slug": "acme", "first": 100 })).await;
    assert_eq!(hundred["organization"]["members"]["edges"].as_array().unwrap().len(), 1);
    let cursor = app.gql(Some(token), MEMBERS, json!({ "slug": "acme", "after": "bogus" })).await;
    expect_error(&cursor, "BAD_USER_INPUT", Some("after"));
}
