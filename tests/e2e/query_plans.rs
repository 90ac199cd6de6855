//! The reads that grow with an organization use indexes. Every statement a page of handoffs, the
//! scorecard and the trust report send is explained in the caller's tenant transaction: none may
//! read a tenant table without narrowing it by an index (on PostgreSQL with sequential scans
//! priced out, so the test asks whether an index can serve each read, whatever the size of the
//! test's data). It asks whether an index narrows each read, not whether the best one does: a
//! read narrowed by organization alone passes; the scale mode of `bench/run` measures the rest.

use chrono::{DateTime, Utc};
use handoff_api::seed::{self, PASSWORD, Plan};
use handoff_api::store::handoffs;
use handoff_e2e::{TestApp, at};
use serde_json::{Value, json};

/// What is read, by whom (a seeded person of `seed-000`), with which document.
const READS: &[(&str, &str, &str)] = &[
    (
        "the handoff page",
        "admin",
        "query($s: String!) { organization(slug: $s) { handoffs(first: 50) { nodes {
            id title status score band grades { component grade points }
            owner { name } account { name } partner { name } } } } }",
    ),
    (
        "a seller's filtered page",
        "seller1",
        "query($s: String!) { organization(slug: $s) { handoffs(first: 20, status: SENT) { nodes { id sentAt } } } }",
    ),
    (
        "the scorecard",
        "admin",
        "query($s: String!) { organization(slug: $s) { scorecard { handoffCount averageScore band
            componentAverages { component averagePoints } weakestComponents plays } } }",
    ),
    (
        "the trust report",
        "admin",
        "query($s: String!) { organization(slug: $s) { trustReport(days: 90) {
            signals { signal value previousValue trend sampleSize } medianResponseHours silentShare
            averageHandoffScore handoffScoreTrend trustImproving bothImproving } } }",
    ),
    (
        "the portfolio",
        "admin",
        "{ me { portfolio { organization { slug } scorecard { band weakestComponents }
            trustReport { signals { reading } } } } }",
    ),
];

fn now() -> DateTime<Utc> {
    at("2026-11-01T09:00:00Z")
}

