//! Requests refused before GraphQL runs still get a GraphQL-shaped JSON body with a code.

use std::any::Any;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    refuse_with(status, code, message, json!({}))
}

/// `refuse` with more `extensions` beside the code (e.g. `reason`).
pub fn refuse_with(status: StatusCode, code: &str, message: &str, extensions: serde_json::Value) -> Response {
    let mut extensions = extensions;
    extensions["code"] = json!(code);
    let body = json!({ "errors": [{ "message": message, "extensions": extensions }] });
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
    }
    response
}

/// The HTTP status a whole request refused with an error `code` answers with.
pub fn status_of(code: &str) -> StatusCode {
    match code {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        "SERVICE_UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An organization's page asked for by a slug that names none of the caller's: the same answer
/// for an unknown slug and another organization's, so neither is revealed.
pub fn no_such_organization() -> Response {
    refuse(StatusCode::NOT_FOUND, "NOT_FOUND", "no organization with that slug among yours")
}

/// `HEAD` on a route whose `GET` does work worth refusing to waste (an audited export, a print).
pub fn get_only(message: &str) -> Response {
    let mut refused = refuse(StatusCode::METHOD_NOT_ALLOWED, "BAD_REQUEST", message);
    refused.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET"));
    refused
}

/// A whole request refused for its rate: HTTP 429 with `Retry-After`, and the wait in
/// `extensions.retryAfter` as GraphQL errors carry it.
pub fn rate_limited(message: &str, wait: std::time::Duration) -> Response {
    let seconds = wait.as_secs_f64().ceil() as u64;
    let extensions = json!({ "retryAfter": seconds, "retryAfterSeconds": seconds });
    let mut response = refuse_with(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", message, extensions);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

pub fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    refuse(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", "internal server error")
}
