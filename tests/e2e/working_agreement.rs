//! The working agreement: drafted by either side, agreed when both sign the same version.

use handoff_e2e::{Drafted, TestApp, error_code, error_field};
use serde_json::json;

const DRAFT: &str = "mutation($i: DraftWorkingAgreementInput!) { draftWorkingAgreement(input: $i) { workingAgreement { version status } } }";
const SIGN: &str = "mutation($i: SignWorkingAgreementInput!) { signWorkingAgreement(input: $i) { workingAgreement { version status agreedAt partnerMarketingSignedBy { email } salesSignedBy { email } } } }";
const AGREEMENT: &str = "query($s: String!) { organization(slug: $s) {
    workingAgreement { version status acceptanceDefinition responseWindowDays minimumScoreToSend requiredComponents scoreReviewCadenceDays confirmedAccounts { name } }
    agreedWorkingAgreement { version }
    workingAgreementHistory { version status } } }";

#[tokio::test]
async fn an_agreement_needs_both_sides_and_every_change_is_a_new_version() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    app.ok(
        Some(&team.leader.token),
        "mutation($i: ConfirmAccountInput!) { confirmAccount(input: $i) { account { confirmedBySales } } }",
        json!({ "i": { "id": account } }),
    )
    .await;
    let input = json!({ "organizationId": team.org_id, "acceptanceDefinition": "The seller books a call", "responseWindowDays": 2,
        "minimumScoreToSend": 12, "requiredComponents": ["OWNER", "PROOF"], "influenceLanguage": "Partner-sourced: Snowflake", "scoreReviewCadenceDays": 14 });
    let drafted = app.ok(Some(&team.marketer.token), DRAFT, json!({ "i": input })).await;
    assert_eq!(drafted["draftWorkingAgreement"]["workingAgreement"], json!({ "version": 1, "status": "DRAFT" }));
    let one_side =
        app.ok(Some(&team.marketer.token), SIGN, json!({ "i": { "organizationId": team.org_id, "version": 1 } })).await;
    assert_eq!(one_side["signWorkingAgreement"]["workingAgreement"]["status"], "DRAFT");
    let both =
        app.ok(Some(&team.leader.token), SIGN, json!({ "i": { "organizationId": team.org_id, "version": 1 } })).await;
    let agreed = &both["signWorkingAgreement"]["workingAgreement"];
    assert_eq!(agreed["status"], "AGREED");
    assert_eq!(agreed["partnerMarketingSignedBy"]["email"], team.marketer.email);
    assert_eq!(agreed["salesSignedBy"]["email"], team.leader.email);

    // A change makes version 2, a draft; version 1 stays the agreed one.
    app.ok(Some(&team.leader.token), DRAFT, json!({ "i": { "organizationId": team.org_id, "responseWindowDays": 5 } }))
        .await;
    let data = app.ok(Some(&team.marketer.token), AGREEMENT, json!({ "s": "acme" })).await;
    let org = &data["organization"];
    assert_eq!(org["workingAgreement"]["version"], 2);
    assert_eq!(org["workingAgreement"]["status"], "DRAFT");
    assert_eq!(org["workingAgreement"]["responseWindowDays"], 5);
    // Omitted fields carried over from version 1.
    assert_eq!(org["workingAgreement"]["minimumScoreToSend"], 12);
    assert_eq!(org["workingAgreement"]["requiredComponents"], json!(["OWNER", "PROOF"]));
    assert_eq!(org["workingAgreement"]["confirmedAccounts"], json!([{ "name": "Globex" }]));
    assert_eq!(org["agreedWorkingAgreement"]["version"], 1);
    assert_eq!(
        org["workingAgreementHistory"],
        json!([{ "version": 2, "status": "DRAFT" }, { "version": 1, "status": "AGREED" }])
    );
    // Only the latest version can be signed.
    let stale =
        app.gql(Some(&team.leader.token), SIGN, json!({ "i": { "organizationId": team.org_id, "version": 1 } })).await;
    assert_eq!(error_code(&stale), Some("CONFLICT"));
    let by_seller =
        app.gql(Some(&team.seller.token), SIGN, json!({ "i": { "organizationId": team.org_id, "version": 2 } })).await;
    assert_eq!(error_code(&by_seller), Some("FORBIDDEN"));
    let bad = app
        .gql(
            Some(&team.marketer.token),
            DRAFT,
            json!({ "i": { "organizationId": team.org_id, "minimumScoreToSend": 5 } }),
        )
        .await;
    assert_eq!(error_field(&bad), Some("minimumScoreToSend"));
}

