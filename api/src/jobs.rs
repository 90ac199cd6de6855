//! Background work that runs inside every server process.

use std::time::Duration;

use crate::clock::Clock;
use crate::events::{EventBus, HandoffEvent, HandoffEventKind};
use crate::store::{Store, handoffs};

/// Marks sent handoffs that passed `respondBy` without a decision, once each. Each sweep is one
/// conditional UPDATE, so several replicas sweeping the same database never mark one twice, and a
/// restart just resumes with the next sweep.
pub async fn mark_overdue(store: Store, events: EventBus, clock: Clock, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let now = clock.now();
        match handoffs::mark_overdue(store.conn(), now).await {
            Ok(marked) if marked.is_empty() => {}
            Ok(marked) => {
                tracing::info!(marked = marked.len(), "marked overdue handoffs");
                for (organization_id, handoff_id) in marked {
                    events
                        .publish(HandoffEvent {
                            organization_id,
                            handoff_id,
                            kind: HandoffEventKind::Overdue,
                            at: now,
                            response_id: None,
                        })
                        .await;
                }
            }
            Err(error) => tracing::warn!(%error, "the overdue sweep failed; it runs again at the next tick"),
        }
    }
}

/// Starts due webhook deliveries, every `poll`. Stored deliveries survive restarts; any process
/// may attempt one, and a claim makes sure only one does at a time.
pub async fn deliver_webhooks(store: Store, clock: Clock, settings: crate::webhooks::DeliverySettings, poll: Duration) {
    let worker = crate::webhooks::Worker::new(store, settings);
    let mut ticker = tokio::time::interval(poll);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(error) = worker.pass(clock.now()).await {
            tracing::warn!(%error, "the webhook pass failed; it runs again at the next tick");
        }
    }
}

/// Every ten minutes: deletes throttle buckets quiet for a day, and sessions (with their refresh
/// tokens) that ended or lapsed a week ago.
pub async fn sweep_rate_limits(store: Store, clock: Clock) {
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
    }
}
