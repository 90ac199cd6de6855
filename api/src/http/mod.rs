//! The HTTP surface: the router is built by a function so tests and the binary serve the same app.

pub mod client_address;
mod connection_counts;
mod console;
pub mod cors;
pub mod export;
mod graphql;
mod health;
pub mod media;
mod places;
mod portfolio_csv;
mod problem;
mod report;
mod request_id;
pub mod serve;
mod spreadsheet;
mod upload;
mod websocket;

pub use websocket::WS_CONNECTIONS_PER_USER;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, Request, StatusCode};
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::LatencyUnit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::auth::jwt::JwtKeys;
use crate::graphql::Api;
use crate::store::Store;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The schema with the rules every operation gets.
    pub api: Api,
    pub store: Store,
    pub keys: JwtKeys,
    pub graphiql: bool,
    pub max_body_bytes: usize,
    /// Open WebSocket connections per user.
    pub connections: std::sync::Arc<connection_counts::ConnectionCounts<uuid::Uuid>>,
    /// Open WebSocket connections per client address (IPv6 by /64), counted from the upgrade on.
    pub connections_by_address: std::sync::Arc<connection_counts::ConnectionCounts<String>>,
    /// Most WebSocket connections one client address may hold open.
    pub ws_connections_per_address: usize,
    /// Most WebSocket connections one person may hold open.
    pub ws_connections_per_user: usize,
    /// How often an open WebSocket gets a ping frame.
    pub ws_keepalive: Duration,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: std::sync::Arc<Vec<ipnet::IpNet>>,
    /// Origins whose pages may call the API from a browser (CORS, and WebSocket handshakes).
    pub allowed_origins: cors::AllowedOrigins,
    /// Longest time from a request's header to its response (an upgraded WebSocket lives on).
    pub request_timeout: Duration,
    /// Turns true when the server begins to shut down; open WebSockets then close with 1001.
    pub shutting_down: tokio::sync::watch::Receiver<bool>,
    /// The places of the exports running at once (`export::CONCURRENT`, one per person).
    pub exports: std::sync::Arc<places::Places>,
    /// Largest accepted file upload (a whole multipart body), in bytes.
    pub max_upload_bytes: usize,
    /// The places of the uploads being read and imported at once (`upload::CONCURRENT`, one per
    /// person).
    pub uploads: std::sync::Arc<places::Places>,
    /// Where "now" comes from (the system clock outside tests).
    pub clock: crate::clock::Clock,
    /// Prints client reports to PDF with headless Chromium, when it is installed.
    pub printer: std::sync::Arc<crate::report::pdf::Printer>,
}

/// The places of the exports a server runs at once.
pub fn export_places() -> std::sync::Arc<places::Places> {
    places::Places::new(export::CONCURRENT, "export")
}

/// The places of the uploads a server reads at once.
pub fn upload_places() -> std::sync::Arc<places::Places> {
    places::Places::new(upload::CONCURRENT, "upload")
}

impl AppState {
    /// The address limits key on, from the socket peer and (behind a trusted proxy) its header.
    pub fn client_address(
        &self,
        peer: std::net::SocketAddr,
        headers: &axum::http::HeaderMap,
    ) -> client_address::ClientAddress {
        client_address::ClientAddress(client_address::client_address(peer.ip(), headers, &self.trusted_proxies))
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/portfolio.csv", get(portfolio_csv::get))
        .route("/reports/{slug}/scorecard", get(report::scorecard))
        .route("/exports/{file}", get(export::json))
        .route("/exports/{slug}/{file}", get(export::csv))
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready));
    if state.graphiql {
        router = router
            .route("/", get(console::page))
            .route("/console.js", get(console::script))
            .route("/console.css", get(console::style));
    }
    let request_timeout = state.request_timeout;
    // Outside the routes, so that a preflight (`OPTIONS`) is answered before method routing.
    let cors = tower::util::option_layer(state.allowed_origins.layer());
    router.with_state(state).layer(
        ServiceBuilder::new()
            .map_request(request_id::drop_unsafe)
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(axum::middleware::from_fn(crate::metrics::record_request))
            // One line per request at `info` when it is answered: its id, method, path, GraphQL
            // operation name (recorded once the document is parsed), the user and organization
            // (once known), status and latency.
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|req: &Request<_>| {
                        let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                        let span = tracing::info_span!(
                            "request",
                            method = %req.method(),
                            path = %req.uri().path(),
                            request_id = %id,
                            operation = tracing::field::Empty,
                            user_id = tracing::field::Empty,
                            organization_id = tracing::field::Empty
                        );
                        crate::telemetry::adopt_remote_parent(&span, req.headers());
                        span
                    })
                    .on_response(
                        DefaultOnResponse::new().level(tracing::Level::INFO).latency_unit(LatencyUnit::Millis),
                    ),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(cors)
            .layer(CatchPanicLayer::custom(problem::panic_response))
            // Bounds a request's time to its response; an upgraded WebSocket lives on past it.
            .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, request_timeout)),
    )
}