#[tokio::test]
async fn the_agreed_version_shapes_new_handoffs_the_send_gate_and_the_plays() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    let plays =
        "query($id: ID!) { node(id: $id) { ... on Handoff { plays acceptanceDefinition responseWindowDays } } }";
    let rule_plays = r#"{ organization(slug: "acme") { rulePlays { play reason } scorecard { rulePlays { play } } } }"#;
    let before = app.ok(Some(&team.marketer.token), rule_plays, json!({})).await;
    let named: Vec<&str> =
        before["organization"]["rulePlays"].as_array().unwrap().iter().map(|p| p["play"].as_str().unwrap()).collect();
    assert_eq!(named, ["RENEGOTIATE_THE_RULE", "SCORE_IN_THE_OPEN"]);
    assert!(before["organization"]["rulePlays"][0]["reason"].as_str().unwrap().contains("working agreement"));
    assert_eq!(before["organization"]["scorecard"]["rulePlays"].as_array().unwrap().len(), 2);

    let input = json!({ "organizationId": team.org_id, "acceptanceDefinition": "The seller books a call", "responseWindowDays": 2, "minimumScoreToSend": 13, "requiredComponents": ["PROOF"] });
    app.ok(Some(&team.admin.token), DRAFT, json!({ "i": input })).await;
    app.ok(Some(&team.admin.token), SIGN, json!({ "i": { "organizationId": team.org_id, "version": 1 } })).await;
    app.ok(Some(&team.leader.token), SIGN, json!({ "i": { "organizationId": team.org_id, "version": 1 } })).await;
    app.ok(
        Some(&team.leader.token),
        "mutation($i: LogScoreReviewInput!) { logScoreReview(input: $i) { scoreReview { id } } }",
        json!({ "i": { "organizationId": team.org_id, "attendeeIds": [team.leader.user_id, team.marketer.user_id] } }),
    )
    .await;

    // New handoffs take the agreed acceptance criteria when the input leaves them out.
    let created = app
        .ok(
            Some(&team.marketer.token),
            "mutation($i: CreateHandoffInput!) { createHandoff(input: $i) { handoff { id acceptanceDefinition responseWindowDays } } }",
            json!({ "i": { "organizationId": team.org_id, "accountId": account, "partnerId": partner, "title": "after", "ownerId": team.marketer.user_id, "nextAction": "Book it" } }),
        )
        .await;
    let handoff = &created["createHandoff"]["handoff"];
    assert_eq!(handoff["acceptanceDefinition"], "The seller books a call");
    assert_eq!(handoff["responseWindowDays"], 2);
    let id = handoff["id"].as_str().unwrap();
    // Creating, `null` is the same as leaving a field out; updating, `null` clears and leaving out
    // keeps: both inputs take one packet.
    let with_nulls = app
        .ok(
            Some(&team.marketer.token),
            "mutation($i: CreateHandoffInput!) { createHandoff(input: $i) { handoff { id acceptanceDefinition responseWindowDays } } }",
            json!({ "i": { "organizationId": team.org_id, "accountId": account, "partnerId": partner, "title": "nulls",
                "acceptanceDefinition": null, "responseWindowDays": null, "whyNow": null } }),
        )
        .await;
    let other = &with_nulls["createHandoff"]["handoff"];
    assert_eq!(
        (&other["acceptanceDefinition"], &other["responseWindowDays"]),
        (&json!("The seller books a call"), &json!(2))
    );
    let update = "mutation($i: UpdateHandoffInput!) { updateHandoff(input: $i) { handoff { acceptanceDefinition responseWindowDays } } }";
    let kept = app
        .ok(
            Some(&team.marketer.token),
            update,
            json!({ "i": { "handoffId": other["id"], "responseWindowDays": null } }),
        )
        .await;
    assert_eq!(
        kept["updateHandoff"]["handoff"],
        json!({ "acceptanceDefinition": "The seller books a call", "responseWindowDays": null })
    );
    // With an agreement and a fresh score review, neither organization-level play applies (once
    // the handoff's own acceptance criteria are not missing).
    app.ok(
        Some(&team.marketer.token),
        "mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { score } } }",
        json!({ "i": { "handoffId": id, "grades": [{ "component": "ACCEPTANCE_CRITERIA", "grade": "WEAK" }] } }),
    )
    .await;
    let node = app.ok(Some(&team.marketer.token), plays, json!({ "id": id })).await;
    let played = node["node"]["plays"].as_array().unwrap();
    assert!(
        !played.contains(&json!("RENEGOTIATE_THE_RULE")) && !played.contains(&json!("SCORE_IN_THE_OPEN")),
        "{played:?}"
    );
    let after = app.ok(Some(&team.marketer.token), rule_plays, json!({})).await;
    assert_eq!(after["organization"]["rulePlays"], json!([]), "agreed and reviewed: no rule play");

    // The agreed minimum (13) and required PROOF hold the send gate.
    app.grade_all(
        &team.marketer,
        id,
        ["STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "MISSING", "MISSING"],
    )
    .await;
    let refused = app.send(&team.marketer, id).await;
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("requires PROOF"), "{message}");
    let blockers = &refused["errors"][0]["extensions"]["blockers"];
    assert_eq!(blockers[0]["code"], "REQUIRED_COMPONENT_MISSING", "{blockers:#}");
    assert_eq!(blockers[0]["component"], "PROOF", "{blockers:#}");
    app.grade_all(
        &team.marketer,
        id,
        ["STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "MISSING", "MISSING", "MISSING", "WEAK"],
    )
    .await;
    let below = app.send(&team.marketer, id).await;
    assert!(below["errors"][0]["message"].as_str().unwrap().contains("(13)"), "{below:#}");
}

