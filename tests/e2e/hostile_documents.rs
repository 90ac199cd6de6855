//! Documents built to cost far more than they weigh, and strings built to deceive: each is refused
//! before it costs anything, with a code a client can act on.

use handoff_e2e::{TestApp, documents, error_code, error_field, expect_error, expect_error_for};
use serde_json::{Value, json};

const ALL_STRONG: [&str; 9] = ["STRONG"; 9];

/// Each fragment spreads the next one twice: 2^depth fields once expanded, in well under 1 KB.
fn fragment_bomb(depth: usize) -> String {
    let mut doc = String::from("query { me { ...F0 } }\n");
    for i in 0..depth {
        doc.push_str(&format!("fragment F{i} on Viewer {{ ...F{n} ...F{n} }}\n", n = i + 1));
    }
    doc.push_str(&format!("fragment F{depth} on Viewer {{ id }}\n"));
    doc
}

#[tokio::test]
async fn a_fragment_bomb_is_refused_and_health_checks_keep_answering() {
    let app = TestApp::spawn().await;
    let bomb = fragment_bomb(30);
    assert!(bomb.len() < 1400, "the bomb is small: {} bytes", bomb.len());
    // Several bombs in flight at once next to a liveness probe.
    let bombs: Vec<_> = (0..8).map(|_| app.post(None, &bomb, json!({}))).collect();
    let probe = async {
        let response = app.client.get(app.url("/healthz")).send().await.expect("/healthz answers");
        response.status().as_u16()
    };
    let (answers, probe) = tokio::join!(futures_util::future::join_all(bombs), probe);
    assert_eq!(probe, 200);
    for (status, body) in answers {
        assert_eq!(status, 200);
        assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"), "{body:#}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("fragments are expanded"), "{body:#}");
    }
    // A cycle is refused too, rather than walked forever.
    let cycle = "query { me { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }";
    assert_eq!(error_code(&app.gql(None, cycle, json!({})).await), Some("GRAPHQL_VALIDATION_FAILED"));
    // A modest fragment tree still runs.
    let body = app.gql(None, &fragment_bomb(4), json!({})).await;
    assert!(body.get("errors").is_none(), "{body:#}");
}

#[tokio::test]
async fn documents_that_recurse_or_nest_deeply_are_refused_before_anything_walks_them() {
    let app = TestApp::spawn().await;
    // Four spreads per level of a fragment that does not exist: 4^15 spread visits, no fields.
    let mut spreads = String::from("query { ...A0 }\n");
    for i in 0..15 {
        spreads.push_str(&format!("fragment A{i} on Query {{ {} }}\n", format!("...A{} ", i + 1).repeat(4)));
    }
    spreads.push_str("fragment A15 on Query { ...Nope }\n");
    // A chain of fragments each spreading the next, and brackets nested 200,000 deep.
    let mut chain = String::from("query { __typename }\n");
    for i in 0..5_000 {
        chain.push_str(&format!("fragment C{i} on Query {{ ...C{} }}\n", i + 1));
    }
    chain.push_str("fragment C5000 on Query { __typename }\n");
    let deep = "{".repeat(200_000);
    let values = format!("{{ organization(slug: {}\"x\"{}) {{ id }} }}", "[".repeat(100_000), "]".repeat(100_000));
    let operations: String = (0..5_000).map(|i| format!("query Q{i} {{ __typename }}\n")).collect();
    // Just under the body limit, one field named 300,000 times: refused before it is parsed.
    let tokens = format!("{{ me {{ {} }} }}", "id ".repeat(300_000));
    // An unterminated block string hiding brackets from a scan that trusted it.
    let hidden =
        format!("{{ organization(slug: [\"\"\"x\"], b: {}1{}) {{ id }} }}", "[".repeat(5_000), "]".repeat(5_000));
    // One variable used thousands of times through a fragment that fifty operations share.
    let operations_sharing: String = (0..50).map(|i| format!("query Q{i}($v: String) {{ ...V }}\n")).collect();
    let uses =
        format!("{operations_sharing}fragment V on Query {{ organization(slug: [{}]) {{ id }} }}", "$v ".repeat(5_000));
    let documents = [
        ("spreads", spreads),
        ("chain", chain),
        ("deep", deep),
        ("values", values),
        ("operations", operations),
        ("tokens", tokens),
        ("hidden", hidden),
        ("uses", uses),
    ];
    for (name, document) in documents {
        let (status, body) = app.post(None, &document, json!({})).await;
        assert_eq!(status, 200, "{name}");
        assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"), "{name}: {body:#}");
    }
    let response = app.client.get(app.url("/healthz")).send().await.expect("the process is alive");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn aliases_and_root_fields_are_capped() {
    let app = TestApp::spawn().await;
    let many: String = (0..62).map(|i| format!("a{i}: me {{ id }} ")).collect();
    let body = app.gql(None, &format!("{{ {many} }}"), json!({})).await;
    assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"), "{body:#}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("aliases"));
    let roots = "{ me { id } ".to_owned() + &"__typename ".repeat(25) + "}";
    let body = app.gql(None, &roots, json!({})).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("root fields"), "{body:#}");
}

#[tokio::test]
async fn complexity_counts_the_rows_a_list_may_return() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    // Nested pages: 100 members, each with its organization listing 100 handoffs.
    let nested = |first: i32| {
        format!(
            "query($s: String!) {{ organization(slug: $s) {{ members(first: {first}) {{ edges {{ node {{
             organization {{ handoffs(first: {first}) {{ edges {{ node {{ id title score }} }} }} }}
             }} }} }} }} }}"
        )
    };
    let body = app.gql(Some(&team.admin.token), &nested(100), json!({ "s": "acme" })).await;
    assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"), "{body:#}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("complex"), "{body:#}");
    let body = app.gql(Some(&team.admin.token), &nested(5), json!({ "s": "acme" })).await;
    assert!(body.get("errors").is_none(), "{body:#}");
}

