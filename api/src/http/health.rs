use axum::extract::State;
use axum::http::StatusCode;

use super::AppState;

/// The process is up.
pub async fn live() -> &'static str {
    "ok"
}

/// The process is not stopping, and the database answers and carries every migration this binary
/// needs; a load balancer should send traffic only while this is 200.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    // A stopping replica finishes what it has, but should be sent nothing new.
    if *state.shutting_down.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    if !state.store.ping().await {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
    }
    if !state.store.is_migrated().await {
        return (StatusCode::SERVICE_UNAVAILABLE, "database not migrated to this version");
    }
    (StatusCode::OK, "ready")
}
