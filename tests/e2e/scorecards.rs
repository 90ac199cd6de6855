//! The scorecard over the last sent handoffs, lists of handoffs, who sees what, and query cost.

use handoff_e2e::{Team, TestApp, documents, error_code, error_field, expect_error};
use serde_json::{Value, json};

const SCORECARD: &str = "query($s: String!, $n: Int, $p: ID, $m: ID) { organization(slug: $s) { scorecard(lastN: $n, partnerId: $p, marketerId: $m) {
    handoffCount averageScore band bandGuidance weakestComponents plays componentAverages { component averagePoints } handoffs { title }
} } }";

/// Creates, grades and sends a handoff; `points` per component in table order.
async fn sent(app: &TestApp, team: &Team, account: &str, partner: &str, title: &str, grades: [&str; 9]) -> String {
    let id = app.create_handoff(team, account, partner, title).await;
    app.grade_all(&team.marketer, &id, grades).await;
    let body = app.send(&team.marketer, &id).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    id
}

const ALL_STRONG: [&str; 9] = ["STRONG"; 9];
/// 10 points: proof, acceptance criteria, owner and next action missing, offer strong.
const TEN: [&str; 9] = ["STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "MISSING", "MISSING", "MISSING", "MISSING"];
/// 12 points.
const TWELVE: [&str; 9] = ["STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "MISSING", "MISSING", "MISSING"];
/// 14 points.
const FOURTEEN: [&str; 9] =
    ["STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "MISSING", "MISSING"];

#[tokio::test]
async fn the_scorecard_grades_the_last_three_sent_not_the_best_one() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    sent(&app, &team, &account, &partner, "best, oldest", ALL_STRONG).await;
    sent(&app, &team, &account, &partner, "ten", TEN).await;
    sent(&app, &team, &account, &partner, "twelve", TWELVE).await;
    sent(&app, &team, &account, &partner, "fourteen", FOURTEEN).await;
    // A draft, however good, does not count.
    let draft = app.create_handoff(&team, &account, &partner, "draft").await;
    app.grade_all(&team.marketer, &draft, ALL_STRONG).await;

    let data = app.ok(Some(&team.leader.token), SCORECARD, json!({ "s": "acme" })).await;
    let card = &data["organization"]["scorecard"];
    assert_eq!(card["handoffCount"], 3);
    assert_eq!(card["averageScore"], 12.0);
    assert_eq!(card["band"], "FIX_BEFORE_VOLUME");
    assert!(card["bandGuidance"].as_str().unwrap().contains("two weakest"));
    assert_eq!(card["handoffs"], json!([{ "title": "fourteen" }, { "title": "twelve" }, { "title": "ten" }]));
    // Acceptance criteria and proof are missing in all three; they tie at 0 and keep table order.
    assert_eq!(card["weakestComponents"], json!(["ACCEPTANCE_CRITERIA", "PROOF"]));
    let averages: Vec<f64> =
        card["componentAverages"].as_array().unwrap().iter().map(|c| c["averagePoints"].as_f64().unwrap()).collect();
    let owner = averages[6];
    assert!((owner - 2.0 / 3.0).abs() < 1e-9, "owner average {owner}");
    assert_eq!(card["plays"], json!(["SHRINK_THE_ASK", "RENEGOTIATE_THE_RULE", "SCORE_IN_THE_OPEN"]));

    let four = app.ok(Some(&team.leader.token), SCORECARD, json!({ "s": "acme", "n": 4 })).await;
    assert_eq!(four["organization"]["scorecard"]["averageScore"], 13.5);
}

#[tokio::test]
async fn an_empty_scorecard_says_so() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let data = app.ok(Some(&team.marketer.token), SCORECARD, json!({ "s": "acme" })).await;
    let card = &data["organization"]["scorecard"];
    assert_eq!(card["handoffCount"], 0);
    assert!(card["averageScore"].is_null() && card["band"].is_null());
    assert_eq!(card["weakestComponents"], json!([]));
    let bad = app.gql(Some(&team.marketer.token), SCORECARD, json!({ "s": "acme", "n": 0 })).await;
    assert_eq!(error_field(&bad), Some("lastN"));
}

#[tokio::test]
async fn the_scorecard_narrows_to_one_partner_or_one_marketer() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let snowflake = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let datadog = app.create_partner(&team.marketer, &team.org_id, "Datadog").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    sent(&app, &team, &account, &snowflake, "s1", ALL_STRONG).await;
    sent(&app, &team, &account, &datadog, "d1", TEN).await;
    let by_partner = app.ok(Some(&team.marketer.token), SCORECARD, json!({ "s": "acme", "p": snowflake })).await;
    assert_eq!(by_partner["organization"]["scorecard"]["averageScore"], 18.0);
    let by_marketer =
        app.ok(Some(&team.marketer.token), SCORECARD, json!({ "s": "acme", "m": team.marketer.user_id })).await;
    assert_eq!(by_marketer["organization"]["scorecard"]["handoffCount"], 2);
    let nobody = app.ok(Some(&team.marketer.token), SCORECARD, json!({ "s": "acme", "m": team.admin.user_id })).await;
    assert_eq!(nobody["organization"]["scorecard"]["handoffCount"], 0);
}

