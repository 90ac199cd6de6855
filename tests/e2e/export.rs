//! `GET /exports/{slug}.json` and `GET /exports/{slug}/{table}.csv`: everything an organization
//! owns, for its ADMINs, audited, streamed, with no secret and no formula a spreadsheet would run.

use chrono::{DateTime, Utc};
use handoff_api::seed::{self, PASSWORD, Plan};
use handoff_e2e::{Person, TestApp, at, uuid_of};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn download(app: &TestApp, who: Option<&Person>, path: &str) -> reqwest::Response {
    let request = app.client.get(app.url(path));
    let request = match who {
        Some(person) => request.bearer_auth(&person.token),
        None => request,
    };
    request.send().await.unwrap()
}

/// A download whose client reads nothing past the answer's head, through a socket with a small
/// receive buffer: the server's writes stall after a few kilobytes whatever the machine's TCP
/// buffer sizes, so the export holds its place until the client reads or goes. Answers the status,
/// the socket, and what was read so far (the head and perhaps the body's first bytes).
async fn held_download(app: &TestApp, who: &Person, path: &str) -> (u16, tokio::net::TcpStream, Vec<u8>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(app.addr).await.unwrap();
    // HTTP/1.0: the body ends when the connection does, without chunks to take apart.
    let head = format!("GET {path} HTTP/1.0\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\r\n", who.token);
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut read = Vec::new();
    let mut chunk = [0u8; 1024];
    while !read.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the server closed before answering");
        read.extend_from_slice(&chunk[..n]);
    }
    let status = std::str::from_utf8(&read[9..12]).unwrap().parse().unwrap();
    (status, stream, read)
}

/// Every key of every object in `value`, at any depth.
fn keys(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                found.push(key.clone());
                keys(inner, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, found)),
        _ => {}
    }
}

#[tokio::test]
async fn an_admin_downloads_everything_the_organization_owns_and_nothing_secret() {
    let app = TestApp::spawn().await;
    let acme = app.team("acme").await;
    let landed = app.landed_handoff(&acme, "Landed").await;
    app.ok(
        Some(&acme.admin.token),
        "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
        json!({ "i": { "organizationId": acme.org_id, "name": "crm sync", "role": "ADMIN" } }),
    )
    .await;
    app.invite(&acme.admin, &acme.org_id, "new@acme.example", "SELLER").await;
    let globex = app.team("globex").await;
    app.landed_handoff(&globex, "Not acme's").await;

    let answer = download(&app, Some(&acme.admin), "/exports/acme.json").await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "application/json");
    assert!(answer.headers().get("content-length").is_none(), "streamed, not sized up front");
    let export: Value = answer.json().await.unwrap();
    let tables = export["tables"].as_object().unwrap();
    assert_eq!(tables.len(), 19, "{:?}", tables.keys());
    let acme_id = uuid_of(&acme.org_id).to_string();
    assert_eq!(export["organization"]["id"], acme_id.as_str());
    for (name, rows) in tables {
        for row in rows.as_array().unwrap() {
            if name != "people" {
                assert_eq!(row["organization_id"], acme_id.as_str(), "{name}: {row}");
            }
        }
    }
    let handoffs = tables["handoffs"].as_array().unwrap();
    assert_eq!(handoffs.len(), 1);
    assert_eq!(handoffs[0]["id"], uuid_of(&landed.id).to_string().as_str());
    assert_eq!(tables["handoff_grades"].as_array().unwrap().len(), 9);
    assert_eq!(tables["api_tokens"].as_array().unwrap().len(), 1);
    // The team's four members joined by invitation; the fifth is pending.
    let invitations = tables["invitations"].as_array().unwrap();
    assert_eq!(invitations.len(), 5);
    assert!(invitations.iter().any(|i| i["email"] == "new@acme.example" && i["accepted_at"].is_null()));
    let emails: Vec<&str> = tables["people"].as_array().unwrap().iter().map(|p| p["email"].as_str().unwrap()).collect();
    assert!(emails.contains(&acme.admin.email.as_str()) && !emails.iter().any(|e| e.contains("globex")), "{emails:?}");
    let mut found = Vec::new();
    keys(&export, &mut found);
    for secret in ["secret", "secret_hash", "password_hash"] {
        assert!(!found.iter().any(|k| k == secret), "{secret} was exported");
    }

    // Each download is in the audit trail, with what it took.
    let event = app.last_audit_event(&acme.admin, "acme").await;
    assert_eq!(event["action"], "organization.exported");
    assert_eq!(event["detail"], "exported everything, as JSON");
    assert_eq!(event["actor"]["email"], acme.admin.email.as_str());
}

