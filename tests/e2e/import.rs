//! Importing history from CSV files: uploaded through the GraphQL multipart request specification
//! (and run by the `import` command), checked row by row, written whole or not at all.

use handoff_api::domain::import::RecordKind;
use handoff_api::import::FileKind;
use handoff_e2e::{Team, TestApp, error_code, without_sweeps};
use serde_json::{Value, json};

const IMPORT: &str = "mutation($i: ImportHandoffsInput!) { importHandoffs(input: $i) { report {
    dryRun imported rows handoffs grades responses records createdAccounts createdPartners unknownPeople
    ignoredColumns problemCount problems { row column message } } } }";

const IMPORT_RECORDS: &str = "mutation($i: ImportTrustRecordsInput!) { importTrustRecords(input: $i) { report {
    dryRun imported rows records unknownPeople problemCount problems { row column message } } } }";

const HANDOFFS: &str = "query($s: String!) { organization(slug: $s) { handoffs(first: 50) { nodes {
    title status score band createdAt sentAt respondBy decidedAt overdue overdueAt
    account { name } partner { name } seller { email } createdBy { email } owner { email }
    whyThisAccount nextAction nextActionDueBy responseWindowDays offerAgreedWithPartner
    proof { label url } grades { component grade }
    responses { decision reason failedComponents createdAt } } } } }";

/// A CRM's export: the template's columns with other spellings, and columns the import does not read.
const CRM_EXPORT: &str = "\
Title,Account,Partner,Seller,Created By,Created At,Why this account,Next action,Next action due by,Owner,\
Response window days,Proof,Target account logic grade,Partner context grade,Relationship path grade,\
Buyer problem grade,Partner offer grade,Next action grade,Owner grade,Acceptance criteria grade,Proof grade,\
Sent at,Response,Responded at,Response reason,Failed components,Offer agreed with partner,Stage,Amount
Teardown for Initech,Initech,Snowflake,seller@acme.example,marketer@acme.example,2026-09-01T10:00:00Z,\
\"On the seller's Q3 list, \"\"tier 1\"\"\",Book the teardown,2026-09-05,marketer@acme.example,3,\
\"Case study: https://example.com/case
https://docs.example.org/benchmark\",strong,strong,strong,strong,strong,strong,strong,strong,strong,\
2026-09-02 10:00,accept,2026-09-03 09:00,Good fit,,yes,Closed won,12000
Benchmark for Globex,Globex,snowflake,seller2,,2026-09-10,,,,,5,,weak,weak,missing,weak,weak,weak,weak,weak,missing,\
2026-09-11,DECLINED,2026-09-12,No proof,proof; Owner,,Lost,
Workshop idea,INITECH,Databricks,Seller,,,,,,,,,,,,,,,,,,,,,,,,Prospect,
Quiet one,Globex,Databricks,seller@acme.example,,2026-09-20,,,,,3,,strong,strong,strong,strong,strong,weak,weak,weak,weak,\
2026-09-20 12:00,,,,,,Stalled,
";

async fn app_and_team() -> (TestApp, Team) {
    let app = TestApp::spawn_at_with("2026-10-01T09:00:00+00:00", without_sweeps).await;
    let team = app.team("acme").await;
    let globex_seller = team.seller.clone();
    app.create_account(&team.marketer, &team.org_id, "Globex", &globex_seller).await;
    (app, team)
}

async fn import(app: &TestApp, token: &str, org_id: &str, file: &[u8], dry_run: bool) -> (u16, Value) {
    let variables = json!({ "i": { "organizationId": org_id, "file": null, "dryRun": dry_run } });
    app.upload(Some(token), IMPORT, variables, "variables.i.file", file).await
}

fn report(body: &Value) -> &Value {
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    &body["data"]["importHandoffs"]["report"]
}

fn by_title<'a>(page: &'a Value, title: &str) -> &'a Value {
    page["organization"]["handoffs"]["nodes"].as_array().unwrap().iter().find(|h| h["title"] == title).unwrap()
}

