//! `serve --demo` gives a newcomer a realistic organization at once: two quarters of handoffs,
//! answers and trust records ending now, and a second client for the portfolio.

use handoff_e2e::TestApp;
use serde_json::{Value, json};

async fn log_in(app: &TestApp, email: &str) -> String {
    let login = app
        .ok(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { token } }",
            json!({ "i": { "email": email, "password": handoff_api::demo::PASSWORD } }),
        )
        .await;
    login["login"]["token"].as_str().unwrap().to_owned()
}

/// The demo organization, read by `email`, with `selection`.
async fn demo_org(app: &TestApp, email: &str, selection: &str) -> Value {
    let token = log_in(app, email).await;
    let query = format!(r#"{{ organization(slug: "demo") {{ {selection} }} }}"#);
    app.ok(Some(&token), &query, json!({})).await["organization"].clone()
}

#[tokio::test]
async fn the_demo_organization_spans_every_band_and_status() {
    let app = TestApp::spawn_with(|c| c.demo = true).await;
    let org = demo_org(
        &app,
        "marketer@demo.example",
        "members { edges { node { role } } }
         handoffs(first: 100) { edges { node { title status band overdue responses { decision reason failedComponents } } } }",
    )
    .await;
    let roles: Vec<&str> =
        org["members"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["role"].as_str().unwrap()).collect();
    for role in ["ADMIN", "PARTNER_MARKETER", "SELLER", "SALES_LEADER"] {
        assert!(roles.contains(&role), "{role} missing from {roles:?}");
    }
    assert!(roles.iter().filter(|r| **r == "SELLER").count() >= 3, "repeat usage needs three sellers: {roles:?}");
    let handoffs: Vec<&Value> = org["handoffs"]["edges"].as_array().unwrap().iter().map(|e| &e["node"]).collect();
    for (key, values) in [
        ("status", &["DRAFT", "SENT", "ACCEPTED", "DECLINED"][..]),
        ("band", &["SALES_READY", "FIX_BEFORE_VOLUME", "NOT_A_HANDOFF_YET"][..]),
    ] {
        for value in values {
            assert!(handoffs.iter().any(|h| h[key] == *value), "no handoff with {key} {value}");
        }
    }
    let overdue: Vec<&Value> = handoffs.iter().copied().filter(|h| h["overdue"] == true).collect();
    assert_eq!(overdue.len(), 1, "exactly one handoff is overdue: {overdue:#?}");
    assert_eq!(overdue[0]["status"], "SENT");

    let answers = |h: &&Value| h["responses"].as_array().unwrap().clone();
    let named_decline = handoffs.iter().filter(|h| h["status"] == "DECLINED").flat_map(answers).any(|r| {
        r["decision"] == "DECLINE" && r["reason"].is_string() && !r["failedComponents"].as_array().unwrap().is_empty()
    });
    assert!(named_decline, "no decline names its failed components and a reason");
    let clarification = handoffs.iter().filter(|h| h["status"] == "SENT").flat_map(answers);
    assert!(clarification.clone().any(|r| r["decision"] == "REQUEST_CLARIFICATION"), "no open clarification");
}

#[tokio::test]
async fn the_demo_quarter_gives_every_trust_signal_a_value_and_a_trend() {
    let app = TestApp::spawn_with(|c| c.demo = true).await;
    let org = demo_org(
        &app,
        "leader@demo.example",
        "trustReport(days: 90) {
           signals { signal value previousValue trend reading sampleSize previousSampleSize }
           handoffScoreTrend trustImproving bothImproving
         }",
    )
    .await;
    let report = &org["trustReport"];
    let signals = report["signals"].as_array().unwrap();
    assert_eq!(signals.len(), 6);
    for s in signals {
        assert!(s["value"].is_number() && s["previousValue"].is_number(), "{s:#}");
        assert!(s["trend"].is_string(), "{s:#}");
        assert_ne!(s["reading"], "NOT_ENOUGH_DATA", "{s:#}");
    }
    let building = signals.iter().filter(|s| s["reading"] == "BUILDING").count();
    assert!(building >= 4, "the demo tells of trust building: {signals:#?}");
    assert_eq!(report["handoffScoreTrend"], "UP");
    assert_eq!(report["trustImproving"], true);
    assert_eq!(report["bothImproving"], true);
}

