//! `handoff-api seed`: realistic data written straight to the tables, the same for the same seed,
//! consistent with the rules (every score is its grades' points), and refused in production.

use chrono::{DateTime, Utc};
use handoff_api::seed::{self, PASSWORD, Plan, SeedError};
use handoff_e2e::{TestApp, at};
use serde_json::{Value, json};

const PLAN: Plan = Plan { organizations: 2, handoffs_per_organization: 60, large_organization: None, seed: 42 };

const PAGE: &str = "query($s: String!) { organization(slug: $s) {
    handoffs(first: 100) { nodes { id status score band grades { points } sentAt respondBy } }
    trustReport(days: 90) { signals { signal sampleSize } } } }";

fn now() -> DateTime<Utc> {
    at("2026-11-01T09:00:00Z")
}

async fn page_as_admin(app: &TestApp, slug: &str) -> Value {
    let login = app
        .ok(
            None,
            "mutation($i: LoginInput!) { login(input: $i) { token } }",
            json!({ "i": { "email": format!("admin@{slug}.example"), "password": PASSWORD } }),
        )
        .await;
    let token = login["login"]["token"].as_str().unwrap().to_owned();
    app.ok(Some(&token), PAGE, json!({ "s": slug })).await
}

#[tokio::test]
async fn seeding_writes_consistent_data_once_and_the_same_for_the_same_seed() {
    let app = TestApp::spawn_without_sweeps().await;
    let seeded = seed::run(app.store(), PLAN, now(), false).await.unwrap();
    assert_eq!((seeded.organizations, seeded.handoffs, seeded.grades), (2, 120, 1_080));
    assert_eq!(seeded.people, 2 * 14);
    assert!(seeded.responses > 0 && seeded.records > 0, "{seeded:?}");
    assert_eq!(seeded.first_admin, "admin@seed-000.example");

    let page = page_as_admin(&app, "seed-000").await;
    let handoffs = page["organization"]["handoffs"]["nodes"].as_array().unwrap();
    assert_eq!(handoffs.len(), 60);
    for handoff in handoffs {
        let points: i64 = handoff["grades"].as_array().unwrap().iter().map(|g| g["points"].as_i64().unwrap()).sum();
        assert_eq!(handoff["score"].as_i64(), Some(points), "the stored score is its grades' points: {handoff:#}");
        let band = match points {
            15.. => "SALES_READY",
            9..15 => "FIX_BEFORE_VOLUME",
            _ => "NOT_A_HANDOFF_YET",
        };
        assert_eq!(handoff["band"], band);
        if handoff["status"] != "DRAFT" {
            assert!(points >= 9, "only a sendable handoff was sent: {handoff:#}");
            assert!(handoff["sentAt"].is_string() && handoff["respondBy"].is_string());
        }
    }
    let statuses: Vec<&str> = handoffs.iter().map(|h| h["status"].as_str().unwrap()).collect();
    for status in ["DRAFT", "ACCEPTED", "DECLINED"] {
        assert!(statuses.contains(&status), "a realistic mix has {status}: {statuses:?}");
    }
    let signals = page["organization"]["trustReport"]["signals"].as_array().unwrap();
    assert!(signals.iter().any(|s| s["sampleSize"].as_i64().unwrap_or(0) > 0), "{signals:?}");

    // Once per database; refused in production mode.
    assert!(matches!(seed::run(app.store(), PLAN, now(), false).await, Err(SeedError::AlreadySeeded(_))));
    let other = TestApp::spawn_without_sweeps().await;
    assert!(matches!(seed::run(other.store(), PLAN, now(), true).await, Err(SeedError::Production)));

    // The same plan and seed write the same rows, ids included; another seed writes others.
    seed::run(other.store(), PLAN, now(), false).await.unwrap();
    assert_eq!(page_as_admin(&other, "seed-000").await["organization"]["handoffs"], page["organization"]["handoffs"]);
    let third = TestApp::spawn_without_sweeps().await;
    seed::run(third.store(), Plan { seed: 43, ..PLAN }, now(), false).await.unwrap();
    assert_ne!(page_as_admin(&third, "seed-000").await["organization"]["handoffs"], page["organization"]["handoffs"]);
}

#[tokio::test]
async fn one_more_organization_may_be_larger_than_the_others() {
    let app = TestApp::spawn_without_sweeps().await;
    let plan = Plan { organizations: 1, handoffs_per_organization: 20, large_organization: Some(150), seed: 7 };
    let seeded = seed::run(app.store(), plan, now(), false).await.unwrap();
    assert_eq!((seeded.organizations, seeded.handoffs, seeded.grades), (2, 170, 170 * 9));
    let large = page_as_admin(&app, "seed-001").await;
    assert_eq!(large["organization"]["handoffs"]["nodes"].as_array().unwrap().len(), 100, "a full page of 150");
    let small = page_as_admin(&app, "seed-000").await;
    assert_eq!(small["organization"]["handoffs"]["nodes"].as_array().unwrap().len(), 20);
}