#[tokio::test]
async fn a_crm_export_imports_whole_with_its_history() {
    let (app, team) = app_and_team().await;
    let (status, body) = import(&app, &team.admin.token, &team.org_id, CRM_EXPORT.as_bytes(), true).await;
    assert_eq!(status, 200);
    let dry = report(&body).clone();
    assert_eq!((dry["dryRun"].as_bool(), dry["imported"].as_bool()), (Some(true), Some(false)));
    assert_eq!(app.count_rows("handoffs").await, 0, "a dry run writes nothing");

    let (_, body) = import(&app, &team.admin.token, &team.org_id, CRM_EXPORT.as_bytes(), false).await;
    let report = report(&body);
    assert_eq!(report["imported"], true);
    assert_eq!(report["problemCount"], 0);
    assert_eq!((report["rows"].as_i64(), report["handoffs"].as_i64()), (Some(4), Some(4)));
    assert_eq!((report["grades"].as_i64(), report["responses"].as_i64()), (Some(27), Some(2)));
    assert_eq!(report["createdAccounts"], json!(["Initech"]));
    assert_eq!(report["createdPartners"], json!(["Snowflake", "Databricks"]));
    assert_eq!(report["ignoredColumns"], json!(["Stage", "Amount"]));
    for field in ["handoffs", "grades", "responses", "createdAccounts", "createdPartners"] {
        assert_eq!(dry[field], report[field], "the dry run foretold {field}");
    }

    let page = app.ok(Some(&team.admin.token), HANDOFFS, json!({ "s": "acme" })).await;
    let accepted = by_title(&page, "Teardown for Initech");
    assert_eq!((accepted["status"].as_str(), accepted["score"].as_i64()), (Some("ACCEPTED"), Some(18)));
    assert_eq!(accepted["band"], "SALES_READY");
    assert_eq!(accepted["account"]["name"], "Initech");
    assert_eq!(accepted["seller"]["email"], "seller@acme.example");
    assert_eq!(accepted["createdBy"]["email"], "marketer@acme.example");
    assert_eq!(accepted["owner"]["email"], "marketer@acme.example");
    assert_eq!(accepted["whyThisAccount"], "On the seller's Q3 list, \"tier 1\"");
    assert_eq!(accepted["nextActionDueBy"], "2026-09-05");
    assert_eq!(accepted["offerAgreedWithPartner"], true);
    assert_eq!(accepted["createdAt"], "2026-09-01T10:00:00+00:00");
    assert_eq!(accepted["sentAt"], "2026-09-02T10:00:00+00:00");
    assert_eq!(accepted["respondBy"], "2026-09-05T10:00:00+00:00");
    assert_eq!(accepted["decidedAt"], "2026-09-03T09:00:00+00:00");
    assert_eq!(
        accepted["proof"],
        json!([{ "label": "Case study", "url": "https://example.com/case" },
               { "label": "docs.example.org", "url": "https://docs.example.org/benchmark" }])
    );
    assert_eq!(accepted["responses"][0]["decision"], "ACCEPT");
    assert_eq!(accepted["responses"][0]["createdAt"], "2026-09-03T09:00:00+00:00");

    let declined = by_title(&page, "Benchmark for Globex");
    assert_eq!((declined["status"].as_str(), declined["score"].as_i64()), (Some("DECLINED"), Some(7)));
    assert_eq!(declined["band"], "NOT_A_HANDOFF_YET");
    assert_eq!(declined["seller"]["email"], "seller2@acme.example", "matched by the member's name");
    assert_eq!(declined["partner"]["name"], "Snowflake", "one partner for two spellings");
    assert_eq!(declined["responses"][0]["failedComponents"], json!(["PROOF", "OWNER"]));
    assert_eq!(declined["responses"][0]["reason"], "No proof");

    let draft = by_title(&page, "Workshop idea");
    assert_eq!((draft["status"].as_str(), draft["score"].as_i64()), (Some("DRAFT"), Some(0)));
    assert_eq!(draft["account"]["name"], "Initech", "the account the file created two rows up");
    assert_eq!(draft["createdBy"]["email"], "admin@acme.example", "the importing member wrote it");
    assert_eq!(draft["createdAt"], "2026-10-01T09:00:00+00:00");

    // Silence already past on import is history: marked overdue as of its respond-by time.
    let quiet = by_title(&page, "Quiet one");
    assert_eq!((quiet["status"].as_str(), quiet["overdue"].as_bool()), (Some("SENT"), Some(true)));
    assert_eq!(quiet["overdueAt"], quiet["respondBy"]);

    let event = app.last_audit_event(&team.admin, "acme").await;
    assert_eq!(event["action"], "organization.imported");
    assert_eq!(event["actor"]["email"], "admin@acme.example");
    assert!(event["detail"].as_str().unwrap().contains("4 handoffs"), "{event:#}");

    // The same file again is the same handoffs: refused, not doubled.
    let (_, again) = import(&app, &team.admin.token, &team.org_id, CRM_EXPORT.as_bytes(), false).await;
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "{again:#}");
    let problems = again["errors"][0]["extensions"]["problems"].as_array().unwrap();
    assert!(problems.iter().all(|p| p["column"] == "title"), "{problems:?}");
    assert!(problems[0]["message"].as_str().unwrap().contains("already stored"));
    assert_eq!(app.count_rows("handoffs").await, 4);
}

