//! Prometheus metrics, served on their own listen address (`METRICS_ADDR`) so they never share a
//! port with the public API. The `metrics` facade records; `metrics-exporter-prometheus` renders.
//!
//! Every label has a bounded set of values: an operation name is a client's choice, so only the
//! first `MAX_OPERATIONS` distinct names that members used successfully get a label of their own;
//! the rest count as `other`.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::store::Store;

/// Request latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// Distinct operation names labelled on their own.
const MAX_OPERATIONS: usize = 200;
/// Longest operation name labelled on its own.
const MAX_OPERATION_LEN: usize = 64;
/// How often recorded histogram samples are folded into their buckets.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first use: one per process, shared by every server it
/// runs (tests start many).
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let handle = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &LATENCY_BUCKETS)
            .expect("the buckets are not empty")
            .install_recorder()
            .expect("no other metrics recorder is installed");
        describe();
        handle
    })
}

/// Each metric's help text; the gauges start at zero, so a scrape shows them before first use.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!("handoff_graphql_requests_total", "GraphQL requests over HTTP, by operation and outcome");
    describe_histogram!(
        "handoff_graphql_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time from a GraphQL request to its response's head"
    );
    for (gauge, help) in [
        (OPEN_CONNECTIONS, "Open client sockets, WebSockets included"),
        (OPEN_WEBSOCKETS, "Open WebSocket connections"),
        (OPEN_SUBSCRIPTIONS, "Open subscriptions"),
        (TRANSACTIONS_STARTING, "Transactions waiting for a pooled connection and their BEGIN"),
    ] {
        describe_gauge!(gauge, help);
        // Zero until first used; an increment never undoes one made since the recorder went in.
        metrics::gauge!(gauge).increment(0.0);
    }
    describe_gauge!("handoff_db_connections", "The database pool's connections, by state");
    describe_gauge!("handoff_db_connections_max", "The database pool's most connections");
    describe_counter!(
        "handoff_events_dispatched_total",
        "Handoff events read and passed to this process's subscribers"
    );
    describe_counter!("handoff_events_delivered_total", "Handoff events delivered to subscribers");
    describe_counter!(
        "handoff_webhook_deliveries_total",
        "Webhook attempts, by the class of the receiver's HTTP status (2xx to 5xx, other) or no_answer"
    );
    describe_counter!("handoff_throttled_total", "Refused logins and sign-ups, by rule");
}

/// Folds recorded samples into their buckets now and then, so memory stays flat between scrapes.
pub async fn upkeep() {
    let handle = handle();
    let mut ticks = tokio::time::interval(UPKEEP_EVERY);
    loop {
        ticks.tick().await;
        handle.run_upkeep();
    }
}

/// Where the GraphQL handler writes the operation it selected from the document: `None` for an
/// anonymous one; left empty when no operation could be selected (the body was not a GraphQL
/// request, or its document did not parse).
#[derive(Clone, Default)]
pub struct OperationSlot(Arc<OnceLock<Option<Arc<str>>>>);

impl OperationSlot {
    pub fn select(&self, name: Option<&str>) {
        let _ = self.0.set(name.map(Arc::from));
    }
}

/// What the GraphQL handler tells the request metrics about an executed request.
#[derive(Clone, Copy, Debug)]
pub struct Answered {
    /// Whether the answer carries errors.
    pub errors: bool,
    /// Whether a person or token made the request.
    pub authenticated: bool,
}

/// Whether metrics are recorded (`METRICS_ADDR` is set).
pub fn enabled() -> bool {
    HANDLE.get().is_some()
}