const LIST: &str =
    "query($s: String!, $first: Int, $after: String, $status: HandoffStatus, $band: Band, $order: HandoffOrder) {
    organization(slug: $s) { handoffs(first: $first, after: $after, status: $status, band: $band, orderBy: $order) {
        edges { cursor node { title score status } } pageInfo { hasNextPage endCursor } } } }";

fn titles(body: &Value) -> Vec<String> {
    body["organization"]["handoffs"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_role_sees_its_own_share_of_handoffs() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let mine = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    let theirs = app.create_account(&team.marketer, &team.org_id, "Initech", &team.seller2).await;
    sent(&app, &team, &mine, &partner, "to seller", ALL_STRONG).await;
    sent(&app, &team, &theirs, &partner, "to seller2", ALL_STRONG).await;
    app.create_handoff(&team, &mine, &partner, "draft").await;
    let as_seller = app.ok(Some(&team.seller.token), LIST, json!({ "s": "acme" })).await;
    assert_eq!(titles(&as_seller), ["to seller"]);
    let as_leader = app.ok(Some(&team.leader.token), LIST, json!({ "s": "acme" })).await;
    assert_eq!(titles(&as_leader), ["to seller2", "to seller"]);
    let as_marketer = app.ok(Some(&team.marketer.token), LIST, json!({ "s": "acme" })).await;
    assert_eq!(titles(&as_marketer), ["draft", "to seller2", "to seller"]);
}

#[tokio::test]
async fn handoffs_filter_order_and_page_by_score() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    sent(&app, &team, &account, &partner, "ten", TEN).await;
    sent(&app, &team, &account, &partner, "eighteen", ALL_STRONG).await;
    sent(&app, &team, &account, &partner, "twelve", TWELVE).await;
    let draft = app.create_handoff(&team, &account, &partner, "draft").await;
    app.grade_all(&team.marketer, &draft, FOURTEEN).await;

    let by_score = json!({ "field": "SCORE", "direction": "DESC" });
    let first = app.ok(Some(&team.marketer.token), LIST, json!({ "s": "acme", "first": 2, "order": by_score })).await;
    assert_eq!(titles(&first), ["eighteen", "draft"]);
    let cursor = first["organization"]["handoffs"]["pageInfo"]["endCursor"].as_str().unwrap();
    let second = app
        .ok(Some(&team.marketer.token), LIST, json!({ "s": "acme", "first": 2, "after": cursor, "order": by_score }))
        .await;
    assert_eq!(titles(&second), ["twelve", "ten"]);
    assert_eq!(second["organization"]["handoffs"]["pageInfo"]["hasNextPage"], false);
    // A cursor from one order does not page another.
    let mixed = app.gql(Some(&team.marketer.token), LIST, json!({ "s": "acme", "after": cursor })).await;
    assert_eq!(error_field(&mixed), Some("after"));

    let sent_only = app
        .ok(
            Some(&team.marketer.token),
            LIST,
            json!({ "s": "acme", "status": "SENT", "order": { "field": "SENT_AT", "direction": "ASC" } }),
        )
        .await;
    assert_eq!(titles(&sent_only), ["ten", "eighteen", "twelve"]);
    let ready = app.ok(Some(&team.marketer.token), LIST, json!({ "s": "acme", "band": "SALES_READY" })).await;
    assert_eq!(titles(&ready), ["eighteen"]);
}