/// A file with one problem of every kind, each on its own row.
const BROKEN: &str = "\
title,account,partner,seller,owner,proof_grade,sent_at,response_window_days,proof
Fine row,Acme Corp,Snowflake,seller@acme.example,,strong,,,
\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",Acme Corp,Snowflake,seller@acme.example,,,,,
Unknown seller,Acme Corp,Snowflake,nobody@acme.example,,,,,
Wrong role,Acme Corp,Snowflake,marketer@acme.example,,,,,
Bad grade,Acme Corp,Snowflake,seller@acme.example,,excellent,,,
Bad date,Acme Corp,Snowflake,seller@acme.example,,,31/12/2025,3,
Sent without window,Acme Corp,Snowflake,seller@acme.example,,,2025-12-31,,
Too many cells,Acme Corp,Snowflake,seller@acme.example,,,,,,surplus
Bad proof,Acme Corp,Snowflake,seller@acme.example,,,,,see the deck
Duplicate,Acme Corp,Snowflake,seller@acme.example,,,,,
Duplicate,Acme Corp,Snowflake,seller@acme.example,,,,,
";

#[tokio::test]
async fn a_broken_file_lists_every_problem_and_writes_nothing() {
    let (app, team) = app_and_team().await;
    let (_, body) = import(&app, &team.admin.token, &team.org_id, BROKEN.as_bytes(), true).await;
    let report = report(&body);
    let found: Vec<(i64, Option<&str>)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["row"].as_i64().unwrap(), p["column"].as_str()))
        .collect();
    let expected = vec![
        (3, Some("title")),
        (4, Some("seller")),
        (5, Some("seller")),
        (6, Some("proof_grade")),
        (7, Some("sent_at")),
        (8, Some("response_window_days")),
        (9, None),
        (10, Some("proof")),
        (12, Some("title")),
    ];
    assert_eq!(found, expected, "{report:#}");
    assert_eq!(report["problemCount"], 9);
    assert_eq!(report["unknownPeople"], json!(["nobody@acme.example"]));
    let formula = &report["problems"][0]["message"];
    assert!(formula.as_str().unwrap().contains("formula"), "{formula}");

    // A real run of the same file: refused whole, the problems in the error, nothing written.
    let (status, body) = import(&app, &team.admin.token, &team.org_id, BROKEN.as_bytes(), false).await;
    assert_eq!(status, 200);
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["field"], "file");
    assert_eq!(error["extensions"]["problemCount"], 9);
    assert_eq!(error["extensions"]["problems"][0]["row"], 3);
    assert!(error["message"].as_str().unwrap().contains("row 3, column title"), "{error:#}");
    assert_eq!(app.count_rows("handoffs").await, 0);
    assert_eq!(app.count_rows("accounts").await, 1, "Acme Corp was not created");
    assert_eq!(app.count_rows("partners").await, 0);
}

