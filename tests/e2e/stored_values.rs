//! A value in the database this version does not know is an error, never read as some default:
//! a grade it cannot read must not turn into MISSING and change the score.

use handoff_api::store::codes::Scan;
use handoff_e2e::{Drafted, TestApp, error_code, expect_error, uuid_of};
use serde_json::json;

#[tokio::test]
async fn a_stored_code_this_version_does_not_know_is_an_error_not_a_default() {
    let app = TestApp::spawn_without_sweeps().await;
    let team = app.team("acme").await;
    let Drafted { id, .. } = app.handoff_scoring(&team, "stored", 18).await;
    let read = "query($id: ID!) { node(id: $id) { ... on Handoff { status score grades { component grade } } } }";
    let before = app.ok(Some(&team.marketer.token), read, json!({ "id": id })).await;
    assert_eq!(before["node"]["score"], 18);

    // A grade written by some other tool, or a newer version, that this one cannot read.
    app.execute_sql("UPDATE handoff_grades SET grade = 'SUPERB' WHERE component = 'PROOF'").await;
    let body = app.gql(Some(&team.marketer.token), read, json!({ "id": id })).await;
    assert_eq!(error_code(&body), Some("INTERNAL_SERVER_ERROR"), "{body:#}");
    assert!(body["data"]["node"].is_null(), "nothing is answered from a row read wrong: {body:#}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(!message.contains("SUPERB"), "internals stay in the log: {message}");
    // The check an operator runs names the row to repair.
    let found = handoff_api::store::codes::unreadable(app.store().conn(), Scan::Everything).await.unwrap();
    let grade = app
        .in_tenant_transaction(&team.admin, &team.org_id, "SELECT id FROM handoff_grades WHERE grade = 'SUPERB'")
        .await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].table, found[0].column, found[0].value.as_str()), ("handoff_grades", "grade", "SUPERB"));
    assert_eq!(found[0].id, grade[0]);

    // A status likewise: the list refuses rather than showing the handoff as a draft.
    app.execute_sql("UPDATE handoff_grades SET grade = 'STRONG'").await;
    app.execute_sql("UPDATE handoffs SET status = 'LOST'").await;
    let list = app
        .gql(
            Some(&team.marketer.token),
            "{ organization(slug: \"acme\") { handoffs(first: 5) { nodes { status } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&list), Some("INTERNAL_SERVER_ERROR"), "{list:#}");

    // Put right, everything reads again.
    app.execute_sql("UPDATE handoffs SET status = 'DRAFT'").await;
    let after = app.ok(Some(&team.marketer.token), read, json!({ "id": id })).await;
    assert_eq!(handoff_api::store::codes::unreadable(app.store().conn(), Scan::Everything).await.unwrap(), vec![]);
    assert_eq!(after["node"]["score"], 18);
    assert_eq!(after["node"]["status"], "DRAFT");
}

#[tokio::test]
async fn a_webhook_endpoint_passes_over_new_event_kinds_but_not_an_unreadable_list() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let created = app
        .ok(
            Some(&team.admin.token),
            "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { webhookEndpoint { eventTypes } } }",
            json!({ "i": { "organizationId": team.org_id, "url": "https://203.0.113.10/hook", "eventTypes": ["LANDED"] } }),
        )
        .await;
    assert_eq!(created["createWebhookEndpoint"]["webhookEndpoint"]["eventTypes"], json!(["LANDED"]));
    // A kind from a newer version is passed over; a value that is no list at all is an error.
    app.execute_sql(r#"UPDATE webhook_endpoints SET event_types = '["LANDED", "ESCALATED"]'"#).await;
    let read = "{ organization(slug: \"acme\") { webhookEndpoints { eventTypes } } }";
    let body = app.ok(Some(&team.admin.token), read, json!({})).await;
    assert_eq!(body["organization"]["webhookEndpoints"][0]["eventTypes"], json!(["LANDED"]));
    app.execute_sql(r#"UPDATE webhook_endpoints SET event_types = '"LANDED"'"#).await;
    let body = app.gql(Some(&team.admin.token), read, json!({})).await;
    assert_eq!(error_code(&body), Some("INTERNAL_SERVER_ERROR"), "{body:#}");
    // The endpoint is named for repair, and gets nothing meanwhile; the changes that cause events
    // go on for everyone else.
    let found = handoff_api::store::codes::unreadable(app.store().conn(), Scan::Everything).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].table, found[0].column), ("webhook_endpoints", "event_types"));
    app.landed_handoff(&team, "still sent").await;
}

#[tokio::test]
async fn a_stored_number_out_of_its_range_is_an_error_naming_the_row() {
    let app = TestApp::spawn_without_sweeps().await;
    let team = app.team("acme").await;
    let Drafted { id, .. } = app.handoff_scoring(&team, "negative window", 18).await;
    app.execute_sql("UPDATE handoffs SET response_window_days = -3").await;
    // Read as "no response window", this would refuse the send for the wrong reason.
    let refused = app.send(&team.marketer, &id).await;
    expect_error(&refused, "INTERNAL_SERVER_ERROR", None);
    let found = handoff_api::store::codes::unreadable(app.store().conn(), Scan::Everything).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].table, found[0].column, found[0].value.as_str()), ("handoffs", "response_window_days", "-3"));
    assert_eq!(found[0].id, uuid_of(&id));
    app.execute_sql("UPDATE handoffs SET response_window_days = 3").await;
    let sent = app.send(&team.marketer, &id).await;
    assert_eq!(sent["data"]["sendHandoff"]["handoff"]["status"], "SENT", "{sent:#}");
}

