//! Half a year of seller behaviour at fixed times, checked against hand-computed signals.
//!
//! Now is 2026-07-01T00:00Z and the report covers 90 days: the window is [Apr 2, Jul 1) and the
//! window before it [Jan 2, Apr 2). Every number asserted below is worked out in the comments.

use handoff_e2e::{Person, Team, TestApp, documents, error_code, error_field, expect_error};
use serde_json::{Value, json};

const FOURTEEN: [&str; 9] =
    ["STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "MISSING", "MISSING"];
const SIXTEEN: [&str; 9] = ["STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "WEAK", "WEAK"];
const TWELVE: [&str; 9] = ["STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "MISSING", "MISSING", "MISSING"];
const TEN: [&str; 9] = ["STRONG", "STRONG", "STRONG", "STRONG", "STRONG", "MISSING", "MISSING", "MISSING", "MISSING"];
const NINE: [&str; 9] = ["STRONG", "STRONG", "STRONG", "STRONG", "WEAK", "MISSING", "MISSING", "MISSING", "MISSING"];

const RESPOND: &str = documents::RESPOND_TO_HANDOFF;

struct Quarter {
    app: TestApp,
    team: Team,
    globex: String,
    initech: String,
    partner: String,
}

impl Quarter {
    /// Sends a handoff on Globex (seller: `team.seller`) at `at`, graded `grades`.
    async fn send(&self, at: &str, grades: [&str; 9]) -> String {
        self.app.set_time(at);
        let id = self.app.create_handoff(&self.team, &self.globex, &self.partner, at).await;
        self.app.grade_all(&self.team.marketer, &id, grades).await;
        let sent = self.app.send(&self.team.marketer, &id).await;
        assert!(sent.get("errors").is_none(), "{sent:#}");
        id
    }

    async fn answer(&self, id: &str, at: &str, decision: &str) {
        self.app.set_time(at);
        self.app
            .ok(Some(&self.team.seller.token), RESPOND, json!({ "i": { "handoffId": id, "decision": decision } }))
            .await;
    }

    async fn log(&self, who: &Person, mutation: &str, input: Value) -> Value {
        self.app.ok(Some(&who.token), mutation, json!({ "i": input })).await
    }
}

const ASK: &str =
    "mutation($i: LogPartnerAskInput!) { logPartnerAsk(input: $i) { partnerAsk { id broughtByPartnerMarketing } } }";
const MEETING: &str =
    "mutation($i: LogPartnerMeetingInput!) { logPartnerMeeting(input: $i) { partnerMeeting { id } } }";
const MENTION: &str =
    "mutation($i: LogPipelineMentionInput!) { logPipelineMention(input: $i) { pipelineMention { id } } }";
const ESCALATE: &str = "mutation($i: RaiseEscalationInput!) { raiseEscalation(input: $i) { escalation { id } } }";

/// A team with a partner and two accounts, from `at`.
async fn team_from(at: &str) -> Quarter {
    let app = TestApp::spawn_at(at).await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let globex = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    let initech = app.create_account(&team.marketer, &team.org_id, "Initech", &team.seller).await;
    Quarter { app, team, globex, initech, partner }
}

async fn quarter() -> Quarter {
    let q = team_from("2026-01-02T08:00:00Z").await;

    // Handoffs (window 3 days). Previous window: answered after 48 h, 24 h and 72 h (exactly at
    // respondBy, so not late) and one never answered; current: after 6 h, 12 h and 24 h, plus one
    // sent on Jun 28 whose respondBy (Jul 1 09:00) is still ahead.
    let h1 = q.send("2026-01-10T09:00:00Z", TWELVE).await;
    q.answer(&h1, "2026-01-12T09:00:00Z", "ACCEPT").await;
    let h0 = q.send("2026-01-20T09:00:00Z", TEN).await;
    q.answer(&h0, "2026-01-21T09:00:00Z", "ACCEPT").await;
    let h2 = q.send("2026-02-10T09:00:00Z", TEN).await;
    q.answer(&h2, "2026-02-13T09:00:00Z", "DECLINE").await;
    q.send("2026-03-10T09:00:00Z", NINE).await;
    let h4 = q.send("2026-04-10T09:00:00Z", SIXTEEN).await;
    q.answer(&h4, "2026-04-10T15:00:00Z", "ACCEPT").await;
    let h5 = q.send("2026-05-10T09:00:00Z", ["STRONG"; 9]).await;
    q.answer(&h5, "2026-05-10T21:00:00Z", "ACCEPT").await;
    let h6 = q.send("2026-06-10T09:00:00Z", FOURTEEN).await;
    q.answer(&h6, "2026-06-11T09:00:00Z", "DECLINE").await;
    q.send("2026-06-28T09:00:00Z", TWELVE).await;

    let (seller, leader, org) = (q.team.seller.clone(), q.team.leader.clone(), q.team.org_id.clone());
    // Asks: previous, one on Initech (never handed off); current, one on Globex (handed off
    // before, so brought), one on Initech and one on an account named anew.
    q.log(&seller, ASK, json!({ "organizationId": org, "accountId": q.initech, "askedAt": "2026-02-01T10:00:00Z" }))
        .await;
    let brought = q
        .log(&seller, ASK, json!({ "organizationId": org, "accountId": q.globex, "askedAt": "2026-05-01T10:00:00Z" }))
        .await;
    assert_eq!(brought["logPartnerAsk"]["partnerAsk"]["broughtByPartnerMarketing"], true);
    let fresh = q
        .log(&seller, ASK, json!({ "organizationId": org, "accountId": q.initech, "askedAt": "2026-05-05T10:00:00Z" }))
        .await;
    assert_eq!(fresh["logPartnerAsk"]["partnerAsk"]["broughtByPartnerMarketing"], false);
    q.log(&seller, ASK, json!({ "organizationId": org, "accountName": "Hooli", "askedAt": "2026-06-01T10:00:00Z" }))
        .await;

    // Pipeline mentions: previous, one with partner marketing present and one without; current,
    // two without and one with.
    for (at, present) in [
        ("2026-02-15", true),
        ("2026-03-01", false),
        ("2026-04-20", false),
        ("2026-05-20", false),
        ("2026-06-05", true),
    ] {
        let input = json!({ "organizationId": org, "reviewKind": "FORECAST", "partnerId": q.partner, "partnerMarketingPresent": present, "mentionedAt": format!("{at}T10:00:00Z") });
        q.log(&leader, MENTION, input).await;
    }

    // Meetings: previous, the seller once; current, the seller twice and the second seller once.
    let seller2 = q.team.seller2.clone();
    for (who, at) in
        [(&seller, "2026-02-01"), (&seller, "2026-04-15"), (&seller, "2026-05-15"), (&seller2, "2026-05-20")]
    {
        let input = json!({ "organizationId": org, "accountId": q.globex, "partnerId": q.partner, "metAt": format!("{at}T10:00:00Z") });
        q.log(who, MEETING, input).await;
    }

    // Escalations: previous, two about whether handoffs are worth reading and one about which
    // account; current, one about which partner, two about which account, one about worth.
    for (at, topic) in [
        ("2026-01-25", "WORTH_READING"),
        ("2026-02-25", "WORTH_READING"),
        ("2026-03-15", "WHICH_ACCOUNT"),
        ("2026-04-25", "WHICH_PARTNER"),
        ("2026-05-25", "WHICH_ACCOUNT"),
        ("2026-06-15", "WORTH_READING"),
        ("2026-06-20", "WHICH_ACCOUNT"),
    ] {
        q.log(&seller, ESCALATE, json!({ "organizationId": org, "topic": topic, "accountId": q.globex, "raisedAt": format!("{at}T10:00:00Z") })).await;
    }
    q.app.set_time("2026-07-01T00:00:00Z");
    q
}

const REPORT: &str = "query($s: String!, $seller: ID) { organization(slug: $s) { trustReport(days: 90, sellerId: $seller) {
    from to medianResponseHours silentShare averageHandoffScore previousAverageHandoffScore handoffScoreTrend trustImproving bothImproving
    signals { signal value previousValue trend reading sampleSize previousSampleSize } } } }";