#[tokio::test]
async fn only_an_admin_imports_what_others_said_or_wrote() {
    let (app, team) = app_and_team().await;
    let (_, body) = import(&app, &team.marketer.token, &team.org_id, CRM_EXPORT.as_bytes(), true).await;
    let found: Vec<(i64, &str)> = report(&body)["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["row"].as_i64().unwrap(), p["column"].as_str().unwrap()))
        .collect();
    // Row 2 was written by the marketer (theirs to say) and answered by a seller (not theirs).
    assert_eq!(found, vec![(2, "response"), (3, "response")], "{body:#}");
    let file =
        "title,account,partner,seller,created_by\nTheirs,Globex,Snowflake,seller@acme.example,admin@acme.example\n";
    let (_, body) = import(&app, &team.marketer.token, &team.org_id, file.as_bytes(), true).await;
    assert_eq!(report(&body)["problems"][0]["column"], "created_by", "{body:#}");
    // A marketer's own drafts and sends import.
    let file = "title,account,partner,seller,created_by,sent_at,response_window_days\n\
                Mine,Globex,Snowflake,seller@acme.example,marketer@acme.example,2026-09-01,3\n";
    let (_, body) = import(&app, &team.marketer.token, &team.org_id, file.as_bytes(), false).await;
    assert_eq!(report(&body)["imported"], true);
}

#[tokio::test]
async fn one_person_uploads_one_file_at_a_time_and_the_operation_stays_small() {
    use tokio::io::AsyncWriteExt;
    let (app, team) = app_and_team().await;
    let second_admin = app.sign_up("admin2@acme.example").await;
    app.add_member(&team.admin, &team.org_id, &second_admin, "ADMIN").await;
    let file = b"title,account,partner,seller\nA,Globex,Snowflake,seller@acme.example\n";
    // An upload that never finishes sending holds its person's place...
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n",
        team.admin.token
    );
    let open_slow = || async {
        let mut slow = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        slow.write_all(head.as_bytes()).await.unwrap();
        slow
    };
    let mut slow = open_slow().await;
    let mut refused = None;
    for _ in 0..500 {
        let (status, body) = import(&app, &team.admin.token, &team.org_id, file, true).await;
        if status == 429 {
            refused = Some(body);
            break;
        }
        // The slow upload may have arrived while this one held the place, and been refused: then
        // it was answered, and another takes its turn.
        let mut answer = [0u8; 64];
        if !matches!(slow.try_read(&mut answer), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock) {
            slow = open_slow().await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let refused = refused.expect("a second upload of the same person is refused while the first runs");
    assert_eq!(error_code(&refused), Some("RATE_LIMITED"));
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("one at a time"), "{refused:#}");
    // ...but not the other place: someone else uploads meanwhile.
    let (status, _) = import(&app, &second_admin.token, &team.org_id, file, true).await;
    assert_eq!(status, 200);
    // A client that goes away gives its place back.
    drop(slow);
    let mut status = 0;
    for _ in 0..100 {
        status = import(&app, &team.admin.token, &team.org_id, file, true).await.0;
        if status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status, 200);
    // The document and variables of an upload are held to MAX_BODY_BYTES like any request.
    let padding = "x".repeat(1024 * 1024 + 1);
    let variables = json!({ "i": { "organizationId": team.org_id, "file": null, "dryRun": true }, "pad": padding });
    let (status, body) = app.upload(Some(&team.admin.token), IMPORT, variables, "variables.i.file", file).await;
    assert_eq!((status, error_code(&body)), (413, Some("PAYLOAD_TOO_LARGE")), "{body:#}");
}

#[tokio::test]
async fn files_that_cannot_be_read_are_refused_with_their_reason() {
    let (app, team) = app_and_team().await;
    let header = "title,account,partner,seller\n";
    // (case, file, the first problem's row and column, what its message says)
    type Case<'a> = (&'a str, Vec<u8>, i64, Option<&'a str>, &'a str);
    let cases: Vec<Case> = vec![
        ("utf-16", b"\xFF\xFEt\x00i\x00".to_vec(), 1, None, "UTF-16"),
        (
            "control character",
            format!("{header}Caf\u{e9},Acme,Snowflake,seller\n").replace('\u{e9}', "\u{1}").into_bytes(),
            2,
            None,
            "control",
        ),
        ("missing column", b"title,account,seller\nA,Acme,seller\n".to_vec(), 1, Some("partner"), "lacks"),
        ("unclosed quote", format!("{header}\"A,Acme,Snowflake,seller\n").into_bytes(), 2, None, "never closed"),
        ("header only", header.as_bytes().to_vec(), 1, None, "no rows"),
        ("empty", Vec::new(), 1, None, "empty"),
    ];
    for (case, file, row, column, says) in cases {
        let (_, body) = import(&app, &team.admin.token, &team.org_id, &file, true).await;
        let problem = &report(&body)["problems"][0];
        assert_eq!(problem["row"], row, "{case}: {problem:#}");
        if column.is_some() {
            assert_eq!(problem["column"].as_str(), column, "{case}");
        }
        assert!(problem["message"].as_str().unwrap().contains(says), "{case}: {problem:#}");
    }
    // Bytes that are not UTF-8 at all name their row and column.
    let mut latin1 = header.as_bytes().to_vec();
    latin1.extend_from_slice(b"Caf\xE9,Acme,Snowflake,seller\n");
    let (_, body) = import(&app, &team.admin.token, &team.org_id, &latin1, true).await;
    let problem = &report(&body)["problems"][0];
    assert_eq!((problem["row"].as_i64(), problem["column"].as_str()), (Some(2), Some("title")), "{problem:#}");
    assert!(problem["message"].as_str().unwrap().contains("UTF-8"));
}

