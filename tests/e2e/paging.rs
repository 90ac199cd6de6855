//! Relay paging both ways: `first`/`after` forward, `last`/`before` backward, `pageInfo` telling
//! the truth in each direction, and `totalCount` where the list stays small.

use handoff_e2e::{TestApp, expect_error_for};
use serde_json::{Value, json};

const PARTNERS: &str = "query($s: String!, $first: Int, $after: String, $last: Int, $before: String, $all: Boolean) {
    organization(slug: $s) { partners(first: $first, after: $after, last: $last, before: $before, includeArchived: $all) {
        totalCount edges { cursor node { name } } pageInfo { hasPreviousPage hasNextPage startCursor endCursor } } } }";

fn names(page: &Value) -> Vec<String> {
    page["edges"].as_array().unwrap().iter().map(|e| e["node"]["name"].as_str().unwrap().to_owned()).collect()
}

fn flags(page: &Value) -> (bool, bool) {
    let info = &page["pageInfo"];
    (info["hasPreviousPage"].as_bool().unwrap(), info["hasNextPage"].as_bool().unwrap())
}

#[tokio::test]
async fn a_list_pages_backward_from_its_end_and_counts_every_page() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let mut ids = Vec::new();
    for name in ["p1", "p2", "p3", "p4", "p5"] {
        ids.push(app.create_partner(&team.marketer, &team.org_id, name).await);
    }
    let token = Some(team.marketer.token.as_str());
    let app = &app;
    let partners = |vars: Value| async move {
        let mut vars = vars;
        vars["s"] = json!("acme");
        app.ok(token, PARTNERS, vars).await["organization"]["partners"].clone()
    };

    let last = partners(json!({ "last": 2 })).await;
    assert_eq!(names(&last), ["p4", "p5"], "the last rows, still in list order");
    assert_eq!(flags(&last), (true, false));
    assert_eq!(last["totalCount"], 5);
    let before = last["pageInfo"]["startCursor"].as_str().unwrap().to_owned();
    let middle = partners(json!({ "last": 2, "before": before })).await;
    assert_eq!(names(&middle), ["p2", "p3"]);
    assert_eq!(flags(&middle), (true, true));
    let before = middle["pageInfo"]["startCursor"].as_str().unwrap().to_owned();
    let start = partners(json!({ "last": 2, "before": before })).await;
    assert_eq!(names(&start), ["p1"]);
    assert_eq!(flags(&start), (false, true), "nothing lies before the first row");
    assert_eq!(start["totalCount"], 5, "the count is the whole list's, not the page's");

    // Forward from the middle agrees with backward.
    let after = middle["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let forward = partners(json!({ "first": 10, "after": after })).await;
    assert_eq!(names(&forward), ["p4", "p5"]);
    assert_eq!(flags(&forward), (true, false));

    // The count follows the list's filters.
    app.ok(
        Some(&team.marketer.token),
        "mutation($i: ArchivePartnerInput!) { archivePartner(input: $i) { partner { id } } }",
        json!({ "i": { "id": ids[0] } }),
    )
    .await;
    assert_eq!(partners(json!({})).await["totalCount"], 4);
    assert_eq!(partners(json!({ "all": true })).await["totalCount"], 5);
}

#[tokio::test]
async fn handoffs_page_backward_in_any_order_and_meet_the_forward_pages() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    let grades = [
        ["STRONG"; 9],
        ["WEAK"; 9],
        ["STRONG", "STRONG", "STRONG", "WEAK", "WEAK", "WEAK", "WEAK", "WEAK", "WEAK"],
        ["WEAK"; 9],
        ["MISSING"; 9],
    ];
    for (i, grades) in grades.into_iter().enumerate() {
        let id = app.create_handoff(&team, &account, &partner, &format!("h{i}")).await;
        app.grade_all(&team.marketer, &id, grades).await;
    }
    let query = "query($s: String!, $first: Int, $after: String, $last: Int, $before: String) {
        organization(slug: $s) { handoffs(first: $first, after: $after, last: $last, before: $before,
            orderBy: { field: SCORE, direction: DESC }) {
        edges { node { title score } } pageInfo { hasPreviousPage hasNextPage startCursor endCursor } } } }";
    let token = Some(team.marketer.token.as_str());
    let app = &app;
    let page = |vars: Value| async move {
        let mut vars = vars;
        vars["s"] = json!("acme");
        app.ok(token, query, vars).await["organization"]["handoffs"].clone()
    };
    let titles = |page: &Value| -> Vec<String> {
        page["edges"].as_array().unwrap().iter().map(|e| e["node"]["title"].as_str().unwrap().to_owned()).collect()
    };
    let everything = titles(&page(json!({ "first": 10 })).await);
    assert_eq!(everything.len(), 5);
    // Two rows at a time from the end, backward, put together, give the same order.
    let mut backward: Vec<String> = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let current = page(json!({ "last": 2, "before": before })).await;
        let mut chunk = titles(&current);
        chunk.extend(backward);
        backward = chunk;
        if current["pageInfo"]["hasPreviousPage"] == false {
            break;
        }
        before = current["pageInfo"]["startCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(backward, everything);
}

#[tokio::test]
async fn paging_both_ways_at_once_is_refused_naming_the_argument() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    app.create_partner(&team.marketer, &team.org_id, "p1").await;
    let token = Some(team.marketer.token.as_str());
    let first = app.ok(token, PARTNERS, json!({ "s": "acme", "first": 1 })).await;
    let cursor = first["organization"]["partners"]["pageInfo"]["endCursor"].clone();
    for (vars, field) in [
        (json!({ "s": "acme", "first": 1, "last": 1 }), "last"),
        (json!({ "s": "acme", "after": cursor, "before": cursor }), "before"),
        (json!({ "s": "acme", "last": 101 }), "last"),
        (json!({ "s": "acme", "last": 1, "before": "not a cursor" }), "before"),
    ] {
        let body = app.gql(token, PARTNERS, vars.clone()).await;
        expect_error_for(&vars, &body, "BAD_USER_INPUT", Some(field));
    }
}
