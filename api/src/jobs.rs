//! Background work that runs inside every server process.

use std::time::Duration;

use crate::clock::Clock;
use crate::store::{Store, handoffs};

/// Marks sent handoffs that passed `respondBy` without a decision, once each. Each sweep is one
/// conditional UPDATE, so several replicas sweeping the same database never mark one twice, and a
/// restart just resumes with the next sweep.
pub async fn mark_overdue(store: Store, clock: Clock, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match handoffs::mark_overdue(store.conn(), clock.now()).await {
            Ok(0) => {}
            Ok(marked) => tracing::info!(marked, "marked overdue handoffs"),
            Err(error) => tracing::warn!(%error, "the overdue sweep failed; it runs again at the next tick"),
        }
    }
}