/// The trust report reads sent handoffs in bulk (on PostgreSQL as arrays): an unknown status or a
/// score out of range is an error there too, not a handoff counted as undecided or as scoring 0.
#[tokio::test]
async fn the_trust_report_refuses_a_sent_handoff_it_cannot_read() {
    let app = TestApp::spawn_without_sweeps().await;
    let team = app.team("acme").await;
    let Drafted { id, .. } = app.handoff_scoring(&team, "sent", 18).await;
    let sent = app.send(&team.marketer, &id).await;
    assert_eq!(sent["data"]["sendHandoff"]["handoff"]["status"], "SENT", "{sent:#}");
    let report = "{ organization(slug: \"acme\") { trustReport(days: 90) { averageHandoffScore } } }";
    let average = |body: &serde_json::Value| body["organization"]["trustReport"]["averageHandoffScore"].as_f64();
    assert_eq!(average(&app.ok(Some(&team.admin.token), report, json!({})).await), Some(18.0));

    for (broken, what) in [("status = 'LOST'", "an unknown status"), ("score = -1", "a negative score")] {
        app.execute_sql(&format!("UPDATE handoffs SET {broken}")).await;
        let body = app.gql(Some(&team.admin.token), report, json!({})).await;
        assert_eq!(error_code(&body), Some("INTERNAL_SERVER_ERROR"), "{what}: {body:#}");
        app.execute_sql("UPDATE handoffs SET status = 'SENT', score = 18").await;
    }
    assert_eq!(average(&app.ok(Some(&team.admin.token), report, json!({})).await), Some(18.0));
}

/// The handoff page reads handoffs (with their accounts and partners, joined) and grades by column
/// position; each row must equal the one sea-orm reads by column name, every column in its place.
#[tokio::test]
async fn rows_read_by_position_equal_rows_read_by_name() {
    use handoff_api::store::{grades, handoffs};
    use sea_orm::{EntityTrait, QueryOrder};

    let app = TestApp::spawn_without_sweeps().await;
    let team = app.team("acme").await;
    app.landed_handoff(&team, "sent").await;
    app.handoff_scoring(&team, "drafted", 11).await;
    // Every column holds a value of its own, so that two columns read in each other's place show.
    app.execute_sql(
        "UPDATE handoffs SET why_this_account = 'a', why_now = 'b', partner_context = 'c', partner_person = 'd', \
         our_person = 'e', connecting_thread = 'f', buyer_problem = 'g', offer_description = 'h', \
         next_action = 'i', acceptance_definition = 'j', offer_available_by = '2026-12-01', \
         next_action_due_by = '2026-12-02', overdue_at = '2026-12-03T00:00:00Z', archived_at = '2026-12-04T00:00:00Z'",
    )
    .await;
    app.execute_sql(
        "UPDATE accounts SET on_priority_list = true, confirmed_by_sales = false, \
         updated_at = '2026-12-05T00:00:00Z', archived_at = '2026-12-06T00:00:00Z'",
    )
    .await;
    app.execute_sql("UPDATE partners SET sells = 's', why_they_matter = 'w', archived_at = '2026-12-07T00:00:00Z'")
        .await;
    let tx = app.tenant_transaction(&team.admin, &team.org_id).await;

    let page = handoffs::HandoffPage {
        sort: handoffs::HandoffSort::CreatedAt,
        descending: true,
        cursor: None,
        limit: 10,
        backward: false,
    };
    let everything = handoffs::HandoffFilter { include_archived: true, ..Default::default() };
    let (by_position, _) = handoffs::list(&tx, &everything, page).await.unwrap();
    let by_name =
        entity::handoff::Entity::find().order_by_desc(entity::handoff::Column::Id).all(tx.connection()).await.unwrap();
    assert_eq!(by_position.len(), 2);
    let rows: Vec<&handoffs::HandoffRow> = by_position.iter().map(|listed| &listed.row).collect();
    assert_eq!(rows, by_name.iter().collect::<Vec<_>>());
    for listed in &by_position {
        let account = entity::account::Entity::find_by_id(listed.row.account_id).one(tx.connection()).await.unwrap();
        let partner = entity::partner::Entity::find_by_id(listed.row.partner_id).one(tx.connection()).await.unwrap();
        assert!(account.is_some() && partner.is_some());
        assert_eq!(listed.account, account);
        assert_eq!(listed.partner, partner);
    }

    let grades_by_position = grades::of_handoffs(&tx, &rows).await.unwrap();
    let grades_by_name = entity::handoff_grade::Entity::find()
        .order_by_asc(entity::handoff_grade::Column::Id)
        .all(tx.connection())
        .await
        .unwrap();
    assert_eq!(grades_by_position.len(), 18);
    assert_eq!(grades_by_position, grades_by_name);
}
