//! `POST /graphql` (queries and mutations) and `GET /graphql` (queries, or a WebSocket upgrade).
//! The body is read here, not by an extractor, so that size, JSON and credential failures answer
//! with a JSON body and a code like every other error.

use async_graphql::Executor;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use axum::body::to_bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::media::{ResponseMedia, is_json_body, is_multipart_body, negotiate};
use super::problem::refuse;
use super::{upload, websocket};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::metrics::OperationSlot;

pub async fn post(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let Some(media) = negotiate(header_str(&headers, header::ACCEPT)) else { return not_acceptable() };
    if is_multipart_body(header_str(&headers, header::CONTENT_TYPE)) {
        return upload::post(&state, peer, parts.extensions, headers, body, media).await;
    }
    if !is_json_body(header_str(&headers, header::CONTENT_TYPE)) {
        let message = "send the request as `Content-Type: application/json` (UTF-8), or as \
                       `multipart/form-data` to upload a file";
        return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE", message);
    }
    let bytes = match to_bytes(body, state.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let message = format!("the request body exceeds {} bytes", state.max_body_bytes);
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", &message);
        }
    };
    let mut request = match read_request(&bytes) {
        Ok(request) => request,
        Err(response) => return *response,
    };
    // The request metrics' slot for the operation's name, when metrics are on.
    let slot = parts.extensions.get::<OperationSlot>().cloned();
    if selected_operation(&state, &mut request, slot.as_ref()) == Some(OperationType::Subscription) {
        return subscriptions_need_a_socket();
    }
    let viewer = match authenticate(&state, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let client = state.client_address(peer, &headers);
    execute(&state, request.data(client), viewer, media).await
}

pub async fn get(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    request: Request,
) -> Response {
    let client = state.client_address(peer, request.headers());
    if request.headers().contains_key(header::UPGRADE) {
        return websocket::upgrade(state, client, request).await;
    }
    let Some(media) = negotiate(header_str(request.headers(), header::ACCEPT)) else { return not_acceptable() };
    let query = request.uri().query().unwrap_or_default();
    let mut gql = match async_graphql::http::parse_query_string(query) {
        Ok(gql) if !gql.query.is_empty() || crate::graphql::persisted::names_a_document(&gql) => gql,
        _ => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "pass the query as `?query=` (or its hash in `?extensions=`); send mutations with POST",
            );
        }
    };
    // GET must not change anything (it can be cached, prefetched and replayed by intermediaries).
    // The request metrics' slot for the operation's name, when metrics are on.
    let slot = request.extensions().get::<OperationSlot>().cloned();
    match selected_operation(&state, &mut gql, slot.as_ref()) {
        Some(OperationType::Mutation) => {
            let mut response = refuse(StatusCode::METHOD_NOT_ALLOWED, "BAD_REQUEST", "mutations need POST");
            response.headers_mut().insert(header::ALLOW, "POST".parse().expect("static header"));
            return response;
        }
        Some(OperationType::Subscription) => return subscriptions_need_a_socket(),
        _ => {}
    }
    let viewer = match authenticate(&state, request.headers()).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    execute(&state, gql.data(client), viewer, media).await
}

/// The body as a GraphQL request: parsed once, straight into the request, when it is one; a body
/// that is not is parsed again as plain JSON only to say what is wrong with it.
fn read_request(bytes: &[u8]) -> Result<async_graphql::Request, Box<Response>> {
    let batched = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    if !batched && let Ok(request) = serde_json::from_slice::<async_graphql::Request>(bytes) {
        if request.query.trim().is_empty() && !crate::graphql::persisted::names_a_document(&request) {
            return Err(Box::new(refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", "the body needs a `query` string")));
        }
        return Ok(request);
    }
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => {
            let message = format!("the body is not valid JSON: {e}");
            return Err(Box::new(refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message)));
        }
    };
    if value.is_array() {
        let message = "batched requests are not supported; send one operation per request";
        return Err(Box::new(refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)));
    }
    if value["query"].as_str().is_none_or(|q| q.trim().is_empty()) {
        return Err(Box::new(refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", "the body needs a `query` string")));
    }
    let message = match serde_json::from_value::<async_graphql::Request>(value) {
        Err(e) => format!("the body is not a GraphQL request (`query`, `variables`, `operationName`): {e}"),
        Ok(_) => "the body is not a GraphQL request (`query`, `variables`, `operationName`)".to_owned(),
    };
    Err(Box::new(refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message)))
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn not_acceptable() -> Response {
    let message = "accept `application/graphql-response+json` or `application/json`";
    refuse(StatusCode::NOT_ACCEPTABLE, "NOT_ACCEPTABLE", message)
}

pub(super) fn subscriptions_need_a_socket() -> Response {
    let message = "subscriptions run over WebSocket (graphql-transport-ws on /graphql), not plain HTTP";
    refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
}

/// The type of the operation the request would run, when the document parses and names one; its
/// name goes on the request's log line. The parsed document is kept in the request, so it is
/// parsed once.
/// The operation the request runs. Its document is parsed here, once (`Api::parse`).
pub(super) fn selected_operation(
    state: &AppState,
    request: &mut async_graphql::Request,
    slot: Option<&OperationSlot>,
) -> Option<OperationType> {
    let name = request.operation_name.clone();
    let document = state.api.parse(request)?;
    let (operation_name, operation) = match (&document.operations, name) {
        // The parser keeps only an anonymous operation as `Single`.
        (DocumentOperations::Single(op), _) => (None, op),
        (DocumentOperations::Multiple(ops), Some(name)) => {
            ops.get_key_value(name.as_str()).map(|(name, op)| (Some(name.as_str()), op))?
        }
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.iter().next().map(|(name, op)| (Some(name.as_str()), op))?
        }
        (DocumentOperations::Multiple(_), None) => return None,
    };
    // The name as the document spells it (a GraphQL name, so safe to log), on the request's line
    // and in its metrics.
    if let Some(name) = operation_name {
        tracing::Span::current().record("operation", tracing::field::display(name));
    }
    if let Some(slot) = slot {
        slot.select(operation_name);
    }
    Some(operation.node.ty)
}