fn close(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-9)
}

#[tokio::test]
async fn a_quarter_of_behaviour_reads_as_hand_computed() {
    let q = quarter().await;
    let data = q.app.ok(Some(&q.team.leader.token), REPORT, json!({ "s": "acme" })).await;
    let report = &data["organization"]["trustReport"];
    assert_eq!(report["from"], "2026-04-02T00:00:00+00:00");
    assert_eq!(report["to"], "2026-07-01T00:00:00+00:00");
    let signals = report["signals"].as_array().unwrap();
    let row = |i: usize| &signals[i];

    // RESPONSE_TIME: median of 6, 12, 24 h = 12; before, median of 24, 48, 72 h = 48; down is healthy.
    assert_eq!(row(0)["signal"], "RESPONSE_TIME");
    assert!(close(&row(0)["value"], 12.0) && close(&row(0)["previousValue"], 48.0), "{:#}", row(0));
    assert_eq!(
        (row(0)["trend"].as_str(), row(0)["reading"].as_str(), row(0)["sampleSize"].as_i64()),
        (Some("DOWN"), Some("BUILDING"), Some(3))
    );
    // ACCEPTANCE_RATE: 2 accepted of 3 decided (the Jun 28 one is not due) = 0.667; before, 2 of
    // 3 decided + 1 overdue = 0.5.
    assert!(close(&row(1)["value"], 2.0 / 3.0) && close(&row(1)["previousValue"], 0.5), "{:#}", row(1));
    assert_eq!(
        (row(1)["reading"].as_str(), row(1)["sampleSize"].as_i64(), row(1)["previousSampleSize"].as_i64()),
        (Some("BUILDING"), Some(3), Some(4))
    );
    // SELLER_INITIATED_ASKS: 2 of 3 asks on accounts not brought; before, 1 of 1.
    assert!(close(&row(2)["value"], 2.0) && close(&row(2)["previousValue"], 1.0), "{:#}", row(2));
    assert_eq!(
        (row(2)["trend"].as_str(), row(2)["reading"].as_str(), row(2)["sampleSize"].as_i64()),
        (Some("UP"), Some("BUILDING"), Some(3))
    );
    // PIPELINE_LANGUAGE: 2 of 3 mentions without partner marketing; before, 1 of 2.
    assert!(close(&row(3)["value"], 2.0) && close(&row(3)["previousValue"], 1.0), "{:#}", row(3));
    assert_eq!(row(3)["reading"], "BUILDING");
    // REPEAT_USAGE: of 2 sellers with a meeting, 1 took a second = 0.5; two sellers are below the
    // minimum sample of three.
    assert!(close(&row(4)["value"], 0.5) && close(&row(4)["previousValue"], 0.0), "{:#}", row(4));
    assert_eq!(
        (row(4)["trend"].as_str(), row(4)["reading"].as_str(), row(4)["sampleSize"].as_i64()),
        (None, Some("NOT_ENOUGH_DATA"), Some(2))
    );
    // ESCALATION_QUALITY: 3 of 4 about which account or partner = 0.75; before, 1 of 3.
    assert!(close(&row(5)["value"], 0.75) && close(&row(5)["previousValue"], 1.0 / 3.0), "{:#}", row(5));
    assert_eq!((row(5)["reading"].as_str(), row(5)["sampleSize"].as_i64()), (Some("BUILDING"), Some(4)));

    assert!(close(&report["medianResponseHours"], 12.0));
    // No handoff due in the window went unanswered past respondBy.
    assert!(close(&report["silentShare"], 0.0));
    // Scores 16, 18, 14, 12 = 15.0; before, 12, 10, 10, 9 = 10.25.
    assert!(
        close(&report["averageHandoffScore"], 15.0) && close(&report["previousAverageHandoffScore"], 10.25),
        "{report:#}"
    );
    assert_eq!(report["handoffScoreTrend"], "UP");
    assert_eq!((report["trustImproving"].as_bool(), report["bothImproving"].as_bool()), (Some(true), Some(true)));
}

