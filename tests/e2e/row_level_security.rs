//! PostgreSQL's row-level security: a second wall that holds even where a query forgets the
//! organization filter. These tests need PostgreSQL (`TEST_DATABASE_URL`); on SQLite, which has no
//! such wall, they say so and check nothing.

use handoff_e2e::{TestApp, uuid_of};
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, Statement, TransactionTrait};

fn skip_on_sqlite(app: &TestApp) -> bool {
    if !app.on_postgres() {
        eprintln!("row-level security exists on PostgreSQL only; run with TEST_DATABASE_URL");
    }
    !app.on_postgres()
}

#[tokio::test]
async fn every_table_with_an_organization_id_is_behind_the_wall() {
    let app = TestApp::spawn().await;
    if skip_on_sqlite(&app) {
        return;
    }
    let unprotected = app
        .column_text(
            "SELECT c.table_name::text FROM information_schema.columns c
             JOIN pg_class t ON t.relname = c.table_name AND t.relnamespace = current_schema()::regnamespace
             WHERE c.table_schema = current_schema() AND c.column_name = 'organization_id'
               AND NOT (t.relrowsecurity AND t.relforcerowsecurity AND EXISTS (
                   SELECT 1 FROM pg_policies p
                   WHERE p.schemaname = current_schema() AND p.tablename = c.table_name
                     AND p.policyname = 'tenant_isolation'))",
        )
        .await;
    assert!(unprotected.is_empty(), "tables without row-level security: {unprotected:?}");
    let protected = app
        .column_text("SELECT tablename::text FROM pg_policies WHERE policyname = 'tenant_isolation' ORDER BY 1")
        .await;
    assert!(protected.len() >= 18 && protected.contains(&"organizations".to_owned()), "{protected:?}");
    // Each also lets a portfolio transaction read its organizations, and only read.
    let portfolio = app
        .column_text(
            "SELECT tablename::text || ' ' || cmd FROM pg_policies WHERE policyname = 'portfolio_read' ORDER BY 1",
        )
        .await;
    let expected: Vec<String> = protected.iter().map(|t| format!("{t} SELECT")).collect();
    assert_eq!(portfolio, expected);
    // The tenant role can bypass nothing and owns nothing.
    let role = app
        .column_text(
            "SELECT rolbypassrls::text || rolsuper::text || (SELECT count(*) FROM pg_tables WHERE tableowner = 'handoff_tenant')::text
             FROM pg_roles WHERE rolname = 'handoff_tenant'",
        )
        .await;
    assert_eq!(role, ["falsefalse0"]);
}

#[tokio::test]
async fn an_unfiltered_select_in_a_tenant_transaction_sees_one_organization() {
    let app = TestApp::spawn().await;
    if skip_on_sqlite(&app) {
        return;
    }
    let acme = app.team("acme").await;
    let globex = app.team("globex").await;
    for team in [&acme, &globex] {
        let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
        let account = app.create_account(&team.marketer, &team.org_id, "Initech", &team.seller).await;
        app.create_handoff(team, &account, &partner, "a draft").await;
    }
    let acme_id = uuid_of(&acme.org_id);
    for table in ["handoffs", "partners", "accounts", "memberships", "audit_events", "invitations"] {
        let seen = app
            .in_tenant_transaction(&acme.seller, &acme.org_id, &format!("SELECT DISTINCT organization_id FROM {table}"))
            .await;
        assert_eq!(seen, [acme_id], "{table}");
    }
    let organizations = app.in_tenant_transaction(&acme.seller, &acme.org_id, "SELECT id FROM organizations").await;
    assert_eq!(organizations, [acme_id]);
    // The same statements outside a tenant transaction see both organizations.
    assert_eq!(app.column_text("SELECT DISTINCT organization_id::text FROM handoffs").await.len(), 2);
}

