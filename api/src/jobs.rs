//! Background work that runs inside every server process.

use std::time::Duration;

use crate::clock::Clock;
use crate::events::EventBus;
use crate::store::{Store, handoffs};

/// Marks sent handoffs that passed `respondBy` without a decision, once each, each mark with its
/// OVERDUE event in one transaction. Each mark is a conditional UPDATE, so several replicas sweeping
/// the same database never mark one twice, and a restart just resumes with the next sweep.
pub async fn mark_overdue(store: Store, events: EventBus, clock: Clock, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let payload = |id, event: &crate::events::HandoffEvent| crate::webhooks::payload(id, event, None);
        match handoffs::mark_overdue(store.conn(), clock.now(), payload).await {
            Ok(0) => {}
            Ok(marked) => {
                tracing::info!(marked, "marked overdue handoffs");
                events.wake().await;
            }
            Err(error) => tracing::warn!(%error, "the overdue sweep failed; it runs again at the next tick"),
        }
    }
}

/// Once, at start-up: logs every stored value this version cannot read, naming its row, so that a
/// read failing on one can be traced to the row to repair.
pub async fn report_unreadable(store: Store) {
    match crate::store::codes::unreadable(store.conn(), crate::store::codes::Scan::Codes).await {
        Ok(found) => {
            for value in found {
                tracing::error!(table = value.table, id = %value.id, column = value.column, "{value}");
            }
        }
        Err(error) => tracing::warn!(%error, "checking stored values failed"),
    }
}

/// Starts due webhook deliveries every `poll`, and again whenever an attempt ends. Stored
/// deliveries survive restarts; any process may attempt one, and a claim makes sure only one does
/// at a time.
pub async fn deliver_webhooks(store: Store, clock: Clock, settings: crate::webhooks::DeliverySettings, poll: Duration) {
    let worker = crate::webhooks::Worker::new(store, settings);
    let mut ticker = tokio::time::interval(poll);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = worker.attempt_finished() => {}
        }
        if let Err(error) = worker.pass(clock.now()).await {
            tracing::warn!(%error, "the webhook pass failed; it runs again at the next tick");
        }
    }
}

/// Every ten minutes: deletes throttle buckets quiet for a day, sessions (with their refresh
/// tokens) that ended or lapsed a week ago, and handoff events past `event_retention` (kept a day
/// longer, so a cursor just inside the window still finds every event after it).
pub async fn sweep_expired(store: Store, clock: Clock, event_retention: chrono::Duration) {
    let mut ticker = tokio::time::interval(Duration::from_secs(600));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(error) = crate::store::rate_limits::sweep(store.conn(), clock.now(), chrono::Duration::days(1)).await
        {
            tracing::warn!(%error, "the rate-limit sweep failed; it runs again at the next tick");
        }
        // Sessions run on wall-clock time, like the tokens they issue.
        if let Err(error) =
            crate::store::sessions::sweep(store.conn(), chrono::Utc::now(), chrono::Duration::days(7)).await
        {
            tracing::warn!(%error, "the session sweep failed; it runs again at the next tick");
        }
        let cutoff = clock.now() - event_retention - chrono::Duration::days(1);
        if let Err(error) = crate::store::events::sweep(store.conn(), cutoff).await {
            tracing::warn!(%error, "the event sweep failed; it runs again at the next tick");
        }
    }
}