#[tokio::test]
async fn a_table_downloads_as_csv_whose_cells_open_as_text() {
    let app = TestApp::spawn().await;
    let acme = app.team("acme").await;
    let drafted = app.drafted_handoff(&acme, "=cmd|' /C calc'!A0").await;
    let answer = download(&app, Some(&acme.admin), "/exports/acme/handoffs.csv").await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(answer.headers()["content-disposition"], "attachment; filename=\"acme-handoffs.csv\"");
    let text = answer.text().await.unwrap();
    let mut lines = text.split("\r\n");
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "id");
    let title = header.iter().position(|c| *c == "title").unwrap();
    assert!(header.contains(&"organization_id") && header.contains(&"buyer_problem"), "{header:?}");
    let row = lines.next().unwrap();
    assert!(row.starts_with(&uuid_of(&drafted.id).to_string()), "{row}");
    assert!(row.contains(",'=cmd|' /C calc'!A0,"), "the title is text, not a formula: {row}");
    assert!(title > 0);

    let unknown = download(&app, Some(&acme.admin), "/exports/acme/users.csv").await;
    assert_eq!(unknown.status(), 404);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn only_an_organizations_admins_may_export_it() {
    let app = TestApp::spawn().await;
    let acme = app.team("acme").await;
    let globex = app.team("globex").await;
    let code = |body: &Value| body["errors"][0]["extensions"]["code"].as_str().map(str::to_owned);
    for (who, status, expected) in [
        (Some(&acme.marketer), 403, "FORBIDDEN"),
        (Some(&acme.leader), 403, "FORBIDDEN"),
        (Some(&acme.seller), 403, "FORBIDDEN"),
        (Some(&globex.admin), 404, "NOT_FOUND"),
        (None, 401, "UNAUTHENTICATED"),
    ] {
        for path in ["/exports/acme.json", "/exports/acme/handoffs.csv", "/exports/nowhere.json"] {
            let answer = download(&app, who, path).await;
            let (status, expected) =
                if path.contains("nowhere") && who.is_some() { (404, "NOT_FOUND") } else { (status, expected) };
            assert_eq!(answer.status(), status, "{path}");
            assert_eq!(code(&answer.json().await.unwrap()).as_deref(), Some(expected), "{path}");
        }
    }
    // Refusals leave no trace in the trail.
    let audit = app
        .ok(
            Some(&acme.admin.token),
            r#"{ organization(slug: "acme") { auditLog { edges { node { action } } } } }"#,
            json!({}),
        )
        .await;
    let actions = audit["organization"]["auditLog"]["edges"].as_array().unwrap();
    assert!(!actions.iter().any(|e| e["node"]["action"] == "organization.exported"), "{actions:?}");
}

fn now() -> DateTime<Utc> {
    at("2026-11-01T09:00:00Z")
}

