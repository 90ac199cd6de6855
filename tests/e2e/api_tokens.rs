use handoff_e2e::{Person, TestApp, error_code};
use serde_json::{Value, json};

const CREATE: &str = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id name role prefix userId revokedAt } } }";
const REVOKE: &str = "mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { apiToken { id revokedAt } } }";

async fn create_token(app: &TestApp, admin: &Person, org: &str, role: &str, user_id: Option<&str>) -> (String, Value) {
    let data = app
        .ok(
            Some(&admin.token),
            CREATE,
            json!({ "i": { "organizationId": org, "name": "CRM sidebar", "role": role, "userId": user_id } }),
        )
        .await;
    let payload = &data["createApiToken"];
    (payload["token"].as_str().unwrap().to_owned(), payload["apiToken"].clone())
}

#[tokio::test]
async fn an_api_token_acts_in_one_organization_with_its_role() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let acme = app.create_org(&ana, "acme").await;
    app.create_org(&ana, "globex").await;
    let sam = app.sign_up("sam@example.com").await;
    app.add_member(&ana, &acme, &sam, "SELLER").await;
    let (secret, token) = create_token(&app, &ana, &acme, "SELLER", Some(&sam.user_id)).await;
    assert_eq!(token["role"], "SELLER");
    assert_eq!(token["userId"], sam.user_id.as_str());
    assert!(secret.starts_with(token["prefix"].as_str().unwrap()));

    let me = app.ok(Some(&secret), "{ me { id memberships { role organization { slug } } } }", json!({})).await;
    assert_eq!(me["me"]["id"], sam.user_id.as_str());
    assert_eq!(me["me"]["memberships"], json!([{ "role": "SELLER", "organization": { "slug": "acme" } }]));
    let seen = app.ok(Some(&secret), r#"{ organization(slug: "acme") { viewerRole } }"#, json!({})).await;
    assert_eq!(seen["organization"]["viewerRole"], "SELLER");
    // An ADMIN's token for acme does not open globex.
    let (admin_secret, _) = create_token(&app, &ana, &acme, "ADMIN", None).await;
    let other = app.ok(Some(&admin_secret), r#"{ organization(slug: "globex") { id } }"#, json!({})).await;
    assert!(other["organization"].is_null());
    // A SELLER token cannot do an ADMIN's work.
    let body = app
        .gql(
            Some(&secret),
            "mutation($i: AddMemberInput!) { addMember(input: $i) { membership { role } } }",
            json!({ "i": { "organizationId": acme, "email": "x@example.com", "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
}

#[tokio::test]
async fn a_revoked_api_token_is_refused_on_the_next_request() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let acme = app.create_org(&ana, "acme").await;
    let (secret, token) = create_token(&app, &ana, &acme, "SALES_LEADER", None).await;
    app.ok(Some(&secret), "{ me { id } }", json!({})).await;
    let revoked = app.ok(Some(&ana.token), REVOKE, json!({ "i": { "id": token["id"] } })).await;
    assert!(revoked["revokeApiToken"]["apiToken"]["revokedAt"].is_string());
    let (status, body) = app.post(Some(&secret), "{ me { id } }", json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn removing_a_member_disables_the_tokens_that_act_as_them() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let acme = app.create_org(&ana, "acme").await;
    let sam = app.sign_up("sam@example.com").await;
    app.add_member(&ana, &acme, &sam, "SELLER").await;
    let (secret, _) = create_token(&app, &ana, &acme, "SELLER", Some(&sam.user_id)).await;
    app.ok(
        Some(&ana.token),
        "mutation($i: RemoveMemberInput!) { removeMember(input: $i) { removedUserId } }",
        json!({ "i": { "organizationId": acme, "userId": sam.user_id } }),
    )
    .await;
    let (status, _) = app.post(Some(&secret), "{ me { id } }", json!({})).await;
    assert_eq!(status, 401);
    // Re-adding Sam does not bring the old token back.
    app.add_member(&ana, &acme, &sam, "SELLER").await;
    let (status, _) = app.post(Some(&secret), "{ me { id } }", json!({})).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn tokens_are_managed_by_admins_only_and_never_by_tokens() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let acme = app.create_org(&ana, "acme").await;
    let sam = app.sign_up("sam@example.com").await;
    app.add_member(&ana, &acme, &sam, "PARTNER_MARKETER").await;
    let body = app
        .gql(Some(&sam.token), CREATE, json!({ "i": { "organizationId": acme, "name": "x", "role": "SELLER" } }))
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let (admin_secret, _) = create_token(&app, &ana, &acme, "ADMIN", None).await;
    let minted = app
        .gql(Some(&admin_secret), CREATE, json!({ "i": { "organizationId": acme, "name": "x", "role": "ADMIN" } }))
        .await;
    assert_eq!(error_code(&minted), Some("FORBIDDEN"));
    let outsider = app.sign_up("eve@example.com").await;
    let body = app
        .gql(
            Some(&ana.token),
            CREATE,
            json!({ "i": { "organizationId": acme, "name": "x", "role": "SELLER", "userId": outsider.user_id } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn the_secret_is_shown_once_and_listed_tokens_carry_no_secret() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let acme = app.create_org(&ana, "acme").await;
    let (secret, token) = create_token(&app, &ana, &acme, "SELLER", None).await;
    let list = app
        .gql(
            Some(&ana.token),
            r#"{ organization(slug: "acme") { apiTokens { edges { node { id name prefix lastUsedAt } } } } }"#,
            json!({}),
        )
        .await;
    assert!(list.get("errors").is_none(), "{list:#}");
    let listed = &list["data"]["organization"]["apiTokens"]["edges"][0]["node"];
    assert_eq!(listed["id"], token["id"]);
    assert!(!list.to_string().contains(&secret));
    let no_secret_field = app
        .gql(
            Some(&ana.token),
            r#"{ organization(slug: "acme") { apiTokens { edges { node { token } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&no_secret_field), Some("GRAPHQL_VALIDATION_FAILED"));
}

#[tokio::test]
async fn another_organizations_token_id_is_not_found() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let acme = app.create_org(&ana, "acme").await;
    let (_, token) = create_token(&app, &ana, &acme, "SELLER", None).await;
    let eve = app.sign_up("eve@example.com").await;
    app.create_org(&eve, "evil").await;
    let body = app.gql(Some(&eve.token), REVOKE, json!({ "i": { "id": token["id"] } })).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"));
    let node =
        app.gql(Some(&eve.token), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": token["id"] })).await;
    assert_eq!(error_code(&node), Some("NOT_FOUND"));
}

#[tokio::test]
async fn a_token_stops_working_when_its_member_changes_role() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let acme = app.create_org(&ana, "acme").await;
    let bob = app.sign_up("bob@example.com").await;
    app.add_member(&ana, &acme, &bob, "ADMIN").await;
    let bob_admin = Person { token: bob.token.clone(), ..bob.clone() };
    let (secret, _) = create_token(&app, &bob_admin, &acme, "ADMIN", None).await;
    app.ok(Some(&secret), "{ me { id } }", json!({})).await;
    // Bob is demoted; his ADMIN token must not keep ADMIN power.
    app.ok(
        Some(&ana.token),
        "mutation($i: SetMemberRoleInput!) { setMemberRole(input: $i) { membership { role } } }",
        json!({ "i": { "organizationId": acme, "userId": bob.user_id, "role": "SELLER" } }),
    )
    .await;
    let (status, body) = app.post(Some(&secret), "{ me { id } }", json!({})).await;
    assert_eq!(status, 401, "{body:#}");
}

#[tokio::test]
async fn a_token_acting_as_another_member_carries_exactly_their_role() {
    let app = TestApp::spawn().await;
    let ana = app.sign_up("ana@example.com").await;
    let acme = app.create_org(&ana, "acme").await;
    let sam = app.sign_up("sam@example.com").await;
    app.add_member(&ana, &acme, &sam, "SELLER").await;
    let body = app
        .gql(
            Some(&ana.token),
            CREATE,
            json!({ "i": { "organizationId": acme, "name": "x", "role": "ADMIN", "userId": sam.user_id } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert_eq!(handoff_e2e::error_field(&body), Some("role"));
    // An ADMIN may give a token of their own a smaller role.
    let (_, own) = create_token(&app, &ana, &acme, "SALES_LEADER", None).await;
    assert_eq!(own["role"], "SALES_LEADER");
}