#[tokio::test]
async fn a_session_in_the_tenant_role_with_another_organizations_setting_sees_only_that_one() {
    let app = TestApp::spawn().await;
    if skip_on_sqlite(&app) {
        return;
    }
    let acme = app.team("acme").await;
    let globex = app.team("globex").await;
    app.create_partner(&acme.marketer, &acme.org_id, "Snowflake").await;
    app.create_partner(&globex.marketer, &globex.org_id, "Datadog").await;
    // As a psql session would: connect as the URL's role (a superuser here), become the tenant role.
    let db = Database::connect(app.database_url()).await.unwrap();
    let run = |sql: String| Statement::from_string(DatabaseBackend::Postgres, sql);
    let tx = db.begin().await.unwrap();
    tx.execute_unprepared("SET LOCAL ROLE handoff_tenant").await.unwrap();
    let globex_id = uuid_of(&globex.org_id);
    tx.execute_unprepared(&format!("SELECT set_config('app.organization_id', '{globex_id}', true)")).await.unwrap();
    let names = tx.query_all_raw(run("SELECT name FROM partners".into())).await.unwrap();
    let names: Vec<String> = names.iter().map(|r| r.try_get_by_index(0).unwrap()).collect();
    assert_eq!(names, ["Datadog"]);
    // Writing into another organization is refused by the policy's check.
    let acme_id = uuid_of(&acme.org_id);
    let smuggled = tx
        .execute_unprepared(&format!(
            "UPDATE partners SET organization_id = '{acme_id}' WHERE organization_id = '{globex_id}'"
        ))
        .await;
    assert!(smuggled.is_err(), "moving a row into another organization is refused");
    tx.rollback().await.unwrap();
    // With no organization set, the tenant role sees nothing at all.
    let tx = db.begin().await.unwrap();
    tx.execute_unprepared("SET LOCAL ROLE handoff_tenant").await.unwrap();
    let none = tx.query_all_raw(run("SELECT id FROM partners".into())).await.unwrap();
    assert!(none.is_empty());
    tx.rollback().await.unwrap();
    db.close().await.ok();
}

/// The portfolio's setting lets the tenant role read its organizations and nothing more: a session
/// that sets it without making itself read-only still cannot update, delete or insert there.
#[tokio::test]
async fn a_portfolio_setting_reads_its_organizations_and_writes_none() {
    let app = TestApp::spawn().await;
    if skip_on_sqlite(&app) {
        return;
    }
    let acme = app.team("acme").await;
    let globex = app.team("globex").await;
    let initech = app.team("initech").await;
    for (team, name) in [(&acme, "Snowflake"), (&globex, "Datadog"), (&initech, "Okta")] {
        app.create_partner(&team.marketer, &team.org_id, name).await;
    }
    let (acme_id, globex_id) = (uuid_of(&acme.org_id), uuid_of(&globex.org_id));
    let db = Database::connect(app.database_url()).await.unwrap();
    let run = |sql: &str| Statement::from_string(DatabaseBackend::Postgres, sql.to_owned());
    let tx = db.begin().await.unwrap();
    tx.execute_unprepared("SET LOCAL ROLE handoff_tenant").await.unwrap();
    tx.execute_unprepared(&format!("SELECT set_config('app.organization_ids', '{{{acme_id},{globex_id}}}', true)"))
        .await
        .unwrap();
    let names = tx.query_all_raw(run("SELECT name FROM partners ORDER BY name")).await.unwrap();
    let names: Vec<String> = names.iter().map(|r| r.try_get_by_index(0).unwrap()).collect();
    assert_eq!(names, ["Datadog", "Snowflake"], "the two organizations, not the third");
    let updated = tx.execute_unprepared("UPDATE partners SET name = name || '!'").await.unwrap();
    assert_eq!(updated.rows_affected(), 0, "no row of the portfolio may be updated");
    let deleted = tx.execute_unprepared("DELETE FROM partners").await.unwrap();
    assert_eq!(deleted.rows_affected(), 0, "nor deleted");
    let inserted = tx
        .execute_unprepared(&format!(
            "INSERT INTO partners (id, organization_id, name, sells, why_they_matter, created_at, updated_at) \
             VALUES (gen_random_uuid(), '{acme_id}', 'Smuggled', 'x', 'y', now(), now())"
        ))
        .await;
    let refused = inserted.expect_err("nor added to").to_string();
    assert!(refused.contains("row-level security"), "refused by the policy, not by a constraint: {refused}");
    tx.rollback().await.unwrap();
    db.close().await.ok();
}