/// A large organization comes out whole: every handoff and grade, page after page.
#[tokio::test]
async fn a_large_organization_comes_out_whole() {
    let app = TestApp::spawn_without_sweeps().await;
    let plan = Plan { organizations: 1, handoffs_per_organization: 1_200, large_organization: None, seed: 3 };
    seed::run(app.store(), plan, now(), false).await.unwrap();
    let admin = app.log_in("admin@seed-000.example", PASSWORD).await;
    let export: Value = download(&app, Some(&admin), "/exports/seed-000.json").await.json().await.unwrap();
    let handoffs = export["tables"]["handoffs"].as_array().unwrap();
    assert_eq!(handoffs.len(), 1_200);
    let mut ids: Vec<&str> = handoffs.iter().map(|h| h["id"].as_str().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 1_200, "no row twice across pages");
    assert_eq!(
        export["tables"]["handoff_grades"].as_array().unwrap().len() as i64,
        app.count_rows("handoff_grades").await
    );
    let csv = download(&app, Some(&admin), "/exports/seed-000/handoff_grades.csv").await.text().await.unwrap();
    assert_eq!(csv.split("\r\n").filter(|l| !l.is_empty()).count() as i64, app.count_rows("handoff_grades").await + 1);
}

/// Two downloads run at once; a third is told to come back. A client that goes away gives its
/// place back, so a slow or vanished reader cannot lock exports out.
#[tokio::test]
async fn a_third_download_at_once_waits_and_a_vanished_client_frees_its_place() {
    let app = TestApp::spawn_without_sweeps().await;
    let plan = Plan { organizations: 3, handoffs_per_organization: 1_200, large_organization: None, seed: 4 };
    seed::run(app.store(), plan, now(), false).await.unwrap();
    let mut admins = Vec::new();
    for k in 0..3 {
        admins.push(app.log_in(&format!("admin@seed-{k:03}.example"), PASSWORD).await);
    }
    // Answered, but not read: megabytes of grades wait behind each.
    let (first_status, first, _) = held_download(&app, &admins[0], "/exports/seed-000.json").await;
    let (second_status, mut second, mut grades) =
        held_download(&app, &admins[1], "/exports/seed-001/handoff_grades.csv").await;
    assert_eq!((first_status, second_status), (200, 200));
    let third = download(&app, Some(&admins[2]), "/exports/seed-002/handoffs.csv").await;
    assert_eq!(third.status(), 429);
    assert!(third.headers().contains_key("retry-after"));
    let body: Value = third.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");

    drop(first);
    let mut again = None;
    for _ in 0..100 {
        let answer = download(&app, Some(&admins[2]), "/exports/seed-002/partners.csv").await;
        if answer.status() == 200 {
            again = Some(answer);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let again = again.expect("the vanished client's place is given back");
    assert!(again.text().await.unwrap().starts_with("id,organization_id,name,"));
    // The unread one still completes once read.
    second.read_to_end(&mut grades).await.unwrap();
    let grades = String::from_utf8(grades).unwrap();
    let (_, grades) = grades.split_once("\r\n\r\n").unwrap();
    let seeded = app.count_rows("handoff_grades").await;
    assert_eq!(grades.split("\r\n").filter(|l| !l.is_empty()).count() as i64, seeded / 3 + 1);
}

/// One download per person at a time, so nobody holds every place; `HEAD` runs nothing.
#[tokio::test]
async fn one_person_runs_one_export_at_a_time_and_head_runs_none() {
    let app = TestApp::spawn_without_sweeps().await;
    let plan = Plan { organizations: 2, handoffs_per_organization: 1_200, large_organization: None, seed: 6 };
    seed::run(app.store(), plan, now(), false).await.unwrap();
    let first = app.log_in("admin@seed-000.example", PASSWORD).await;
    let second = app.log_in("admin@seed-001.example", PASSWORD).await;
    let (status, held, _) = held_download(&app, &first, "/exports/seed-000.json").await;
    assert_eq!(status, 200);
    let again = download(&app, Some(&first), "/exports/seed-000/partners.csv").await;
    assert_eq!(again.status(), 429);
    let body: Value = again.json().await.unwrap();
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("one at a time"), "{body}");
    // Someone else still has the other place.
    let other = download(&app, Some(&second), "/exports/seed-001/partners.csv").await;
    assert_eq!(other.status(), 200);
    other.text().await.unwrap();

    let head = app.client.head(app.url("/exports/seed-001.json")).bearer_auth(&second.token).send().await.unwrap();
    assert_eq!(head.status(), 405);
    assert_eq!(head.headers()["allow"], "GET");
    drop(held);
}
