//! `GET /reports/{slug}/scorecard?from=…&to=…[&format=pdf]`: the client report, for a member who
//! reads trust signals (ADMIN, PARTNER_MARKETER, SALES_LEADER) with their bearer token, or for
//! anyone holding a signed link (`createReportLink`, `&token=…`) until it expires.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::graphql::authenticate;
use super::problem::{get_only, no_such_organization, rate_limited, refuse, status_of};
use crate::auth::OrgScope;
use crate::domain::access::TRUST_READERS;
use crate::error::AppError;
use crate::report::{self, link, pdf::PdfError};
use crate::store::{organizations, users};

pub async fn scorecard(
    State(state): State<AppState>,
    method: Method,
    Path(slug): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if method == Method::HEAD {
        return get_only("a report is read with GET");
    }
    let pdf = match params.get("format").map(String::as_str) {
        None | Some("html") => false,
        Some("pdf") => true,
        Some(_) => return bad_input("format", "must be html or pdf"),
    };
    let scope = match who(&state, &slug, &params, &headers).await {
        Ok(scope) => scope,
        Err(response) => return *response,
    };
    let (scope, organization_name, from, to) = scope;
    let now = state.clock.now();
    let window = match report::period(from.as_deref(), to.as_deref(), now) {
        Ok(window) => window,
        Err((field, message)) => return bad_input(field, &message),
    };
    let gathered = async {
        let tx = state.store.tenant(&scope).await?;
        let report = report::gather(&tx, (&organization_name, &slug), window, now).await?;
        tx.commit().await?;
        Ok::<_, crate::store::StoreError>(report)
    };
    let html = match gathered.await {
        Ok(report) => report::page::render(&report),
        Err(e) => return failure(AppError::from(e)),
    };
    if !pdf {
        return page(html);
    }
    match state.printer.print(html).await {
        Ok(bytes) => {
            let disposition = format!("inline; filename=\"{slug}-scorecard.pdf\"");
            let mut response = (StatusCode::OK, bytes).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            private(headers);
            response
        }
        Err(PdfError::NoChromium) => {
            refuse(StatusCode::NOT_IMPLEMENTED, "PDF_UNAVAILABLE", &PdfError::NoChromium.to_string())
        }
        Err(PdfError::Busy) => rate_limited(&PdfError::Busy.to_string(), std::time::Duration::from_secs(10)),
        Err(e @ PdfError::Failed(_)) => {
            tracing::error!(error = %e, "a report could not be printed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", "the report could not be printed")
        }
    }
}

type Caller = (OrgScope, String, Option<String>, Option<String>);

/// The caller's scope in the organization `slug` names, its name, and the period asked for: from
/// a signed link (which fixes the period), or from a bearer token. The credential is checked
/// before the organization is looked up.
async fn who(
    state: &AppState,
    slug: &str,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Caller, Box<Response>> {
    let organization =
        async || organizations::by_slug_kept(&state.store, slug).await.map_err(|e| Box::new(failure(e.into())));
    let from = params.get("from").cloned();
    let to = params.get("to").cloned();
    if let Some(token) = params.get("token") {
        let refused = |why: &str| {
            Box::new(refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", &format!("the report link {why}")))
        };
        let granted = match link::verify(&state.keys, token) {
            Ok(granted) => granted,
            Err(crate::auth::jwt::JwtError::Expired) => return Err(refused("expired; ask for a new one")),
            Err(_) => return Err(refused("is not valid")),
        };
        if (from.is_some() && from != granted.from) || (to.is_some() && to != granted.to) {
            return Err(refused("is for another period"));
        }
        let Some(organization) = organization().await?.filter(|o| o.id == granted.organization_id) else {
            return Err(refused("is for another report"));
        };
        // Logging out everywhere ends every link made before, as it ends access tokens (to the
        // second).
        let user = users::find(state.store.conn(), granted.user_id).await.map_err(|e| Box::new(failure(e.into())))?;
        let revoked =
            |u: &users::User| u.sessions_valid_after.is_some_and(|at| at.timestamp() > granted.issued_at.timestamp());
        if user.as_ref().is_none_or(revoked) {
            return Err(refused("was revoked"));
        }
        let scope = OrgScope::of_member(&state.store, organization.id, granted.user_id)
            .await
            .map_err(|e| Box::new(failure(e.into())))?
            .filter(|scope| scope.has_role(TRUST_READERS))
            .ok_or_else(|| refused("was made by someone who can no longer read this report"))?;
        return Ok((scope, organization.name, granted.from, granted.to));
    }
    if !headers.contains_key(header::AUTHORIZATION) {
        let message = "send `Authorization: Bearer <token>`, or open a signed link (createReportLink)";
        return Err(Box::new(refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message)));
    }
    let viewer = authenticate(state, headers).await.map_err(Box::new)?;
    if viewer.user_id().is_none() {
        return Err(Box::new(refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", "log in first")));
    }
    let Some(organization) = organization().await? else { return Err(Box::new(no_such_organization())) };
    match viewer.require(organization.id, TRUST_READERS).await {
        Ok(scope) => Ok((scope, organization.name, from, to)),
        Err(AppError::NotFound(_)) => Err(Box::new(no_such_organization())),
        Err(e) => Err(Box::new(failure(e))),
    }
}

fn page(html: String) -> Response {
    let mut response = (StatusCode::OK, html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    // The page is self-contained: no script, nothing fetched, no link out.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
        ),
    );
    private(headers);
    response
}

/// A report is one organization's data, and a link's token rides in its URL: kept out of caches and
/// out of `Referer`.
fn private(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
}

fn bad_input(field: &str, message: &str) -> Response {
    super::problem::refuse_with(
        StatusCode::BAD_REQUEST,
        "BAD_USER_INPUT",
        &format!("invalid value for `{field}`: {message}"),
        serde_json::json!({ "field": field }),
    )
}

fn failure(e: AppError) -> Response {
    if let AppError::Internal(cause) = &e {
        tracing::error!(error = %cause, "a report failed");
    }
    refuse(status_of(e.code()), e.code(), &e.public_message())
}
