//! `POST /graphql` (queries and mutations) and `GET /graphql` (queries, or a WebSocket upgrade).
//! The body is read here, not by an extractor, so that size, JSON and credential failures answer
//! with a JSON body and a code like every other error.

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::OperationType;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::problem::refuse;
use super::websocket;
use crate::auth::Viewer;

pub async fn graphiql() -> Html<String> {
    Html(GraphiQLSource::build().endpoint("/graphql").subscription_endpoint("/graphql").finish())
}

pub async fn post(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let bytes = match to_bytes(body, state.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let message = format!("the request body exceeds {} bytes", state.max_body_bytes);
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", &message);
        }
    };
    let viewer = match authenticate(&state, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", &format!("the body is not valid JSON: {e}")),
    };
    if value.is_array() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "batched requests are not supported; send one operation per request",
        );
    }
    let request: async_graphql::Request = match serde_json::from_value(value) {
        Ok(request) => request,
        Err(e) => {
            let message = format!("the body is not a GraphQL request (`query`, `variables`, `operationName`): {e}");
            return refuse(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message);
        }
    };
    let client = state.client_address(peer, &headers);
    execute(&state, request.data(client), viewer).await
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
    let viewer = match authenticate(&state, request.headers()).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let query = request.uri().query().unwrap_or_default();
    let gql = match async_graphql::http::parse_query_string(query) {
        Ok(gql) if !gql.query.is_empty() => gql,
        _ => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "pass the query as `?query=`; send mutations with POST",
            );
        }
    };
    // GET must not change anything (it can be cached, prefetched and replayed by intermediaries).
    if let Ok(doc) = async_graphql::parser::parse_query(&gql.query) {
        let mutates = doc.operations.iter().any(|(_, op)| op.node.ty != OperationType::Query);
        if mutates {
            let mut response = refuse(StatusCode::METHOD_NOT_ALLOWED, "BAD_REQUEST", "mutations need POST");
            response.headers_mut().insert(header::ALLOW, "POST".parse().expect("static header"));
            return response;
        }
    }
    execute(&state, gql.data(client), viewer).await
}

async fn execute(state: &AppState, request: async_graphql::Request, viewer: Viewer) -> Response {
    let response = state.schema.execute(crate::graphql::prepare(request, viewer, &state.store)).await;
    let mut http = axum::Json(response).into_response();
    http.headers_mut().insert(header::CACHE_CONTROL, "no-store".parse().expect("static header"));
    http
}

/// No `Authorization` header: anonymous. Any credential that fails: refused whole, never anonymous.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Viewer, Response> {
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
    Viewer::authenticate(state.store.clone(), &state.keys, bearer).await.map_err(|e| {
        let err = async_graphql::Error::from(e);
        unauthenticated(&err.message)
    })
}