/// 62 aliases of a page of 100 handoffs, each asking for its grade history and responses, once
/// opened about 12,400 transactions. Now the aliases are capped, the page is priced by its size,
/// and per-handoff lists are read once per page, not once per handoff.
#[tokio::test]
async fn per_handoff_lists_cost_one_read_per_page() {
    let app = TestApp::spawn_without_sweeps().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    for i in 0..12 {
        let id = app.create_handoff(&team, &account, &partner, &format!("h{i}")).await;
        app.grade_all(&team.marketer, &id, ALL_STRONG).await;
        if i % 3 == 0 {
            app.send(&team.marketer, &id).await;
            app.ok(
                Some(&team.seller.token),
                "mutation($i: RespondToHandoffInput!) { respondToHandoff(input: $i) { handoff { id } } }",
                json!({ "i": { "handoffId": id, "decision": "ACCEPT" } }),
            )
            .await;
        }
    }
    let page = "query($s: String!, $first: Int) { organization(slug: $s) { handoffs(first: $first) { edges { node {
        id gradeHistory { component grade } grades: gradeHistory(component: PROOF) { grade } responses { decision } } } } } }";
    // The first page keeps the organization and the people it names in memory (PostgreSQL).
    app.ok(Some(&team.marketer.token), page, json!({ "s": "acme", "first": 12 })).await;
    let mut costs = Vec::new();
    for first in [1, 12] {
        app.settle().await;
        let before = app.statements();
        let data = app.ok(Some(&team.marketer.token), page, json!({ "s": "acme", "first": first })).await;
        costs.push(app.statements() - before);
        let edges = data["organization"]["handoffs"]["edges"].as_array().unwrap().clone();
        assert_eq!(edges.len(), first as usize);
        for edge in &edges {
            assert_eq!(edge["node"]["gradeHistory"].as_array().unwrap().len(), 9);
            assert_eq!(edge["node"]["grades"].as_array().unwrap().len(), 1);
        }
        if first == 12 {
            let decided = edges.iter().filter(|e| e["node"]["responses"].as_array().unwrap().len() == 1).count();
            assert_eq!(decided, 4);
        }
    }
    assert_eq!(costs[0], costs[1], "statements for pages of 1 and 12: {costs:?}");
    let aliases: String = (0..62)
        .map(|i| format!("a{i}: handoffs(first: 100) {{ edges {{ node {{ gradeHistory {{ grade }} responses {{ decision }} }} }} }} "))
        .collect();
    let body = app
        .gql(
            Some(&team.marketer.token),
            &format!("query {{ organization(slug: \"acme\") {{ {aliases} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"), "{body:#}");
}