#[tokio::test]
async fn uploads_are_for_members_who_may_import() {
    let (app, team) = app_and_team().await;
    let file = b"title,account,partner,seller\nA,Acme,Snowflake,seller@acme.example\n";
    // Anonymous: no body is read, and no cross-site form can post one (it cannot set the header).
    let variables = json!({ "i": { "organizationId": team.org_id, "file": null } });
    let (status, body) = app.upload(None, IMPORT, variables.clone(), "variables.i.file", file).await;
    assert_eq!((status, error_code(&body)), (401, Some("UNAUTHENTICATED")));
    // Sellers and sales leaders do not import handoffs.
    for who in [&team.seller, &team.leader] {
        let (_, body) = import(&app, &who.token, &team.org_id, file, false).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body:#}");
    }
    // Someone else's organization is not found.
    let stranger = app.sign_up("stranger@else.example").await;
    let (_, body) = import(&app, &stranger.token, &team.org_id, file, false).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"));
    // A query is not a place for files; a body that is not the multipart shape says what it lacks.
    let (status, _) =
        app.upload(Some(&team.admin.token), "query { __typename }", json!({}), "variables.file", file).await;
    assert_eq!(status, 400);
    let (status, body) = app
        .post_multipart(Some(&team.admin.token), "multipart/form-data; boundary=x", b"--x\r\n\r\nnonsense".to_vec())
        .await;
    assert_eq!((status, error_code(&body)), (400, Some("BAD_REQUEST")), "{body:#}");
    // A file cannot ride in JSON.
    let body = app
        .gql(
            Some(&team.admin.token),
            IMPORT,
            json!({ "i": { "organizationId": team.org_id, "file": "title,account\nA,B\n" } }),
        )
        .await;
    assert!(body["errors"].is_array(), "{body:#}");
    assert_eq!(app.count_rows("handoffs").await, 0);
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_before_it_is_read_whole() {
    let app = TestApp::spawn_with(|c| c.max_upload_bytes = 64 * 1024).await;
    let team = app.team("acme").await;
    let mut file = b"title,account,partner,seller\n".to_vec();
    while file.len() < 100 * 1024 {
        file.extend_from_slice(b"A long enough title,Acme,Snowflake,seller@acme.example\n");
    }
    let (status, body) = import(&app, &team.admin.token, &team.org_id, &file, true).await;
    assert_eq!((status, error_code(&body)), (413, Some("PAYLOAD_TOO_LARGE")), "{body:#}");
}

#[tokio::test]
async fn trust_records_import_by_kind_and_match_what_the_organization_has() {
    let (app, team) = app_and_team().await;
    app.create_partner(&team.marketer, &team.org_id, "Snowflake").await;
    let cases = [
        (
            "PARTNER_ASK",
            "seller,asked_at,account,partner,note\nseller@acme.example,2026-09-01,Globex,Snowflake,asked\n\
             seller2,2026-09-02,Newco,,named anew\n",
            2,
        ),
        ("PARTNER_MEETING", "seller,account,partner,met_at\nseller@acme.example,Globex,Snowflake,2026-09-03\n", 1),
        (
            "PIPELINE_MENTION",
            "review_kind,mentioned_at,account,partner_marketing_present\nforecast,2026-09-04,Globex,yes\n",
            1,
        ),
        ("ESCALATION", "topic,raised_at,partner\nworth reading,2026-09-05,Snowflake\n", 1),
        ("SCORE_REVIEW", "attendees,reviewed_at\n\"leader@acme.example; seller\",2026-09-06\n", 1),
    ];
    for (kind, file, rows) in cases {
        let variables = json!({ "i": { "organizationId": team.org_id, "kind": kind, "file": null } });
        let (_, body) =
            app.upload(Some(&team.leader.token), IMPORT_RECORDS, variables, "variables.i.file", file.as_bytes()).await;
        assert!(body.get("errors").is_none(), "{kind}: {body:#}");
        let report = &body["data"]["importTrustRecords"]["report"];
        assert_eq!((report["imported"].as_bool(), report["records"].as_i64()), (Some(true), Some(rows)), "{kind}");
    }
    for (table, rows) in [
        ("partner_asks", 2),
        ("partner_meetings", 1),
        ("pipeline_mentions", 1),
        ("escalations", 1),
        ("score_reviews", 1),
    ] {
        assert_eq!(app.count_rows(table).await, rows, "{table}");
    }
    let asks = app
        .ok(
            Some(&team.leader.token),
            r#"{ organization(slug: "acme") { partnerAsks(first: 5) { nodes { askedAt accountName account { name } seller { email } } } } }"#,
            json!({}),
        )
        .await;
    let asks = asks["organization"]["partnerAsks"]["nodes"].as_array().unwrap();
    assert!(asks.iter().any(|a| a["accountName"] == "Newco" && a["account"].is_null()), "{asks:?}");
    assert!(asks.iter().any(|a| a["account"]["name"] == "Globex" && a["seller"]["email"] == "seller@acme.example"));

    // Records create nothing: an unknown account or partner is a row problem, and so is a seller
    // who is not one.
    let file = "seller,account,partner,met_at\nseller,Nowhere,Snowflake,2026-09-03\nleader,Globex,Nobody,2026-09-03\n";
    let variables =
        json!({ "i": { "organizationId": team.org_id, "kind": "PARTNER_MEETING", "file": null, "dryRun": true } });
    let (_, body) =
        app.upload(Some(&team.admin.token), IMPORT_RECORDS, variables, "variables.i.file", file.as_bytes()).await;
    let problems = &body["data"]["importTrustRecords"]["report"]["problems"];
    let found: Vec<(i64, &str)> = problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["row"].as_i64().unwrap(), p["column"].as_str().unwrap()))
        .collect();
    assert_eq!(found, vec![(2, "account"), (3, "seller"), (3, "partner")], "{problems:?}");
    // Sellers log their own records one at a time; a file names others.
    let variables = json!({ "i": { "organizationId": team.org_id, "kind": "SCORE_REVIEW", "file": null } });
    let (_, body) = app.upload(Some(&team.seller.token), IMPORT_RECORDS, variables, "variables.i.file", b"x").await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
}

