//! The client report (`GET /reports/{slug}/scorecard`): a printable page whose figures are the
//! API's, for readers of the trust signals with a token or anyone with an unexpired signed link.

use handoff_e2e::{Team, TestApp, error_code, without_sweeps};
use serde_json::{Value, json};

/// Three months of history: sent, scored and answered handoffs, through the import.
const HISTORY: &str = "\
title,account,partner,seller,created_at,target_account_logic_grade,partner_context_grade,relationship_path_grade,\
buyer_problem_grade,partner_offer_grade,next_action_grade,owner_grade,acceptance_criteria_grade,proof_grade,\
sent_at,response_window_days,response,responded_at
July one,Globex,Snowflake,seller@acme.example,2026-07-06,weak,weak,weak,missing,weak,weak,weak,missing,missing,2026-07-07,3,decline,2026-07-09
July two,Globex,Snowflake,seller@acme.example,2026-07-20,weak,weak,weak,weak,weak,weak,weak,weak,missing,2026-07-21,3,accept,2026-07-22
August one,Initech,Snowflake,seller2@acme.example,2026-08-03,strong,weak,weak,strong,weak,strong,weak,weak,weak,2026-08-04,3,accept,2026-08-05
August two,Initech,Okta,seller2@acme.example,2026-08-17,strong,strong,weak,strong,weak,strong,strong,weak,weak,2026-08-18,3,decline,2026-08-21
September one,Globex,Okta,seller@acme.example,2026-09-01,strong,strong,strong,strong,weak,strong,strong,strong,weak,2026-09-02,3,accept,2026-09-02
September two,Initech,Snowflake,seller2@acme.example,2026-09-14,strong,strong,strong,strong,strong,strong,strong,strong,weak,2026-09-15,3,accept,2026-09-16
September three,Globex,Snowflake,seller@acme.example,2026-09-21,strong,strong,strong,strong,strong,strong,strong,strong,strong,2026-09-22,3,accept,2026-09-23
";

const API: &str = r#"query($s: String!) { organization(slug: $s) {
    scorecard(lastN: 10) { averageScore band componentAverages { component averagePoints } weakestComponents
      handoffs { title score } }
    trustReport(days: 90) { signals { signal value trend reading } bothImproving } } }"#;

const LINK: &str = "mutation($i: CreateReportLinkInput!) { createReportLink(input: $i) { url expiresAt } }";

async fn reported() -> (TestApp, Team) {
    let app = TestApp::spawn_at_with("2026-10-01T09:00:00Z", without_sweeps).await;
    let team = app.team("acme").await;
    let query = "mutation($i: ImportHandoffsInput!) { importHandoffs(input: $i) { report { imported } } }";
    let variables = json!({ "i": { "organizationId": team.org_id, "file": null } });
    let (_, body) = app.upload(Some(&team.admin.token), query, variables, "variables.i.file", HISTORY.as_bytes()).await;
    assert_eq!(body["data"]["importHandoffs"]["report"]["imported"], true, "{body:#}");
    (app, team)
}

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, reqwest::header::HeaderMap, String) {
    let mut request = app.client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (status, headers, response.text().await.unwrap())
}

/// The value of `attribute` on each element carrying `marker`, in page order.
fn attributes<'a>(html: &'a str, marker: &str, attribute: &str) -> Vec<&'a str> {
    html.match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = &html[at..];
            let tag_end = rest.find('>')?;
            let start = rest[..tag_end].find(&format!("{attribute}=\""))? + attribute.len() + 2;
            let len = rest[start..].find('"')?;
            Some(&rest[start..start + len])
        })
        .collect()
}

/// The text right after the element carrying `marker`.
fn text_of<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html.find(marker).unwrap_or_else(|| panic!("{marker} is on the page"));
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    &rest[start..start + rest[start..].find('<').unwrap()]
}

fn close(page: &str, api: &Value) -> bool {
    match (page.parse::<f64>(), api.as_f64()) {
        (Ok(a), Some(b)) => (a - b).abs() < 1e-9,
        (Err(_), None) => page.is_empty() && api.is_null(),
        _ => false,
    }
}