#[tokio::test]
async fn a_series_charts_one_signal_per_month() {
    let q = quarter().await;
    let series = "query($s: String!) { organization(slug: $s) { trustSeries(signal: ACCEPTANCE_RATE, bucket: MONTH, from: \"2026-01-01T00:00:00Z\", to: \"2026-07-01T00:00:00Z\") { from value sampleSize } } }";
    let data = q.app.ok(Some(&q.team.leader.token), series, json!({ "s": "acme" })).await;
    let points: Vec<(String, Option<f64>, i64)> = data["organization"]["trustSeries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["from"].as_str().unwrap()[..7].to_owned(), p["value"].as_f64(), p["sampleSize"].as_i64().unwrap()))
        .collect();
    // Jan: 2 accepted of 2; Feb: 1 declined; Mar: 1 overdue; Apr, May: accepted; Jun: 1 declined
    // (the Jun 28 handoff is not due yet).
    assert_eq!(
        points,
        [
            ("2026-01".to_owned(), Some(1.0), 2),
            ("2026-02".to_owned(), Some(0.0), 1),
            ("2026-03".to_owned(), Some(0.0), 1),
            ("2026-04".to_owned(), Some(1.0), 1),
            ("2026-05".to_owned(), Some(1.0), 1),
            ("2026-06".to_owned(), Some(0.0), 1),
        ]
    );
}

#[tokio::test]
async fn a_report_narrows_to_one_seller() {
    let q = quarter().await;
    let data =
        q.app.ok(Some(&q.team.leader.token), REPORT, json!({ "s": "acme", "seller": q.team.seller2.user_id })).await;
    let signals = &data["organization"]["trustReport"]["signals"];
    // The second seller received no handoffs and logged one meeting.
    assert_eq!(signals[0]["reading"], "NOT_ENOUGH_DATA");
    assert_eq!(signals[0]["sampleSize"], 0);
    assert_eq!(signals[4]["sampleSize"], 1);
}

#[tokio::test]
async fn trust_reports_are_for_the_people_who_run_the_motion() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let body = app.gql(Some(&team.seller.token), REPORT, json!({ "s": "acme" })).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    app.ok(Some(&team.marketer.token), REPORT, json!({ "s": "acme" })).await;
}