#[tokio::test]
async fn ids_from_another_organization_are_not_found_everywhere() {
    let app = TestApp::spawn().await;
    let acme = app.team("acme").await;
    let partner = app.create_partner(&acme.marketer, &acme.org_id, "Snowflake").await;
    let account = app.create_account(&acme.marketer, &acme.org_id, "Globex", &acme.seller).await;
    let handoff = sent(&app, &acme, &account, &partner, "acme's", ALL_STRONG).await;

    // A consultant who is ADMIN of another organization, and of acme too, as a partner marketer.
    let other = app.team("umbrella").await;
    let mutations = [
        (
            "mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { id } } }",
            json!({ "handoffId": handoff, "grades": [{ "component": "PROOF", "grade": "WEAK" }] }),
        ),
        (
            "mutation($i: SendHandoffInput!) { sendHandoff(input: $i) { handoff { id } } }",
            json!({ "handoffId": handoff }),
        ),
        (documents::UPDATE_HANDOFF, json!({ "handoffId": handoff, "title": "x" })),
        (
            "mutation($i: ArchiveHandoffInput!) { archiveHandoff(input: $i) { handoff { id } } }",
            json!({ "handoffId": handoff }),
        ),
        (
            "mutation($i: RespondToHandoffInput!) { respondToHandoff(input: $i) { handoff { id } } }",
            json!({ "handoffId": handoff, "decision": "ACCEPT" }),
        ),
        (
            "mutation($i: UpdatePartnerInput!) { updatePartner(input: $i) { partner { id } } }",
            json!({ "id": partner, "name": "x" }),
        ),
        (
            "mutation($i: ArchiveAccountInput!) { archiveAccount(input: $i) { account { id } } }",
            json!({ "id": account }),
        ),
    ];
    for (who, token) in [("admin", &other.admin.token), ("seller", &other.seller.token)] {
        for (mutation, input) in &mutations {
            let body = app.gql(Some(token), mutation, json!({ "i": input })).await;
            assert_eq!(error_code(&body), Some("NOT_FOUND"), "{who}: {mutation}: {body:#}");
        }
        for id in [&handoff, &partner, &account] {
            let node = app.gql(Some(token), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
            assert_eq!(error_code(&node), Some("NOT_FOUND"));
        }
    }
    // Even a member of both cannot use acme's account in umbrella.
    app.add_member(&acme.admin, &acme.org_id, &other.admin, "PARTNER_MARKETER").await;
    let umbrella_partner = app.create_partner(&other.admin, &other.org_id, "Umbrella partner").await;
    let crossed = app
        .gql(
            Some(&other.admin.token),
            documents::CREATE_HANDOFF,
            json!({ "i": { "organizationId": other.org_id, "accountId": account, "partnerId": umbrella_partner, "title": "crossed" } }),
        )
        .await;
    expect_error(&crossed, "NOT_FOUND", Some("accountId"));
}

#[tokio::test]
async fn a_page_of_handoffs_costs_the_same_statements_whatever_its_size() {
    let app = TestApp::spawn_without_sweeps().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let mut accounts = Vec::new();
    for name in ["Globex", "Initech", "Hooli"] {
        accounts.push(app.create_account(&team.marketer, &team.org_id, name, &team.seller).await);
    }
    for i in 0..50 {
        let id = app.create_handoff(&team, &accounts[i % 3], &partner, &format!("h{i}")).await;
        app.grade_all(&team.marketer, &id, if i % 2 == 0 { TWELVE } else { ALL_STRONG }).await;
    }
    let page = "query($s: String!, $first: Int) { organization(slug: $s) { handoffs(first: $first) { edges { node {
        title score band weakestComponents plays grades { component grade gradedBy { email } } owner { email } seller { email }
        account { name } partner { name } sendBlockers { code } } } } } }";
    // The first page keeps the organization and the people it names in memory (PostgreSQL).
    app.ok(Some(&team.marketer.token), page, json!({ "s": "acme", "first": 50 })).await;
    let mut costs = Vec::new();
    for first in [1, 10, 50] {
        // The least of two tries: the notice of the test's own earlier writes can arrive late
        // under load and empty the cache once.
        let mut tries = Vec::new();
        let mut data = json!(null);
        for _ in 0..2 {
            app.settle().await;
            let before = app.statements();
            data = app.ok(Some(&team.marketer.token), page, json!({ "s": "acme", "first": first })).await;
            tries.push(app.statements() - before);
        }
        costs.push(tries.into_iter().min().unwrap());
        let edges = data["organization"]["handoffs"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), first as usize);
        assert!(edges.iter().all(|e| e["node"]["grades"].as_array().unwrap().len() == 9
            && e["node"]["owner"]["email"] == team.marketer.email));
    }
    eprintln!("statements for a page of 1, 10 and 50 handoffs: {costs:?}");
    assert_eq!(costs[0], costs[2], "statements for 1, 10, 50 handoffs: {costs:?}");
    assert_eq!(costs[1], costs[2], "statements for 1, 10, 50 handoffs: {costs:?}");
    // PostgreSQL: the transaction-local settings, the page with its accounts and partners, its
    // grades, the send rules (minimum, agreed working agreement) and the sellers' roles; session,
    // memberships, organization and people come from memory. SQLite reads those four as well.
    let expected = if app.on_postgres() { 6 } else { 9 };
    assert_eq!(costs[2], expected, "a page of 50 took {} statements", costs[2]);
}

#[tokio::test]
async fn paging_one_at_a_time_by_sent_time_visits_every_handoff_once() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    for title in ["first", "second", "third"] {
        sent(&app, &team, &account, &partner, title, ALL_STRONG).await;
    }
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..5 {
        let page = app
            .ok(
                Some(&team.leader.token),
                LIST,
                json!({ "s": "acme", "first": 1, "after": after, "order": { "field": "SENT_AT", "direction": "ASC" } }),
            )
            .await;
        seen.extend(titles(&page));
        let info = &page["organization"]["handoffs"]["pageInfo"];
        if info["hasNextPage"] == false {
            break;
        }
        after = info["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, ["first", "second", "third"]);
}
