//! API tokens act as the member who made them, never with more than that member holds now.

use handoff_e2e::{Person, TestApp, error_code, error_field, expect_error};
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id name role prefix userId revokedAt } } }";
const REVOKE: &str = "mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { apiToken { id revokedAt } } }";
const SET_ROLE: &str = "mutation($i: SetMemberRoleInput!) { setMemberRole(input: $i) { membership { role } } }";
const ROLE_HERE: &str = r#"{ organization(slug: "acme") { viewerRole } }"#;

async fn create_token(app: &TestApp, maker: &Person, org: &str, role: &str) -> (String, Value) {
    let data = app
        .ok(Some(&maker.token), CREATE, json!({ "i": { "organizationId": org, "name": "CRM sidebar", "role": role } }))
        .await;
    let payload = &data["createApiToken"];
    (payload["token"].as_str().unwrap().to_owned(), payload["apiToken"].clone())
}

async fn set_role(app: &TestApp, admin: &Person, org: &str, who: &Person, role: &str) {
    app.ok(
        Some(&admin.token),
        SET_ROLE,
        json!({ "i": { "organizationId": org, "userId": who.user_id, "role": role } }),
    )
    .await;
}

#[tokio::test]
async fn a_seller_makes_a_token_that_acts_as_them_in_one_organization() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let acme = app.create_org(&ana, "acme").await;
    app.create_org(&ana, "globex").await;
    let sam = app.sign_up("sam@example.com").await;
    app.add_member(&ana, &acme, &sam, "SELLER").await;
    let (secret, token) = create_token(&app, &sam, &acme, "SELLER").await;
    assert_eq!((token["role"].as_str(), token["userId"].as_str()), (Some("SELLER"), Some(sam.user_id.as_str())));
    assert!(secret.starts_with(token["prefix"].as_str().unwrap()));
    let me = app.ok(Some(&secret), "{ me { id memberships { role organization { slug } } } }", json!({})).await;
    assert_eq!(me["me"]["id"], sam.user_id.as_str());
    assert_eq!(me["me"]["memberships"], json!([{ "role": "SELLER", "organization": { "slug": "acme" } }]));
    // An ADMIN's token for acme does not open globex.
    let (admin_secret, _) = create_token(&app, &ana, &acme, "ADMIN").await;
    let other = app.ok(Some(&admin_secret), r#"{ organization(slug: "globex") { id } }"#, json!({})).await;
    assert!(other["organization"].is_null());
    // A SELLER token cannot do an ADMIN's work.
    let body = app
        .gql(
            Some(&secret),
            handoff_e2e::INVITE,
            json!({ "i": { "organizationId": acme, "email": "x@example.com", "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
}

#[tokio::test]
async fn nobody_makes_a_token_with_more_than_they_hold_or_as_someone_else() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let body = app
        .gql(
            Some(&team.seller.token),
            CREATE,
            json!({ "i": { "organizationId": team.org_id, "name": "x", "role": "ADMIN" } }),
        )
        .await;
    expect_error(&body, "BAD_USER_INPUT", Some("role"));
    let body = app
        .gql(
            Some(&team.marketer.token),
            CREATE,
            json!({ "i": { "organizationId": team.org_id, "name": "x", "role": "SELLER" } }),
        )
        .await;
    assert_eq!(error_field(&body), Some("role"), "another role is not a lesser one");
    // There is no way to name another member.
    let body = app
        .gql(
            Some(&team.admin.token),
            CREATE,
            json!({ "i": { "organizationId": team.org_id, "name": "x", "role": "SELLER", "userId": team.seller.user_id } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"), "{body:#}");
    // A token cannot mint tokens.
    let (admin_secret, _) = create_token(&app, &team.admin, &team.org_id, "ADMIN").await;
    let minted = app
        .gql(
            Some(&admin_secret),
            CREATE,
            json!({ "i": { "organizationId": team.org_id, "name": "x", "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(error_code(&minted), Some("FORBIDDEN"));
    // Roles are not nested: an ADMIN holds no sales leader's rights to hand to a token.
    let body = app
        .gql(
            Some(&team.admin.token),
            CREATE,
            json!({ "i": { "organizationId": team.org_id, "name": "x", "role": "SALES_LEADER" } }),
        )
        .await;
    assert_eq!(error_field(&body), Some("role"));
    // Nor can a token remove the member who made it, though a person may leave.
    let (seller_tool, _) = create_token(&app, &team.seller, &team.org_id, "SELLER").await;
    let leave = "mutation($i: RemoveMemberInput!) { removeMember(input: $i) { removedUserId } }";
    let input = json!({ "i": { "organizationId": team.org_id, "userId": team.seller.user_id } });
    let body = app.gql(Some(&seller_tool), leave, input.clone()).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    app.ok(Some(&team.seller.token), leave, input).await;
}

#[tokio::test]
async fn a_token_shrinks_with_its_makers_demotion_and_dies_with_their_removal() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let acme = app.create_org(&ana, "acme").await;
    let bob = app.sign_up("bob@example.com").await;
    app.add_member(&ana, &acme, &bob, "ADMIN").await;
    let (secret, _) = create_token(&app, &bob, &acme, "ADMIN").await;
    assert_eq!(app.ok(Some(&secret), ROLE_HERE, json!({})).await["organization"]["viewerRole"], "ADMIN");

    set_role(&app, &ana, &acme, &bob, "SELLER").await;
    assert_eq!(app.ok(Some(&secret), ROLE_HERE, json!({})).await["organization"]["viewerRole"], "SELLER");
    let admin_work = app
        .gql(
            Some(&secret),
            handoff_e2e::INVITE,
            json!({ "i": { "organizationId": acme, "email": "x@example.com", "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(error_code(&admin_work), Some("FORBIDDEN"));
    set_role(&app, &ana, &acme, &bob, "PARTNER_MARKETER").await;
    assert_eq!(app.ok(Some(&secret), ROLE_HERE, json!({})).await["organization"]["viewerRole"], "PARTNER_MARKETER");

    // Removed: every token Bob made is refused on the next request, and stays dead if he returns.
    app.ok(
        Some(&ana.token),
        "mutation($i: RemoveMemberInput!) { removeMember(input: $i) { removedUserId } }",
        json!({ "i": { "organizationId": acme, "userId": bob.user_id } }),
    )
    .await;
    assert_eq!(app.post(Some(&secret), "{ me { id } }", json!({})).await.0, 401);
    app.add_member(&ana, &acme, &bob, "ADMIN").await;
    assert_eq!(app.post(Some(&secret), "{ me { id } }", json!({})).await.0, 401);
}

#[tokio::test]
async fn admins_list_and_revoke_any_token_and_the_trail_records_it() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let (secret, token) = create_token(&app, &team.seller, &team.org_id, "SELLER").await;
    app.ok(Some(&secret), "{ me { id } }", json!({})).await;
    let list = app
        .ok(
            Some(&team.admin.token),
            r#"{ organization(slug: "acme") { apiTokens { edges { node { id userId } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(list["organization"]["apiTokens"]["edges"][0]["node"]["id"], token["id"]);
    assert!(!list.to_string().contains(&secret), "no secret is listed");
    // A colleague may not revoke it; an ADMIN may.
    let body = app.gql(Some(&team.seller2.token), REVOKE, json!({ "i": { "id": token["id"] } })).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let revoked = app.ok(Some(&team.admin.token), REVOKE, json!({ "i": { "id": token["id"] } })).await;
    assert!(revoked["revokeApiToken"]["apiToken"]["revokedAt"].is_string());
    assert_eq!(app.post(Some(&secret), "{ me { id } }", json!({})).await.0, 401);
    let audit = app
        .ok(
            Some(&team.admin.token),
            r#"{ organization(slug: "acme") { auditLog(first: 2) { edges { node { action actor { email } } } } } }"#,
            json!({}),
        )
        .await;
    let edges = &audit["organization"]["auditLog"]["edges"];
    assert_eq!(edges[0]["node"], json!({ "action": "api_token.revoked", "actor": { "email": team.admin.email } }));
    assert_eq!(edges[1]["node"], json!({ "action": "api_token.created", "actor": { "email": team.seller.email } }));
}

#[tokio::test]
async fn another_organizations_token_id_is_not_found() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let acme = app.create_org(&ana, "acme").await;
    let (_, token) = create_token(&app, &ana, &acme, "ADMIN").await;
    let eve = app.sign_up("eve@example.com").await;
    app.create_org(&eve, "evil").await;
    let body = app.gql(Some(&eve.token), REVOKE, json!({ "i": { "id": token["id"] } })).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"));
    let node =
        app.gql(Some(&eve.token), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": token["id"] })).await;
    assert_eq!(error_code(&node), Some("NOT_FOUND"));
}