#[tokio::test]
async fn an_empty_organization_has_not_enough_data() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let data = app.ok(Some(&team.leader.token), REPORT, json!({ "s": "acme" })).await;
    let report = &data["organization"]["trustReport"];
    assert!(
        report["signals"].as_array().unwrap().iter().all(|s| s["reading"] == "NOT_ENOUGH_DATA" && s["value"].is_null())
    );
    assert_eq!(report["bothImproving"], false);
    let bad = app
        .gql(
            Some(&team.leader.token),
            "{ organization(slug: \"acme\") { trustReport(days: 0) { bothImproving } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_field(&bad), Some("days"));
}

#[tokio::test]
async fn trust_records_are_written_by_the_roles_that_would_log_them() {
    let app = TestApp::spawn().await;
    let team = app.team("acme").await;
    let partner = app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let account = app.create_account(&team.marketer, &team.org_id, "Globex", &team.seller).await;
    let org = team.org_id.clone();
    let refused = [
        (&team.marketer, ASK, json!({ "organizationId": org, "accountId": account })),
        (
            &team.marketer,
            MENTION,
            json!({ "organizationId": org, "reviewKind": "PIPELINE", "accountId": account, "partnerMarketingPresent": false }),
        ),
        (
            &team.seller,
            "mutation($i: LogScoreReviewInput!) { logScoreReview(input: $i) { scoreReview { id } } }",
            json!({ "organizationId": org, "attendeeIds": [team.leader.user_id] }),
        ),
        (
            &team.seller,
            "mutation($i: DraftWorkingAgreementInput!) { draftWorkingAgreement(input: $i) { workingAgreement { version } } }",
            json!({ "organizationId": org }),
        ),
        (
            &team.seller,
            MEETING,
            json!({ "organizationId": org, "sellerId": team.seller2.user_id, "accountId": account, "partnerId": partner }),
        ),
    ];
    for (who, mutation, input) in refused {
        let body = app.gql(Some(&who.token), mutation, json!({ "i": input })).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{mutation}: {body:#}");
    }
    // A sales leader logs an ask for a named seller; without one it is refused.
    let unnamed =
        app.gql(Some(&team.leader.token), ASK, json!({ "i": { "organizationId": org, "accountId": account } })).await;
    assert_eq!(error_field(&unnamed), Some("sellerId"));
    let ask = app
        .ok(
            Some(&team.leader.token),
            ASK,
            json!({ "i": { "organizationId": org, "accountId": account, "sellerId": team.seller.user_id } }),
        )
        .await;
    let ask_id = ask["logPartnerAsk"]["partnerAsk"]["id"].clone();
    // Only the one who logged it, or an ADMIN, archives it.
    let archive = "mutation($i: ArchiveTrustRecordInput!) { archiveTrustRecord(input: $i) { id archivedAt } }";
    let by_seller = app.gql(Some(&team.seller.token), archive, json!({ "i": { "id": ask_id } })).await;
    assert_eq!(error_code(&by_seller), Some("FORBIDDEN"));
    app.ok(Some(&team.leader.token), archive, json!({ "i": { "id": ask_id } })).await;
    let list = app.ok(Some(&team.leader.token), "{ organization(slug: \"acme\") { partnerAsks { edges { node { id } } } all: partnerAsks(includeArchived: true) { edges { node { id archivedAt } } } } }", json!({})).await;
    assert_eq!(list["organization"]["partnerAsks"]["edges"], json!([]));
    assert_eq!(list["organization"]["all"]["edges"].as_array().unwrap().len(), 1);
    // Future times are refused.
    let future = app
        .gql(
            Some(&team.seller.token),
            ASK,
            json!({ "i": { "organizationId": org, "accountId": account, "askedAt": "2999-01-01T00:00:00Z" } }),
        )
        .await;
    assert_eq!(error_field(&future), Some("askedAt"));
}

#[tokio::test]
async fn another_organizations_ids_are_not_found_in_trust_records() {
    let app = TestApp::spawn().await;
    let acme = app.team("acme").await;
    let account = app.create_account(&acme.marketer, &acme.org_id, "Globex", &acme.seller).await;
    let ask = app
        .ok(Some(&acme.seller.token), ASK, json!({ "i": { "organizationId": acme.org_id, "accountId": account } }))
        .await;
    let other = app.team("umbrella").await;
    let crossed = app
        .gql(Some(&other.seller.token), ASK, json!({ "i": { "organizationId": other.org_id, "accountId": account } }))
        .await;
    expect_error(&crossed, "NOT_FOUND", Some("accountId"));
    let archive = app
        .gql(
            Some(&other.admin.token),
            "mutation($i: ArchiveTrustRecordInput!) { archiveTrustRecord(input: $i) { id } }",
            json!({ "i": { "id": ask["logPartnerAsk"]["partnerAsk"]["id"] } }),
        )
        .await;
    assert_eq!(error_code(&archive), Some("NOT_FOUND"));
    let report = app
        .ok(Some(&other.admin.token), "{ organization(slug: \"acme\") { trustReport { bothImproving } } }", json!({}))
        .await;
    assert!(report["organization"].is_null());
}

/// Silence and an even number of answers, on both databases (PostgreSQL sends the handoffs as
/// arrays, SQLite as rows). Window [Apr 2, Jul 1), respondBy three days on.
#[tokio::test]
async fn late_answers_and_overdue_handoffs_are_silence_and_an_even_median_is_the_middle_twos_mean() {
    let q = team_from("2026-06-01T08:00:00Z").await;
    // Answered after 10 h, 30 h, 100 h (late) and 72 h and one second (late by that second); one
    // never answered (overdue); one sent on Jun 29, not due yet.
    for (sent, answered, decision, grades) in [
        ("2026-06-01T09:00:00Z", Some("2026-06-01T19:00:00Z"), "ACCEPT", ["STRONG"; 9]),
        ("2026-06-02T09:00:00Z", Some("2026-06-03T15:00:00Z"), "DECLINE", TWELVE),
        ("2026-06-03T09:00:00Z", Some("2026-06-07T13:00:00Z"), "ACCEPT", TEN),
        ("2026-06-04T09:00:00Z", Some("2026-06-07T09:00:01Z"), "ACCEPT", NINE),
        ("2026-06-05T09:00:00Z", None, "", SIXTEEN),
        ("2026-06-29T09:00:00Z", None, "", FOURTEEN),
    ] {
        let id = q.send(sent, grades).await;
        if let Some(at) = answered {
            q.answer(&id, at, decision).await;
        }
    }
    q.app.set_time("2026-07-01T00:00:00Z");
    let data = q.app.ok(Some(&q.team.leader.token), REPORT, json!({ "s": "acme" })).await;
    let report = &data["organization"]["trustReport"];
    let response = &report["signals"][0];
    // 10, 30, 72.000278, 100 h: the mean of the middle two.
    let middle = (30.0 + 259_201.0 / 3600.0) / 2.0;
    assert!(close(&response["value"], middle) && close(&report["medianResponseHours"], middle), "{report:#}");
    assert_eq!(response["sampleSize"], 4);
    // Due: the four answered and the overdue one. Accepted 3 of 5; silent: the two late, the overdue.
    let acceptance = &report["signals"][1];
    assert!(close(&acceptance["value"], 0.6) && acceptance["sampleSize"] == 5, "{acceptance:#}");
    assert!(close(&report["silentShare"], 0.6), "{report:#}");
    // Every sent handoff's score counts: 18 + 12 + 10 + 9 + 16 + 14 = 79 over 6.
    assert!(close(&report["averageHandoffScore"], 79.0 / 6.0), "{report:#}");
    assert_eq!(report["previousAverageHandoffScore"], Value::Null);

    // The same sums by month: nothing in April and May, June as above.
    let series = "query($s: String!) { organization(slug: $s) { trustSeries(signal: RESPONSE_TIME, bucket: MONTH, from: \"2026-04-01T00:00:00Z\", to: \"2026-07-01T00:00:00Z\") { value sampleSize } } }";
    let data = q.app.ok(Some(&q.team.leader.token), series, json!({ "s": "acme" })).await;
    let points = data["organization"]["trustSeries"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    assert_eq!((&points[0]["value"], &points[0]["sampleSize"]), (&Value::Null, &json!(0)));
    assert_eq!((&points[1]["value"], &points[1]["sampleSize"]), (&Value::Null, &json!(0)));
    assert!(close(&points[2]["value"], middle) && points[2]["sampleSize"] == 4, "{points:#?}");
}
