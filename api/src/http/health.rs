use axum::extract::State;
use axum::http::StatusCode;

use super::AppState;

/// The process is up.
pub async fn live() -> &'static str {
    "ok"
}

/// The database answers; a load balancer should send traffic only while this is 200.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.store.ping().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