#[tokio::test]
async fn the_overdue_sweep_marks_a_silent_handoff_once() {
    let app =
        TestApp::spawn_at_with("2026-03-02T09:00:00Z", |c| c.overdue_interval = std::time::Duration::from_millis(50))
            .await;
    let team = app.team("acme").await;
    let Drafted { id, .. } = app.handoff_scoring(&team, "silent", 18).await;
    app.send(&team.marketer, &id).await;
    let overdue_at = "query($id: ID!) { node(id: $id) { ... on Handoff { overdue overdueAt } } }";
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let early = app.ok(Some(&team.marketer.token), overdue_at, json!({ "id": id })).await;
    assert!(early["node"]["overdueAt"].is_null());
    app.set_time("2026-03-05T09:00:01Z");
    let mut marked = json!(null);
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        marked = app.ok(Some(&team.marketer.token), overdue_at, json!({ "id": id })).await["node"]["overdueAt"].clone();
        if !marked.is_null() {
            break;
        }
    }
    assert_eq!(marked, "2026-03-05T09:00:01+00:00");
    // Later sweeps leave the first mark alone.
    app.set_time("2026-03-09T00:00:00Z");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let later = app.ok(Some(&team.marketer.token), overdue_at, json!({ "id": id })).await;
    assert_eq!(later["node"]["overdueAt"], "2026-03-05T09:00:01+00:00");
}

