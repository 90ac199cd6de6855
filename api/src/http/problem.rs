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

pub fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    refuse(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", "internal server error")
}