#[tokio::test]
async fn nul_and_invisible_characters_are_bad_input_naming_the_field() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    // NUL in an inline argument (PostgreSQL cannot store it) and in a variable.
    let body = app.gql(Some(&team.admin.token), "{ organization(slug: \"ac\\u0000me\") { id } }", json!({})).await;
    expect_error(&body, "BAD_USER_INPUT", Some("slug"));
    // And in a variable's default value.
    let defaulted = "query($s: String = \"ac\\u0000me\") { organization(slug: $s) { id } }";
    let body = app.gql(Some(&team.admin.token), defaulted, json!({})).await;
    expect_error(&body, "BAD_USER_INPUT", Some("s"));
    let create = documents::CREATE_PARTNER;
    let input = |name: &str| json!({ "i": { "organizationId": team.org_id, "name": name } });
    for name in ["Snow\u{0}flake", "Snow\u{202E}ekalf", "Snow\u{200B}flake", "Snow\u{2066}flake"] {
        let body = app.gql(Some(&team.marketer.token), create, input(name)).await;
        expect_error_for(&name, &body, "BAD_USER_INPUT", Some("name"));
    }
    // A zero-width joiner inside a name is refused by the name rule, still with the field.
    let body = app
        .gql(
            Some(&team.admin.token),
            "mutation($i: SignUpInput!) { signUp(input: $i) { token } }",
            json!({ "i": {
            "email": "zwj@example.com", "password": "a long enough passphrase", "name": "Ana\u{200D}Lee" } }),
        )
        .await;
    assert_eq!(error_field(&body), Some("name"), "{body:#}");
    // Nothing was written.
    let partners: Value = app
        .ok(
            Some(&team.marketer.token),
            "{ organization(slug: \"acme\") { partners { edges { node { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(partners["organization"]["partners"]["edges"].as_array().unwrap().len(), 0);
    // Emoji sequences, which need the joiner, are fine in free text.
    let body = app
        .gql(
            Some(&team.marketer.token),
            create,
            json!({ "i": { "organizationId": team.org_id, "name": "Snowflake",
            "whyTheyMatter": "the team \u{1F468}\u{200D}\u{1F469} loves them" } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
}

#[tokio::test]
async fn records_cannot_be_dated_to_year_one_or_the_future() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let ask = "mutation($i: LogPartnerAskInput!) { logPartnerAsk(input: $i) { partnerAsk { id } } }";
    for when in ["0001-01-01T00:00:00Z", "2001-01-01T00:00:00Z", "2999-01-01T00:00:00Z"] {
        let body = app
            .gql(
                Some(&team.seller.token),
                ask,
                json!({ "i": { "organizationId": team.org_id,
                "accountName": "Initech", "askedAt": when } }),
            )
            .await;
        expect_error_for(&when, &body, "BAD_USER_INPUT", Some("askedAt"));
    }
    let last_year = (chrono::Utc::now() - chrono::Duration::days(365)).to_rfc3339();
    let body = app
        .gql(
            Some(&team.seller.token),
            ask,
            json!({ "i": { "organizationId": team.org_id,
            "accountName": "Initech", "askedAt": last_year } }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body:#}");
}

/// Parsed documents are kept by their text: a kept document is checked again with each request's
/// own variables, and a flood of distinct documents, sent at once, churns the cache without one
/// request ever answered from another's document.
#[tokio::test]
async fn kept_documents_are_checked_again_and_a_flood_of_new_ones_mixes_nothing() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let create = documents::CREATE_PARTNER;
    let input = |name: &str| json!({ "i": { "organizationId": team.org_id, "name": name } });
    let body = app.gql(Some(&team.marketer.token), create, input("Snowflake")).await;
    assert!(body.get("errors").is_none(), "{body:#}");
    // The same text, now kept, with a variable the guard refuses.
    let body = app.gql(Some(&team.marketer.token), create, input("Snow\u{0}flake")).await;
    expect_error(&body, "BAD_USER_INPUT", Some("name"));

    // Twice the cache's capacity in distinct documents, 25 at a time.
    let token = team.admin.token.clone();
    for batch in 0..12 {
        let answers = futures_util::future::join_all((0..25).map(|i| {
            let n = batch * 25 + i;
            let (app, token) = (&app, &token);
            async move {
                let query = format!("{{ a{n}: me {{ id }} }}");
                (n, app.gql(Some(token), &query, json!({})).await)
            }
        }))
        .await;
        for (n, body) in answers {
            assert!(body["data"][format!("a{n}")]["id"].is_string(), "document {n}: {body:#}");
            assert_eq!(body["data"].as_object().map(|d| d.len()), Some(1), "document {n}: {body:#}");
        }
    }
    // A document refused on its text is never parsed, so never kept: refused every time.
    let deep = "{".repeat(2_000);
    for _ in 0..2 {
        let body = app.gql(Some(&token), &deep, json!({})).await;
        assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"), "{body:#}");
    }
}

/// The page's objects resolve their fields in turn; aliases, a field selected twice, fragments,
/// `@include` and `__typename` answer as the GraphQL specification says.
#[tokio::test]
async fn fields_resolved_in_turn_keep_aliases_fragments_and_merged_selections() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    app.handoff_scoring(&team, "merged", 11).await;
    let query = r#"query($no: Boolean!) { organization(slug: "acme") { handoffs(first: 5) { nodes {
        __typename t: title
        grades { component } grades { grade points }
        ... on Handoff { score }
        ...Band
        owner { __typename n: name @include(if: $no) }
        account { ... on Account { name } }
        title @skip(if: true)
    } } } }
    fragment Band on Handoff { band }"#;
    let data = app.ok(Some(&team.admin.token), query, json!({ "no": false })).await;
    let node = &data["organization"]["handoffs"]["nodes"][0];
    assert_eq!(node["__typename"], "Handoff");
    assert_eq!(node["t"], "merged");
    assert!(node.get("title").is_none(), "{node:#}");
    assert_eq!(node["score"], 11);
    assert!(node["band"].is_string(), "{node:#}");
    let grades = node["grades"].as_array().unwrap();
    assert_eq!(grades.len(), 9);
    for grade in grades {
        let keys: Vec<&str> = grade.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["component", "grade", "points"], "both selections, in document order");
    }
    let points: i64 = grades.iter().map(|g| g["points"].as_i64().unwrap()).sum();
    assert_eq!(points, 11);
    assert_eq!(node["owner"], json!({ "__typename": "User" }));
    assert_eq!(node["account"]["name"], "Globex");
}