/// Counts and times every `/graphql` request by operation and outcome (when metrics are on).
pub async fn record_request(mut request: Request, next: Next) -> Response {
    if !enabled() || request.uri().path() != "/graphql" {
        return next.run(request).await;
    }
    let slot = OperationSlot::default();
    request.extensions_mut().insert(slot.clone());
    let started = Instant::now();
    let response = next.run(request).await;
    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        return response;
    }
    let answered = response.extensions().get::<Answered>().copied();
    let outcome = match (response.status().as_u16(), answered) {
        // Too slow, or broken: the server's fault.
        (408 | 500..=599, _) => "failed",
        (_, Some(answered)) if answered.errors => "errors",
        (_, Some(_)) => "ok",
        (400..=499, None) => "refused",
        _ => "ok",
    };
    // A name gets a label of its own only from a request that a member made and that worked, so
    // nobody can use up the labels with made-up names.
    let admit = answered.is_some_and(|a| a.authenticated && !a.errors);
    let operation = operation_label(slot.0.get().map(Option::as_deref), admit);
    metrics::counter!("handoff_graphql_requests_total", "operation" => operation.clone(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("handoff_graphql_request_duration_seconds", "operation" => operation)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The label for the selected operation: its name once admitted (at most `MAX_OPERATIONS`
/// names, each at most `MAX_OPERATION_LEN` long), `other` for a name not admitted, `anonymous`,
/// or `unparsed` when none was selected.
fn operation_label(selected: Option<Option<&str>>, admit: bool) -> Arc<str> {
    static SEEN: OnceLock<Mutex<HashSet<Arc<str>>>> = OnceLock::new();
    static FIXED: LazyLock<[Arc<str>; 3]> = LazyLock::new(|| ["unparsed".into(), "anonymous".into(), "other".into()]);
    let [unparsed, anonymous, other] = &*FIXED;
    let name = match selected {
        None => return unparsed.clone(),
        Some(None) => return anonymous.clone(),
        Some(Some(name)) if name.len() > MAX_OPERATION_LEN => return other.clone(),
        Some(Some(name)) => name,
    };
    let mut seen = SEEN.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = seen.get(name) {
        return known.clone();
    }
    if !admit || seen.len() >= MAX_OPERATIONS {
        return other.clone();
    }
    let label: Arc<str> = Arc::from(name);
    seen.insert(label.clone());
    label
}

/// Transactions waiting for a pooled connection (and their `BEGIN`).
pub const TRANSACTIONS_STARTING: &str = "handoff_db_transactions_starting";
/// Open client sockets, WebSockets included.
pub const OPEN_CONNECTIONS: &str = "handoff_open_connections";
/// Open WebSocket connections.
pub const OPEN_WEBSOCKETS: &str = "handoff_open_websockets";
/// Open subscriptions.
pub const OPEN_SUBSCRIPTIONS: &str = "handoff_open_subscriptions";

/// Raises a gauge while alive (an open connection, a subscription, a transaction waiting).
pub struct Open(&'static str);

impl Open {
    pub fn new(gauge: &'static str) -> Self {
        metrics::gauge!(gauge).increment(1.0);
        Self(gauge)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        metrics::gauge!(self.0).decrement(1.0);
    }
}

/// Serves `GET /metrics` on `listener` until `stopping` turns true.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    stopping: tokio::sync::watch::Receiver<bool>,
) -> std::io::Result<()> {
    let app = axum::Router::new().route("/metrics", axum::routing::get(render)).with_state(store);
    // The API's accept loop with small limits: a scraper needs few connections, and one that
    // trickles its request is cut off like any client.
    let timeouts = crate::http::serve::ConnectionTimeouts {
        max_connections: 16,
        max_connections_per_address: 16,
        header_read: Duration::from_secs(5),
        drain: Duration::from_secs(1),
        idle_grace: Duration::ZERO,
    };
    crate::http::serve::serve(listener, app, timeouts, Arc::new(Vec::new()), stopping).await
}

/// Installs the recorder and binds the listen address: first thing at start, so nothing is
/// counted before the recorder is there (a gauge raised then would be lowered below zero later).
pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    handle();
    tokio::net::TcpListener::bind(addr).await
}

async fn render(State(store): State<Store>) -> Response {
    // Pool figures are read when scraped, not kept up to date on every acquire.
    if let Some((size, idle, max)) = store.pool_figures() {
        metrics::gauge!("handoff_db_connections", "state" => "in_use").set(f64::from(size.saturating_sub(idle)));
        metrics::gauge!("handoff_db_connections", "state" => "idle").set(f64::from(idle));
        metrics::gauge!("handoff_db_connections_max").set(f64::from(max));
    }
    let body = handle().render();
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_chosen_operation_names_cannot_grow_the_labels_without_bound() {
        let long = "x".repeat(MAX_OPERATION_LEN + 1);
        assert_eq!(&*operation_label(Some(Some(&long)), true), "other");
        assert_eq!(&*operation_label(Some(None), true), "anonymous");
        assert_eq!(&*operation_label(None, true), "unparsed");
        // Names from requests that failed or had no member behind them are never admitted.
        assert_eq!(&*operation_label(Some(Some("Stranger")), false), "other");
        assert_eq!(&*operation_label(Some(Some("Stranger")), false), "other");
        let labels: HashSet<Arc<str>> =
            (0..MAX_OPERATIONS * 3).map(|n| operation_label(Some(Some(&format!("Flood{n}"))), true)).collect();
        assert!(labels.len() <= MAX_OPERATIONS + 1, "{} labels", labels.len());
        assert!(labels.contains("other"));
        // An admitted name keeps its label, whoever sends it later.
        assert_eq!(&*operation_label(Some(Some("Flood0")), false), "Flood0");
    }
}
