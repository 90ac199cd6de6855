//! `GET /portfolio.csv`: a person's portfolio (`Viewer.portfolio`) as a spreadsheet, one row per
//! organization: its last-three scorecard, band and weakest two, the six trust signals' readings
//! and whether trust and score are both improving. The same bearer token as `/graphql`; the data
//! is the GraphQL answer's, read through the same schema (the server's own document, so trusted
//! documents do not apply to it).

use async_graphql::Executor;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::AppState;
use super::graphql::signed_in;
use super::problem::refuse;
use super::spreadsheet::text_of as text;

const QUERY: &str = "{ me { portfolio { organization { slug name } role
    scorecard { handoffCount averageScore band weakestComponents }
    trustReport { signals { signal reading } trustImproving bothImproving } } } }";

/// The signals' columns, in the report's order.
const SIGNALS: [&str; 6] = [
    "RESPONSE_TIME",
    "ACCEPTANCE_RATE",
    "SELLER_INITIATED_ASKS",
    "PIPELINE_LANGUAGE",
    "REPEAT_USAGE",
    "ESCALATION_QUALITY",
];

pub async fn get(State(state): State<AppState>, request: Request) -> Response {
    let viewer = match signed_in(&state, request.headers()).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let response = state.api.execute(crate::graphql::prepare(QUERY.into(), viewer, &state.store)).await;
    if let Some(error) = response.errors.first() {
        return refused(error);
    }
    let data = response.data.into_json().unwrap_or_default();
    let csv = match super::spreadsheet::write(&rows(&data)) {
        Ok(csv) => csv,
        Err(error) => {
            tracing::error!(%error, "the portfolio could not be written as CSV");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", "internal server error");
        }
    };
    let mut http = (StatusCode::OK, csv).into_response();
    let headers = http.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"portfolio.csv\""));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    http
}

/// A GraphQL error as this route's answer, with the status its code stands for.
fn refused(error: &async_graphql::ServerError) -> Response {
    let extension = |name: &str| error.extensions.as_ref().and_then(|e| e.get(name)).cloned();
    let code = match extension("code") {
        Some(async_graphql::Value::String(code)) => code,
        _ => "INTERNAL_SERVER_ERROR".to_owned(),
    };
    let mut response = refuse(super::problem::status_of(&code), &code, &error.message);
    if let Some(async_graphql::Value::Number(seconds)) = extension("retryAfter")
        && let Some(seconds) = seconds.as_u64()
    {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The header row, then one row per portfolio entry of the GraphQL answer `data`.
fn rows(data: &Value) -> Vec<Vec<String>> {
    let mut header: Vec<String> = [
        "organization",
        "organization_name",
        "role",
        "handoff_count",
        "average_score",
        "band",
        "weakest_1",
        "weakest_2",
    ]
    .map(str::to_owned)
    .to_vec();
    header.extend(SIGNALS.map(str::to_lowercase));
    header.extend(["trust_improving", "both_improving"].map(str::to_owned));
    let mut rows = vec![header];
    let entries = data["me"]["portfolio"].as_array().map(Vec::as_slice).unwrap_or_default();
    for entry in entries {
        let (scorecard, trust) = (&entry["scorecard"], &entry["trustReport"]);
        let weakest = |i: usize| text(&scorecard["weakestComponents"][i]);
        let mut row = vec![
            text(&entry["organization"]["slug"]),
            text(&entry["organization"]["name"]),
            text(&entry["role"]),
            text(&scorecard["handoffCount"]),
            scorecard["averageScore"].as_f64().map(|a| format!("{a:.2}")).unwrap_or_default(),
            text(&scorecard["band"]),
            weakest(0),
            weakest(1),
        ];
        let signals = trust["signals"].as_array().map(Vec::as_slice).unwrap_or_default();
        row.extend(
            SIGNALS.map(|name| {
                signals.iter().find(|s| s["signal"] == name).map(|s| text(&s["reading"])).unwrap_or_default()
            }),
        );
        row.extend([text(&trust["trustImproving"]), text(&trust["bothImproving"])]);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_entry_is_one_row_under_the_header() {
        let data = json!({ "me": { "portfolio": [{
            "organization": { "slug": "acme", "name": "=HYPERLINK(\"http://x\")" },
            "role": "ADMIN",
            "scorecard": { "handoffCount": 3, "averageScore": 12.333333, "band": "WORKABLE",
                           "weakestComponents": ["OFFER", "PROOF"] },
            "trustReport": { "signals": [{ "signal": "RESPONSE_TIME", "reading": "BUILDING" },
                                         { "signal": "ESCALATION_QUALITY", "reading": "BURNING" }],
                             "trustImproving": false, "bothImproving": false }
        }, {
            "organization": { "slug": "empty", "name": "Empty" }, "role": "SALES_LEADER",
            "scorecard": { "handoffCount": 0, "averageScore": null, "band": null, "weakestComponents": [] },
            "trustReport": { "signals": [], "trustImproving": false, "bothImproving": false }
        }] } });
        let rows = rows(&data);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].len(), 16);
        assert_eq!(rows[0][8], "response_time");
        assert_eq!(
            rows[1],
            [
                "acme",
                "=HYPERLINK(\"http://x\")",
                "ADMIN",
                "3",
                "12.33",
                "WORKABLE",
                "OFFER",
                "PROOF",
                "BUILDING",
                "",
                "",
                "",
                "",
                "BURNING",
                "false",
                "false"
            ]
        );
        assert_eq!(rows[2][3..8], ["0", "", "", "", ""]);
        // The writer escapes the formula.
        let csv = String::from_utf8(crate::http::spreadsheet::write(&rows).unwrap()).unwrap();
        assert!(csv.contains("acme,\"'=HYPERLINK(\"\"http://x\"\")\",ADMIN"), "{csv}");
    }
}