#[tokio::test]
async fn a_consultant_sees_every_organization_they_run_side_by_side() {
    let app = TestApp::spawn().await;
    let acme = app.team("acme").await;
    let globex = app.team("globex").await;
    // The acme admin also leads sales at globex, and is a seller at a third organization.
    app.add_member(&globex.admin, &globex.org_id, &acme.admin, "SALES_LEADER").await;
    let third = app.team("initech").await;
    app.add_member(&third.admin, &third.org_id, &acme.admin, "SELLER").await;
    let data = app
        .ok(Some(&acme.admin.token), "{ me { portfolio { organization { slug } role scorecard { handoffCount } trustReport { signals { reading } } } } }", json!({}))
        .await;
    let portfolio = data["me"]["portfolio"].as_array().unwrap();
    let slugs: Vec<&str> = portfolio.iter().map(|p| p["organization"]["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["acme", "globex"]);
    assert_eq!(portfolio[1]["role"], "SALES_LEADER");
    assert_eq!(portfolio[0]["scorecard"]["handoffCount"], 0);
    assert_eq!(portfolio[0]["trustReport"]["signals"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn each_side_signs_once_by_a_different_person_and_agreed_signatures_never_change() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let org = team.org_id.clone();
    app.ok(Some(&team.leader.token), DRAFT, json!({ "i": { "organizationId": org, "responseWindowDays": 3 } })).await;
    let sign = |token: String| {
        let app = &app;
        let org = org.clone();
        async move { app.gql(Some(&token), SIGN, json!({ "i": { "organizationId": org, "version": 1 } })).await }
    };
    // The marketer signs for partner marketing, is then made SALES_LEADER, and tries the sales side:
    // one person never signs both sides, whatever role they hold by then.
    assert!(sign(team.marketer.token.clone()).await.get("errors").is_none());
    app.ok(
        Some(&team.admin.token),
        "mutation($i: SetMemberRoleInput!) { setMemberRole(input: $i) { membership { role } } }",
        json!({ "i": { "organizationId": org, "userId": team.marketer.user_id, "role": "SALES_LEADER" } }),
    )
    .await;
    let both = sign(team.marketer.token.clone()).await;
    assert_eq!(error_code(&both), Some("CONFLICT"), "{both:#}");
    assert!(both["errors"][0]["message"].as_str().unwrap().contains("other side"));
    // An ADMIN holds no sales leader's rights to hand to a token of their own.
    let token = app
        .gql(
            Some(&team.admin.token),
            "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
            json!({ "i": { "organizationId": org, "name": "leader", "role": "SALES_LEADER" } }),
        )
        .await;
    assert_eq!(error_field(&token), Some("role"));
    // The marketing side is signed: the ADMIN cannot sign it again.
    let again = sign(team.admin.token.clone()).await;
    assert_eq!(error_code(&again), Some("CONFLICT"));
    // The real sales leader signs; the version is agreed and nobody signs it again.
    let agreed = sign(team.leader.token.clone()).await;
    assert_eq!(agreed["data"]["signWorkingAgreement"]["workingAgreement"]["status"], "AGREED");
    for late in [team.leader.token.clone(), team.marketer.token.clone(), team.admin.token.clone()] {
        let body = sign(late).await;
        assert_eq!(error_code(&body), Some("CONFLICT"));
    }
    let org_view = app.ok(Some(&team.admin.token), AGREEMENT, json!({ "s": "acme" })).await;
    assert_eq!(org_view["organization"]["agreedWorkingAgreement"]["version"], 1);
    let audit = app
        .ok(
            Some(&team.admin.token),
            r#"{ organization(slug: "acme") { auditLog { edges { node { action } } } } }"#,
            json!({}),
        )
        .await;
    let actions: Vec<&str> = audit["organization"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "agreement.signed").count(), 2, "{actions:?}");
    assert!(actions.contains(&"agreement.drafted"));
}