#[tokio::test]
async fn the_demo_has_a_signed_agreement_reviews_and_trust_records() {
    let app = TestApp::spawn_with(|c| c.demo = true).await;
    let org = demo_org(
        &app,
        "admin@demo.example",
        "agreedWorkingAgreement { status partnerMarketingSignedBy { email } salesSignedBy { email } }
         workingAgreementHistory { version }
         rulePlays { play }
         scoreReviews { edges { node { id } } }
         partnerAsks { edges { node { broughtByPartnerMarketing } } }
         partnerMeetings { edges { node { id } } }
         pipelineMentions { edges { node { id } } }
         escalations { edges { node { topic } } }",
    )
    .await;
    let agreement = &org["agreedWorkingAgreement"];
    assert_eq!(agreement["status"], "AGREED");
    assert_eq!(agreement["partnerMarketingSignedBy"]["email"], "marketer@demo.example");
    assert_eq!(agreement["salesSignedBy"]["email"], "leader@demo.example");
    assert!(org["workingAgreementHistory"].as_array().unwrap().len() >= 2, "{org:#}");
    // Signed, and scores reviewed within the agreed cadence: no rule play is called for.
    assert_eq!(org["rulePlays"], json!([]));
    for list in ["scoreReviews", "partnerAsks", "partnerMeetings", "pipelineMentions", "escalations"] {
        assert!(!org[list]["edges"].as_array().unwrap().is_empty(), "no {list}");
    }
    let asks = org["partnerAsks"]["edges"].as_array().unwrap();
    assert!(asks.iter().any(|a| a["node"]["broughtByPartnerMarketing"] == true));
    assert!(asks.iter().any(|a| a["node"]["broughtByPartnerMarketing"] == false));
}

#[tokio::test]
async fn the_demo_admin_and_sales_leader_compare_two_organizations() {
    let app = TestApp::spawn_with(|c| c.demo = true).await;
    for email in ["admin@demo.example", "leader@demo.example"] {
        let token = log_in(&app, email).await;
        let me = app
            .ok(
                Some(&token),
                "{ me { portfolio { organization { slug } role scorecard { averageScore } trustReport { trustImproving } } } }",
                json!({}),
            )
            .await;
        let portfolio = me["me"]["portfolio"].as_array().unwrap();
        let mut slugs: Vec<&str> = portfolio.iter().map(|e| e["organization"]["slug"].as_str().unwrap()).collect();
        slugs.sort_unstable();
        assert_eq!(slugs, ["demo", "demo-northwind"], "{email}");
        let improving = |slug: &str| {
            let entry = portfolio.iter().find(|e| e["organization"]["slug"] == slug).unwrap();
            assert!(entry["scorecard"]["averageScore"].is_number(), "{entry:#}");
            entry["trustReport"]["trustImproving"].as_bool().unwrap()
        };
        assert!(improving("demo") && !improving("demo-northwind"), "{email}: {portfolio:#?}");
    }
}

#[tokio::test]
async fn a_second_start_with_the_flag_loads_nothing_more() {
    let app = TestApp::spawn_with(|c| c.demo = true).await;
    let count = |org: Value| org["handoffs"]["edges"].as_array().unwrap().len();
    let before = count(demo_org(&app, "admin@demo.example", "handoffs(first: 100) { edges { node { id } } }").await);
    let again = app.spawn_replica_with(|c| c.demo = true).await;
    let after = count(demo_org(&again, "admin@demo.example", "handoffs(first: 100) { edges { node { id } } }").await);
    assert_eq!(before, after);
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