#[tokio::test]
async fn the_page_shows_the_apis_figures_with_its_charts() {
    let (app, team) = reported().await;
    let api = app.ok(Some(&team.leader.token), API, json!({ "s": "acme" })).await;
    let (status, headers, html) = get(&app, "/reports/acme/scorecard", Some(&team.leader.token)).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(headers["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
    assert_eq!(headers["cache-control"], "private, no-store");
    assert!(!html.contains("<script"), "nothing runs in the page");

    let scorecard = &api["organization"]["scorecard"];
    let average = scorecard["averageScore"].as_f64().unwrap();
    assert_eq!(text_of(&html, r#"data-figure="average-score""#), format!("{average:.1}"));
    assert_eq!(
        attributes(&html, r#"class="band-"#, "class").first().copied(),
        Some(format!("band-{}", scorecard["band"].as_str().unwrap())).as_deref()
    );

    // Two charts: the nine components' average points, and score against trust by month.
    assert_eq!(html.matches("<svg").count(), 2);
    let bars = attributes(&html, r#"class="bar""#, "data-value");
    let averages = scorecard["componentAverages"].as_array().unwrap();
    assert_eq!(bars.len(), 9);
    for (bar, average) in bars.iter().zip(averages) {
        assert!(close(bar, &average["averagePoints"]), "{bar} vs {average}");
    }
    let weakest = attributes(&html, "data-component=", "data-component");
    assert_eq!(json!(weakest), scorecard["weakestComponents"]);
    let scores: Vec<i64> = attributes(&html, "data-score=", "data-score").iter().map(|s| s.parse().unwrap()).collect();
    let api_scores: Vec<i64> =
        scorecard["handoffs"].as_array().unwrap().iter().map(|h| h["score"].as_i64().unwrap()).collect();
    assert_eq!(scores, api_scores, "the last handoffs, newest first");

    // The six signals, each with its value and trend arrow.
    let report = &api["organization"]["trustReport"];
    for signal in report["signals"].as_array().unwrap() {
        let marker = format!(r#"data-signal="{}""#, signal["signal"].as_str().unwrap());
        let row = &html[html.find(&marker).unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        let value = attributes(row, "data-value=", "data-value")[0];
        assert!(close(value, &signal["value"]), "{marker}: {value} vs {signal}");
        let trend = attributes(row, "data-trend=", "data-trend")[0];
        let expected = signal["trend"].as_str().map_or("none".to_owned(), str::to_lowercase);
        assert_eq!(trend, expected, "{marker}");
        assert_eq!(attributes(row, "data-reading=", "data-reading")[0], signal["reading"]);
    }
    assert_eq!(
        attributes(&html, r#"data-figure="both-improving""#, "data-value")[0],
        report["bothImproving"].as_bool().unwrap().to_string()
    );
    // July to September, a point per month and series with data.
    let chart = &html[html.find(r#"data-figure="score-and-trust""#).unwrap()..];
    for month in ["Jul 2026", "Aug 2026", "Sep 2026"] {
        assert!(chart.contains(month), "{month}");
    }
    assert!(chart.matches("<circle").count() >= 6, "a score and an acceptance point per month");
}

#[tokio::test]
async fn the_period_is_asked_for_in_dates_and_bad_ones_are_named() {
    let (app, team) = reported().await;
    let token = Some(team.admin.token.as_str());
    let (status, _, html) = get(&app, "/reports/acme/scorecard?from=2026-08-01&to=2026-08-31", token).await;
    assert_eq!(status, 200);
    assert!(html.contains("2026-08-01 to 2026-08-31"), "the period is shown");
    let chart = &html[html.find(r#"data-figure="score-and-trust""#).unwrap()..];
    assert!(chart.contains("Aug 2026") && !chart.contains("Sep 2026"));
    for (query, field) in [
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("from=2026-09-01&to=2026-08-01", "from"),
        ("to=-262144-01-01", "to"),
        ("from=9999-12-31", "from"),
        ("from=2020-01-01", "from"),
    ] {
        let (status, _, body) = get(&app, &format!("/reports/acme/scorecard?{query}"), token).await;
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((status, error_code(&body)), (400, Some("BAD_USER_INPUT")), "{query}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{query}");
    }
    let (status, _, _) = get(&app, "/reports/acme/scorecard?format=docx", token).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn readers_of_trust_see_it_and_no_one_else() {
    let (app, team) = reported().await;
    for who in [&team.admin, &team.marketer, &team.leader] {
        assert_eq!(get(&app, "/reports/acme/scorecard", Some(&who.token)).await.0, 200, "{}", who.email);
    }
    let (status, _, body) = get(&app, "/reports/acme/scorecard", Some(&team.seller.token)).await;
    assert_eq!((status, error_code(&serde_json::from_str(&body).unwrap())), (403, Some("FORBIDDEN")));
    let stranger = app.sign_up("stranger@else.example").await;
    for path in ["/reports/acme/scorecard", "/reports/nowhere/scorecard"] {
        let (status, _, body) = get(&app, path, Some(&stranger.token)).await;
        assert_eq!((status, error_code(&serde_json::from_str(&body).unwrap())), (404, Some("NOT_FOUND")), "{path}");
    }
    let (status, _, _) = get(&app, "/reports/acme/scorecard", None).await;
    assert_eq!(status, 401);
    let (status, _, _) = get(&app, "/reports/acme/scorecard", Some("not-a-token")).await;
    assert_eq!(status, 401);
    let head = app.client.head(app.url("/reports/acme/scorecard")).bearer_auth(&team.admin.token).send().await.unwrap();
    assert_eq!(head.status().as_u16(), 405);
}

#[tokio::test]
async fn a_signed_link_opens_its_report_until_it_is_revoked() {
    let (app, team) = reported().await;
    let data = app
        .ok(
            Some(&team.leader.token),
            LINK,
            json!({ "i": { "organizationId": team.org_id, "from": "2026-07-01", "to": "2026-09-30", "expiresInMinutes": 60 } }),
        )
        .await;
    let url = data["createReportLink"]["url"].as_str().unwrap().to_owned();
    let path = &url[url.find("/reports/").unwrap()..];
    assert!(path.starts_with("/reports/acme/scorecard?from=2026-07-01&to=2026-09-30&token="), "{path}");
    // A link is no access token.
    let token = &path[path.find("token=").unwrap() + 6..];
    let (status, _) = app.post(Some(token), "{ me { id } }", json!({})).await;
    assert_eq!(status, 401);
    let (status, headers, html) = get(&app, path, None).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(headers["referrer-policy"], "no-referrer", "the token in the URL goes nowhere");
    assert!(html.contains("2026-07-01 to 2026-09-30"));

    // The link holds its organization and its period, and its signature.
    for (what, tampered) in [
        ("another period", format!("/reports/acme/scorecard?from=2026-01-01&to=2026-09-30&token={token}")),
        ("another organization", format!("/reports/globex/scorecard?token={token}")),
        ("a changed signature", format!("{}x", path)),
        ("an access token", format!("/reports/acme/scorecard?token={}", team.leader.token)),
    ] {
        let (status, _, body) = get(&app, &tampered, None).await;
        assert_eq!(status, 401, "{what}: {body}");
    }
    // Audited.
    assert_eq!(app.last_audit_event(&team.admin, "acme").await["action"], "report.link_created");

    // A maker who can no longer read the report takes their links with them.
    let set_role = "mutation($i: SetMemberRoleInput!) { setMemberRole(input: $i) { __typename } }";
    app.ok(
        Some(&team.admin.token),
        set_role,
        json!({ "i": { "organizationId": team.org_id, "userId": team.leader.user_id, "role": "SELLER" } }),
    )
    .await;
    let (status, _, body) = get(&app, path, None).await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("can no longer read"), "{body}");

    // A link without dates holds the 90 days up to when it was made.
    let data = app.ok(Some(&team.marketer.token), LINK, json!({ "i": { "organizationId": team.org_id } })).await;
    let url = data["createReportLink"]["url"].as_str().unwrap().to_owned();
    let path = url[url.find("/reports/").unwrap()..].to_owned();
    assert!(path.starts_with("/reports/acme/scorecard?from=2026-07-03&to=2026-10-01&token="), "{path}");
    assert_eq!(get(&app, &path, None).await.0, 200);

    // Logging out everywhere ends the links made before.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let logout = "mutation($i: LogoutInput!) { logout(input: $i) { endedSessions } }";
    app.ok(None, logout, json!({ "i": { "refreshToken": team.marketer.refresh_token, "everywhere": true } })).await;
    let (status, _, body) = get(&app, &path, None).await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("revoked"), "{body}");

    // Sellers make no links, nor do API tokens (a link would outlive its token); links live a
    // week at most, over a period the report can show.
    let body = app.gql(Some(&team.seller.token), LINK, json!({ "i": { "organizationId": team.org_id } })).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let created = app
        .ok(
            Some(&team.admin.token),
            "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
            json!({ "i": { "organizationId": team.org_id, "name": "reports", "role": "ADMIN" } }),
        )
        .await;
    let api_token = created["createApiToken"]["token"].as_str().unwrap();
    let body = app.gql(Some(api_token), LINK, json!({ "i": { "organizationId": team.org_id } })).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body:#}");
    for (input, field) in [
        (json!({ "organizationId": team.org_id, "expiresInMinutes": 10081 }), "expiresInMinutes"),
        (json!({ "organizationId": team.org_id, "expiresInMinutes": 0 }), "expiresInMinutes"),
        (json!({ "organizationId": team.org_id, "from": "2026-09-01", "to": "2026-08-01" }), "from"),
        (json!({ "organizationId": team.org_id, "from": "2020-01-01" }), "from"),
    ] {
        let body = app.gql(Some(&team.admin.token), LINK, json!({ "i": input })).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{input}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{input}");
    }
}

#[tokio::test]
async fn a_member_who_leaves_takes_their_links_and_names_cannot_inject_markup() {
    let app = TestApp::spawn_at_with("2026-10-01T09:00:00Z", without_sweeps).await;
    let admin = app.sign_up("admin@acme.example").await;
    let data = app
        .ok(
            Some(&admin.token),
            "mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }",
            json!({ "i": { "name": "<script>alert(1)</script> & Co", "slug": "acme" } }),
        )
        .await;
    let org_id = data["createOrganization"]["organization"]["id"].as_str().unwrap().to_owned();
    // An organization with nothing sent yet: the page says so and draws no component chart.
    let (status, _, html) = get(&app, "/reports/acme/scorecard", Some(&admin.token)).await;
    assert_eq!(status, 200);
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
    assert!(html.contains("No handoff was sent by the end of the period."));
    assert!(html.contains("Not enough data yet to read trust"));
    assert!(!html.contains(r#"data-figure="component-averages""#));

    let leader = app.sign_up("leader@acme.example").await;
    app.add_member(&admin, &org_id, &leader, "SALES_LEADER").await;
    let data = app.ok(Some(&leader.token), LINK, json!({ "i": { "organizationId": org_id } })).await;
    let url = data["createReportLink"]["url"].as_str().unwrap().to_owned();
    let path = url[url.find("/reports/").unwrap()..].to_owned();
    assert_eq!(get(&app, &path, None).await.0, 200);
    let remove = "mutation($i: RemoveMemberInput!) { removeMember(input: $i) { __typename } }";
    app.ok(Some(&admin.token), remove, json!({ "i": { "organizationId": org_id, "userId": leader.user_id } })).await;
    let (status, _, body) = get(&app, &path, None).await;
    assert_eq!(status, 401, "{body}");
}

#[tokio::test]
async fn a_pdf_without_chromium_is_refused_clearly() {
    let app = TestApp::spawn_with(|c| c.chromium_path = Some("/nonexistent/chromium".into())).await;
    let team = app.team("acme").await;
    let (status, _, body) = get(&app, "/reports/acme/scorecard?format=pdf", Some(&team.admin.token)).await;
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((status, error_code(&body)), (501, Some("PDF_UNAVAILABLE")), "{body:#}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("CHROMIUM_PATH"));
}