#[tokio::test]
async fn the_page_the_scorecard_and_the_trust_report_scan_no_whole_table() {
    let app = TestApp::spawn_without_sweeps().await;
    let plan = Plan { organizations: 2, handoffs_per_organization: 80, large_organization: None, seed: 11 };
    seed::run(app.store(), plan, now(), false).await.unwrap();
    let admin = app.log_in("admin@seed-000.example", PASSWORD).await;
    let org_id = app.ok(Some(&admin.token), "{ organization(slug: \"seed-000\") { id } }", json!({})).await
        ["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let tenant_tables = app
        .column_text(if app.on_postgres() {
            "SELECT table_name::text FROM information_schema.columns \
             WHERE column_name = 'organization_id' AND table_schema = 'public'"
        } else {
            "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND c.name = 'organization_id'"
        })
        .await;
    assert!(tenant_tables.len() >= 10, "{tenant_tables:?}");
    let mut explained = 0;
    let mut scans = Vec::new();
    for (read, who, document) in READS {
        let reader = app.log_in(&format!("{who}@seed-000.example"), PASSWORD).await;
        app.store().record_statements();
        app.ok(Some(&reader.token), document, json!({ "s": "seed-000" })).await;
        let statements = app.store().recorded_statements();
        // The reads of tenant tables; a session or person read by its key (when the credential
        // cache is cold) is neither, and the tenant role may not even read sessions.
        let reads_tenant_table = |sql: &str| tenant_tables.iter().any(|t| sql.contains(&format!("\"{t}\"")));
        let selects: Vec<&String> = statements
            .iter()
            .filter(|s| s.trim_start().to_ascii_uppercase().starts_with("SELECT") && reads_tenant_table(s))
            .collect();
        assert!(!selects.is_empty(), "{read} read nothing: {statements:?}");
        for sql in selects {
            let tx = app.tenant_transaction(&reader, &org_id).await;
            let plan = tx.plan_of(sql).await.unwrap_or_else(|e| panic!("{read}: {sql} cannot be explained: {e}"));
            let unindexed = unindexed_scans(&plan, &tenant_tables);
            if !unindexed.is_empty() {
                scans.push(format!(
                    "{read} reads {unindexed:?} without an index condition:\n{sql}\n{}",
                    plan.join("\n")
                ));
            }
            explained += 1;
        }
    }
    assert!(explained >= 8, "only {explained} statements were explained");
    assert!(scans.is_empty(), "whole tenant tables scanned:\n\n{}", scans.join("\n\n"));
}

/// Every replica sweeps for overdue handoffs every minute, across organizations: the sweep must
/// find them in an index of handoffs awaiting an answer, not by reading every handoff.
#[tokio::test]
async fn the_overdue_sweep_reads_only_handoffs_awaiting_an_answer() {
    let app = TestApp::spawn_without_sweeps().await;
    let plan = Plan { organizations: 1, handoffs_per_organization: 40, large_organization: None, seed: 12 };
    seed::run(app.store(), plan, now(), false).await.unwrap();
    app.store().record_statements();
    let marked = handoffs::mark_overdue(app.store().conn(), now(), |_, _| String::new()).await.unwrap();
    let statements = app.store().recorded_statements();
    let sweep = statements
        .iter()
        .find(|s| s.trim_start().starts_with("SELECT") && s.contains("\"overdue_at\" IS NULL"))
        .unwrap_or_else(|| panic!("the sweep's read was not recorded ({marked} marked): {statements:?}"));
    let plan = app.store().plan_of(sweep).await.unwrap();
    let handoffs_table = ["handoffs".to_owned()];
    let unindexed = unindexed_scans(&plan, &handoffs_table);
    assert!(unindexed.is_empty(), "the sweep reads every handoff:\n{sweep}\n{}", plan.join("\n"));
    let plan_text = plan.join("\n");
    assert!(plan_text.contains("ix_handoffs_awaiting_answer"), "the sweep's plan: {plan_text}");
}

/// The tenant tables `plan` reads without narrowing them by an index: a sequential scan, or an
/// index walked whole with only a filter (PostgreSQL picks that when sequential scans are priced
/// out and no index fits); on SQLite a `SCAN` step (`SEARCH … USING INDEX` narrows).
fn unindexed_scans(plan: &[String], tenant_tables: &[String]) -> Vec<String> {
    let tenant = |name: &str| tenant_tables.iter().any(|t| t == name);
    let mut found = Vec::new();
    assert!(!plan.is_empty(), "an empty plan");
    match serde_json::from_str::<Value>(&plan[0]) {
        Ok(json) => {
            assert!(json[0]["Plan"].is_object(), "not a PostgreSQL plan: {json}");
            walk(&json[0]["Plan"], &tenant, &mut found);
        }
        Err(_) => {
            for step in plan {
                // `SCAN TABLE t` before SQLite 3.36, `SCAN t` since.
                let step = step.trim_start().replacen("SCAN TABLE ", "SCAN ", 1);
                if let Some(rest) = step.strip_prefix("SCAN ") {
                    let name = rest.split_whitespace().next().unwrap_or_default();
                    if tenant(name) {
                        found.push(name.to_owned());
                    }
                }
            }
        }
    }
    found
}

/// PostgreSQL's plan tree: a scan of a tenant table must carry an index condition (a bitmap heap
/// scan gets it from the bitmap index scan beneath it).
fn walk(node: &Value, tenant: &impl Fn(&str) -> bool, found: &mut Vec<String>) {
    let relation = node["Relation Name"].as_str().unwrap_or_default();
    let narrowed = match node["Node Type"].as_str().unwrap_or_default() {
        "Seq Scan" => false,
        "Index Scan" | "Index Only Scan" => node.get("Index Cond").is_some(),
        _ => true,
    };
    if !narrowed && tenant(relation) {
        found.push(relation.to_owned());
    }
    for child in node["Plans"].as_array().into_iter().flatten() {
        walk(child, tenant, found);
    }
}