pub(super) async fn execute(
    state: &AppState,
    request: async_graphql::Request,
    viewer: Viewer,
    media: ResponseMedia,
) -> Response {
    let authenticated = viewer.user_id().is_some();
    let response = state.api.execute(crate::graphql::prepare(request, viewer, &state.store)).await;
    let answered = crate::metrics::Answered { errors: !response.errors.is_empty(), authenticated };
    let unavailable = response.errors.iter().any(|e| error_code(e) == Some("SERVICE_UNAVAILABLE"));
    // A request that failed before execution (parse, validation, variables) has no data and no
    // error with a path; under the specification's media type it answers 400 without `data`.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    let (status, body) = match (unavailable, media, request_error) {
        (true, _, _) => (StatusCode::SERVICE_UNAVAILABLE, serde_json::to_vec(&response)),
        // Under the specification's media type a request error answers without `data`.
        (false, ResponseMedia::GraphqlResponse, true) => {
            let mut value = serde_json::to_value(&response).unwrap_or_default();
            if let Some(map) = value.as_object_mut() {
                map.remove("data");
            }
            (StatusCode::BAD_REQUEST, serde_json::to_vec(&value))
        }
        // Serialized once, straight to bytes.
        _ => (StatusCode::OK, serde_json::to_vec(&response)),
    };
    let body = body.unwrap_or_else(|e| {
        tracing::error!(error = %e, "a response could not be serialized");
        br#"{"errors":[{"message":"internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}"#.to_vec()
    });
    let retry_after = whole_request_wait(&response);
    let mut http = (status, body).into_response();
    let headers = http.headers_mut();
    if let Some(seconds) = retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media.content_type()));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if crate::metrics::enabled() {
        http.extensions_mut().insert(answered);
    }
    http
}

/// The longest wait a throttle asked for when it refused the whole request (no data at all), for
/// the `Retry-After` header; a throttled field beside answered ones says so in its error only.
fn whole_request_wait(response: &async_graphql::Response) -> Option<u64> {
    if response.data != async_graphql::Value::Null {
        return None;
    }
    response
        .errors
        .iter()
        .filter(|e| error_code(e) == Some("RATE_LIMITED"))
        .filter_map(|e| match e.extensions.as_ref()?.get("retryAfter")? {
            async_graphql::Value::Number(n) => n.as_u64(),
            _ => None,
        })
        .max()
}

fn error_code(error: &async_graphql::ServerError) -> Option<&str> {
    match error.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(code) => Some(code.as_str()),
        _ => None,
    }
}

/// `authenticate` for the routes beside `/graphql` that serve only a signed-in caller (downloads):
/// no credential is a 401, like a bad one.
pub(super) async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Viewer, Response> {
    let viewer = authenticate(state, headers).await?;
    if viewer.user_id().is_none() {
        let message = "send the token as `Authorization: Bearer <token>`";
        return Err(refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message));
    }
    Ok(viewer)
}

/// No `Authorization` header: anonymous. Any credential that fails: refused whole, never anonymous.
/// A database that cannot answer is a 503, never a reason to call a valid token invalid.
pub(super) async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Viewer, Response> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Viewer::anonymous(state.store.clone()));
    };
    let unauthenticated = |message: &str| refuse(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message);
    let bearer = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or_else(|| unauthenticated("send the token as `Authorization: Bearer <token>`"))?;
    let viewer = Viewer::authenticate(state.store.clone(), &state.keys, bearer).await.map_err(|e| match e {
        AppError::Unauthenticated(why) => unauthenticated(&format!("not authenticated: {why}")),
        // The whole request is refused, so a login riding along with a stale token would fail
        // too: the message says to drop the header for those.
        AppError::CredentialRefused(reason, why) => super::problem::refuse_with(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            &format!("not authenticated: {why} (login, signUp and refreshSession need no Authorization header)"),
            serde_json::json!({ "reason": reason.name() }),
        ),
        AppError::Unavailable => refuse(StatusCode::SERVICE_UNAVAILABLE, e.code(), &e.public_message()),
        other => {
            let code = other.code();
            let _ = async_graphql::Error::from(other); // logs the cause
            refuse(StatusCode::INTERNAL_SERVER_ERROR, code, "internal server error")
        }
    })?;
    // The request's log line names who made it.
    if let Some(user) = viewer.user_id() {
        tracing::Span::current().record("user_id", tracing::field::display(user));
    }
    Ok(viewer)
}