#[tokio::test]
async fn the_import_command_acts_as_a_member_and_writes_ten_thousand_rows() {
    let (app, team) = app_and_team().await;
    let mut file = String::from(
        "title,account,partner,seller,created_at,proof_grade,owner_grade,sent_at,response_window_days,response,responded_at\n",
    );
    for i in 0..10_000 {
        let day = 1 + i % 28;
        file.push_str(&format!(
            "Handoff {i},Account {},Partner {},seller@acme.example,2026-08-{day:02} 09:00,strong,weak,2026-08-{day:02} 10:00,3,{},2026-08-{day:02} 12:00\n",
            i % 50,
            i % 7,
            if i % 3 == 0 { "accept" } else { "decline" }
        ));
    }
    let now = handoff_e2e::at("2026-10-01T09:00:00+00:00");
    let store = app.store();
    // A seller cannot be the one the command acts as; an unknown slug or email is named.
    let refused = handoff_api::import::as_operator(
        store,
        "acme",
        Some("seller@acme.example"),
        FileKind::Handoffs,
        file.as_bytes(),
        false,
        now,
    )
    .await;
    assert!(refused.unwrap_err().contains("SELLER"));
    assert!(handoff_api::import::as_operator(store, "nope", None, FileKind::Handoffs, b"", false, now).await.is_err());
    let report = handoff_api::import::as_operator(store, "acme", None, FileKind::Handoffs, file.as_bytes(), false, now)
        .await
        .unwrap();
    assert!(report.imported, "{}", handoff_api::import::summary(&report));
    assert_eq!((report.written.handoffs, report.written.grades, report.written.responses), (10_000, 20_000, 10_000));
    assert_eq!((report.created_accounts.len(), report.created_partners.len()), (50, 7));
    assert_eq!(app.count_rows("handoffs").await, 10_000);
    assert_eq!(app.count_rows("handoff_grades").await, 20_000);
    let created_by =
        app.column_text("SELECT DISTINCT u.email FROM handoffs h JOIN users u ON u.id = h.created_by").await;
    assert_eq!(created_by, vec![team.admin.email.clone()], "the command acts as the first ADMIN");
    // A dry run of a records file through the command.
    let records = "attendees,reviewed_at\nleader@acme.example,2026-09-06\n";
    let kind = FileKind::Records(RecordKind::ScoreReview);
    let dry = handoff_api::import::as_operator(store, "acme", None, kind, records.as_bytes(), true, now).await.unwrap();
    assert_eq!((dry.imported, dry.written.records), (false, 1));
    assert_eq!(app.count_rows("score_reviews").await, 0);
}

#[tokio::test]
async fn the_same_file_imported_twice_at_once_lands_once() {
    let (app, team) = app_and_team().await;
    let second_admin = app.sign_up("admin2@acme.example").await;
    app.add_member(&team.admin, &team.org_id, &second_admin, "ADMIN").await;
    let (first, second) = tokio::join!(
        import(&app, &second_admin.token, &team.org_id, CRM_EXPORT.as_bytes(), false),
        import(&app, &team.admin.token, &team.org_id, CRM_EXPORT.as_bytes(), false),
    );
    let landed = [&first.1, &second.1].into_iter().filter(|b| b.get("errors").is_none()).count();
    assert_eq!(landed, 1, "one import lands: {first:?} {second:?}");
    let refused = if first.1.get("errors").is_some() { &first.1 } else { &second.1 };
    assert_eq!(error_code(refused), Some("BAD_USER_INPUT"), "{refused:#}");
    assert!(refused["errors"][0]["message"].as_str().unwrap().contains("already stored"), "{refused:#}");
    assert_eq!(app.count_rows("handoffs").await, 4);
    assert_eq!(app.count_rows("accounts").await, 2, "Globex, and Initech once");
}
