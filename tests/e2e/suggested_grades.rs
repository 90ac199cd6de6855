//! `Handoff.suggestedGrades` and `gradeGaps`: what the packet itself supports, next to the grades
//! the marketer gave (docs/scorecard.md, "What the packet supports").

use chrono::{Duration, Utc};
use handoff_e2e::TestApp;
use serde_json::{Value, json};

const SUGGESTED: &str = "query($id: ID!) { node(id: $id) { ... on Handoff {
    suggestedGrades { component grade reasons } gradeGaps } } }";
const CREATE: &str = "mutation($i: CreateHandoffInput!) { createHandoff(input: $i) { handoff { id } } }";

fn grades(answer: &Value) -> Vec<(String, String)> {
    answer["node"]["suggestedGrades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["component"].as_str().unwrap().to_owned(), s["grade"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn a_packet_written_to_pass_is_strong_and_a_thin_one_shows_its_gaps() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    // The account is confirmed by sales, and on the agreed working agreement.
    let confirm = "mutation($i: ConfirmAccountInput!) { confirmAccount(input: $i) { account { id } } }";
    app.ok(Some(&team.leader.token), confirm, json!({ "i": { "id": account } })).await;
    let draft = "mutation($i: DraftWorkingAgreementInput!) { draftWorkingAgreement(input: $i) { workingAgreement { version } } }";
    app.ok(
        Some(&team.marketer.token),
        draft,
        json!({ "i": { "organizationId": team.org_id, "responseWindowDays": 3 } }),
    )
    .await;
    let sign =
        "mutation($i: SignWorkingAgreementInput!) { signWorkingAgreement(input: $i) { workingAgreement { status } } }";
    for who in [&team.marketer, &team.leader] {
        app.ok(Some(&who.token), sign, json!({ "i": { "organizationId": team.org_id, "version": 1 } })).await;
    }

    let today = Utc::now().date_naive();
    let strong = json!({ "i": {
        "organizationId": team.org_id, "accountId": account, "partnerId": partner, "title": "Written to pass",
        "sellerId": team.seller.user_id, "ownerId": team.marketer.user_id,
        "whyThisAccount": "Renewal in the quarter", "whyNow": "Budget approved last week",
        "partnerContext": "Snowflake hosts their warehouse and ran the pilot with them.",
        "partnerPerson": "Dana Reyes at Snowflake", "ourPerson": "Sam Okafor, our account executive",
        "connectingThread": "Both sit on the pilot's steering group",
        "buyerProblem": "Month-end close takes twelve days",
        "offerDescription": "A close-time teardown workshop", "offerAgreedWithPartner": true,
        "offerAvailableBy": (today + Duration::days(5)).to_string(),
        "nextAction": "Book a call with the controller", "nextActionDueBy": (today + Duration::days(3)).to_string(),
        "acceptanceDefinition": "A discovery call is booked", "responseWindowDays": 3,
        "proof": [{ "label": "Pilot report", "url": "https://example.com/pilot" }]
    } });
    let strong = app.ok(Some(&team.marketer.token), CREATE, strong).await["createHandoff"]["handoff"]["id"].clone();
    app.grade_all(&team.marketer, strong.as_str().unwrap(), ["STRONG"; 9]).await;
    let answer = app.ok(Some(&team.marketer.token), SUGGESTED, json!({ "id": strong })).await;
    assert!(grades(&answer).iter().all(|(_, g)| g == "STRONG"), "{answer:#}");
    assert_eq!(answer["node"]["gradeGaps"], json!([]), "{answer:#}");

    // A thin packet graded STRONG throughout: every component it cannot back is a gap.
    let thin = app.create_handoff(&team, &account, &partner, "Thin packet").await;
    app.grade_all(&team.marketer, &thin, ["STRONG"; 9]).await;
    let answer = app.ok(Some(&team.marketer.token), SUGGESTED, json!({ "id": thin })).await;
    let expected: Vec<(String, String)> = [
        ("TARGET_ACCOUNT_LOGIC", "WEAK"), // no why-now
        ("PARTNER_CONTEXT", "MISSING"),
        ("RELATIONSHIP_PATH", "MISSING"),
        ("BUYER_PROBLEM", "STRONG"),
        ("PARTNER_OFFER", "MISSING"),
        ("NEXT_ACTION", "WEAK"), // no due date
        ("OWNER", "STRONG"),
        ("ACCEPTANCE_CRITERIA", "STRONG"),
        ("PROOF", "STRONG"),
    ]
    .iter()
    .map(|(c, g)| (c.to_string(), g.to_string()))
    .collect();
    assert_eq!(grades(&answer), expected, "{answer:#}");
    assert_eq!(
        answer["node"]["gradeGaps"],
        json!(["TARGET_ACCOUNT_LOGIC", "PARTNER_CONTEXT", "RELATIONSHIP_PATH", "PARTNER_OFFER", "NEXT_ACTION"])
    );
    // Sent, both count in the scorecard: one of the marketer's two handoffs has gaps.
    app.send(&team.marketer, strong.as_str().unwrap()).await;
    app.send(&team.marketer, &thin).await;
    let by_grader = || async {
        app.ok(
            Some(&team.leader.token),
            r#"{ organization(slug: "acme") { scorecard(lastN: 5) {
                gradeGapsByMarketer { marketer { email } handoffCount handoffsWithGaps gapRate } } } }"#,
            json!({}),
        )
        .await["organization"]["scorecard"]["gradeGapsByMarketer"]
            .clone()
    };
    assert_eq!(
        by_grader().await,
        json!([{ "marketer": { "email": team.marketer.email }, "handoffCount": 2, "handoffsWithGaps": 1, "gapRate": 0.5 }])
    );
    // A gap is charged to whoever gave the grade: the sales leader re-grades the thin packet's
    // offer (which it does not back) STRONG.
    let regrade = "mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { id } } }";
    let input = json!({ "i": { "handoffId": thin, "grades": [{ "component": "PARTNER_OFFER", "grade": "STRONG" }] } });
    app.ok(Some(&team.leader.token), regrade, input).await;
    assert_eq!(
        by_grader().await,
        json!([
            { "marketer": { "email": team.leader.email }, "handoffCount": 1, "handoffsWithGaps": 1, "gapRate": 1.0 },
            { "marketer": { "email": team.marketer.email }, "handoffCount": 2, "handoffsWithGaps": 1, "gapRate": 0.5 }
        ])
    );
    let account_reasons = &answer["node"]["suggestedGrades"][0]["reasons"];
    assert_eq!(
        account_reasons,
        &json!([
            "the account is on the agreed working agreement's confirmed accounts",
            "the addressed seller owns the account",
            "it says why this account",
            "it does not say why now"
        ]),
    );
}
