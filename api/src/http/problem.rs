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
