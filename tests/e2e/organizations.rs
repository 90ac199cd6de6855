use handoff_e2e::{TestApp, error_code, expect_error, expect_error_for};
use serde_json::json;

const CREATE: &str = "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id slug name viewerRole } } }";

#[tokio::test]
async fn the_creator_of_an_organization_is_its_admin() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let data = app.ok(Some(&ana.token), CREATE, json!({ "i": { "name": "Acme Corp", "slug": "acme" } })).await;
    assert_eq!(data["createOrganization"]["organization"]["viewerRole"], "ADMIN");
    let me = app.ok(Some(&ana.token), "{ me { memberships { role organization { slug name } } } }", json!({})).await;
    assert_eq!(
        me["me"]["memberships"],
        json!([{ "role": "ADMIN", "organization": { "slug": "acme", "name": "Acme Corp" } }])
    );
    let org = app.ok(Some(&ana.token), r#"{ organization(slug: "acme") { id name } }"#, json!({})).await;
    assert_eq!(org["organization"]["id"], data["createOrganization"]["organization"]["id"]);
}

#[tokio::test]
async fn slugs_must_follow_the_rules_and_be_free() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    for bad in ["ab", "Acme", "acme corp", "-acme", "acme_co", &"x".repeat(41)] {
        let body = app.gql(Some(&ana.token), CREATE, json!({ "i": { "name": "Acme", "slug": bad } })).await;
        expect_error_for(&bad, &body, "BAD_USER_INPUT", Some("slug"));
    }
    app.create_org(&ana, "acme").await;
    let bob = app.sign_up("bob@example.com").await;
    let taken = app.gql(Some(&bob.token), CREATE, json!({ "i": { "name": "Other", "slug": "acme" } })).await;
    expect_error(&taken, "CONFLICT", Some("slug"));
    // The refused creation left nothing behind: Bob belongs to no organization.
    let me = app.ok(Some(&bob.token), "{ me { memberships { role } } }", json!({})).await;
    assert_eq!(me["me"]["memberships"], json!([]));
}

#[tokio::test]
async fn creating_an_organization_needs_a_login() {
    let app = TestApp::spawn().await;
    let body = app.gql(None, CREATE, json!({ "i": { "name": "Acme", "slug": "acme" } })).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn a_non_member_sees_nothing_of_an_organization() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let org_id = app.create_org(&ana, "acme").await;
    let eve = app.sign_up("eve@example.com").await;
    let data = app.ok(Some(&eve.token), r#"{ organization(slug: "acme") { id } }"#, json!({})).await;
    assert!(data["organization"].is_null());
    let anonymous = app.ok(None, r#"{ organization(slug: "acme") { id } }"#, json!({})).await;
    assert!(anonymous["organization"].is_null());
    // The same answer as for an organization that does not exist.
    let missing = app.ok(Some(&eve.token), r#"{ organization(slug: "no-such-org") { id } }"#, json!({})).await;
    assert!(missing["organization"].is_null());
    let node = app.gql(Some(&eve.token), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": org_id })).await;
    assert_eq!(error_code(&node), Some("NOT_FOUND"));
    assert!(node["data"]["node"].is_null());
}

#[tokio::test]
async fn node_fetches_an_organization_for_a_member() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let org_id = app.create_org(&ana, "acme").await;
    let data = app
        .ok(
            Some(&ana.token),
            "query($id: ID!) { node(id: $id) { id ... on Organization { slug } } }",
            json!({ "id": org_id }),
        )
        .await;
    assert_eq!(data["node"]["slug"], "acme");
    let me = app
        .ok(
            Some(&ana.token),
            "query($id: ID!) { node(id: $id) { ... on User { email } } }",
            json!({ "id": ana.user_id }),
        )
        .await;
    assert_eq!(me["node"]["email"], "ana@example.com");
}

#[tokio::test]
async fn ids_are_checked_for_their_type() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    app.create_org(&ana, "acme").await;
    // A user ID where an organization ID belongs.
    let body = app
        .gql(
            Some(&ana.token),
            handoff_e2e::INVITE,
            json!({ "i": { "organizationId": ana.user_id, "email": "x@example.com", "role": "SELLER" } }),
        )
        .await;
    expect_error(&body, "BAD_USER_INPUT", Some("organizationId"));
    let garbage = app.gql(Some(&ana.token), r#"{ node(id: "not-an-id") { id } }"#, json!({})).await;
    expect_error(&garbage, "BAD_USER_INPUT", Some("id"));
}
