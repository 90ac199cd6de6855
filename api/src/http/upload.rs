//! `POST /graphql` as `multipart/form-data`: a file upload as the GraphQL multipart request
//! specification sends one (`operations`, `map`, then the file). Only a caller with a bearer token
//! uploads: a cross-site form cannot set `Authorization`, so no page can make a browser upload,
//! and the body is read only once the token is good, a few uploads at a time per server.

use std::time::Duration;

use async_graphql::http::MultipartOptions;
use async_graphql::parser::types::OperationType;
use axum::body::{Body, to_bytes};
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::response::Response;

use super::AppState;
use super::graphql::{authenticate, execute, selected_operation, subscriptions_need_a_socket};
use super::media::ResponseMedia;
use super::problem::{rate_limited, refuse};
use crate::metrics::OperationSlot;

/// Uploads one server reads and imports at once; each holds its body in memory.
pub const CONCURRENT: usize = 2;

pub async fn post(
    state: &AppState,
    peer: std::net::SocketAddr,
    extensions: Extensions,
    headers: HeaderMap,
    body: Body,
    media: ResponseMedia,
) -> Response {
    if !headers.contains_key(header::AUTHORIZATION) {
        let message = "a file upload needs the caller's token as `Authorization: Bearer <token>`";
        return refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message);
    }
    let viewer = match authenticate(state, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let Some(person) = viewer.user_id() else {
        return refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", "a file upload needs a member's token");
    };
    let _place = match state.uploads.take(person) {
        Ok(place) => place,
        Err(why) => return rate_limited(&format!("{why}; try again shortly"), Duration::from_secs(5)),
    };
    let bytes = match to_bytes(body, state.max_upload_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let message = format!("the upload exceeds {} bytes; split the file", state.max_upload_bytes);
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", &message);
        }
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let options = MultipartOptions::default().max_num_files(1).max_file_size(state.max_upload_bytes);
    let mut request = match async_graphql::http::receive_body(content_type, &bytes[..], options).await {
        Ok(request) => request,
        Err(e) => {
            let message =
                format!("the body is not a GraphQL multipart request (`operations`, `map`, then one file): {e}");
            return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message);
        }
    };
    // The operation itself is held to the size of any other request; only the file may be larger.
    let variables = serde_json::to_vec(&request.variables).map_or(usize::MAX, |v| v.len());
    if request.query.len().saturating_add(variables) > state.max_body_bytes {
        let message = format!("the operation exceeds {} bytes; only the file may be larger", state.max_body_bytes);
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", &message);
    }
    if request.query.trim().is_empty() && !crate::graphql::persisted::names_a_document(&request) {
        return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", "`operations` needs a `query` string");
    }
    let slot = extensions.get::<OperationSlot>().cloned();
    match selected_operation(state, &mut request, slot.as_ref()) {
        Some(OperationType::Subscription) => return subscriptions_need_a_socket(),
        Some(OperationType::Query) => {
            return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", "files are uploaded with mutations only");
        }
        _ => {}
    }
    let client = state.client_address(peer, &headers);
    execute(state, request.data(client), viewer, media).await
}
