//! `serve --demo` gives a newcomer a realistic organization at once.

use handoff_e2e::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_demo_organization_spans_every_band_and_status() {
    let app = TestApp::spawn_with(|c| c.demo = true).await;
    let login = app
        .ok(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { token } }",
            json!({ "i": { "email": "marketer@demo.example", "password": handoff_api::demo::PASSWORD } }),
        )
        .await;
    let token = login["login"]["token"].as_str().unwrap();
    let data = app
        .ok(Some(token), r#"{ organization(slug: "demo") { members { edges { node { role } } } handoffs { edges { node { status band } } } } }"#, json!({}))
        .await;
    let org = &data["organization"];
    let roles: Vec<&str> =
        org["members"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["role"].as_str().unwrap()).collect();
    for role in ["ADMIN", "PARTNER_MARKETER", "SELLER", "SALES_LEADER"] {
        assert!(roles.contains(&role), "{role} missing from {roles:?}");
    }
    let handoffs = org["handoffs"]["edges"].as_array().unwrap();
    assert_eq!(handoffs.len(), 12);
    for (key, values) in [
        ("status", &["DRAFT", "SENT", "ACCEPTED", "DECLINED"][..]),
        ("band", &["SALES_READY", "FIX_BEFORE_VOLUME", "NOT_A_HANDOFF_YET"][..]),
    ] {
        for value in values {
            assert!(handoffs.iter().any(|h| h["node"][key] == *value), "no handoff with {key} {value}");
        }
    }
}

#[tokio::test]
async fn without_the_flag_no_demo_data_is_loaded() {
    let app = TestApp::spawn().await;
    let login = app
        .gql(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { token } }",
            json!({ "i": { "email": "marketer@demo.example", "password": handoff_api::demo::PASSWORD } }),
        )
        .await;
    assert_eq!(handoff_e2e::error_code(&login), Some("UNAUTHENTICATED"));
}
