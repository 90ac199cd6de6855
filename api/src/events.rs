//! Handoff events for subscribers. Within one process an in-memory broadcast channel carries them;
//! on PostgreSQL every event goes through `NOTIFY`, and each process `LISTEN`s, so a subscriber on
//! any replica sees events published by any other (its own included, exactly once).

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::store::Store;

/// What happened to a handoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HandoffEventKind {
    /// Sent: it landed with the seller.
    Landed,
    /// The seller accepted, declined or asked for clarification.
    Responded,
    /// Someone graded it.
    Graded,
    /// It passed `respondBy` without a decision.
    Overdue,
}

/// One event: which handoff, what happened, when. Subscribers read the handoff themselves, with
/// their own current rights, before delivering it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffEvent {
    pub organization_id: Uuid,
    pub handoff_id: Uuid,
    pub kind: HandoffEventKind,
    pub at: DateTime<Utc>,
}

/// The PostgreSQL channel events travel on.
pub const CHANNEL: &str = "handoff_events";
/// Events a subscriber may fall behind by before it is told to resubscribe.
pub const BUFFER: usize = 1024;

#[derive(Clone)]
pub struct EventBus {
    local: broadcast::Sender<HandoffEvent>,
    /// Set on PostgreSQL: events are published with NOTIFY through this pool.
    notify: Option<Store>,
}

impl EventBus {
    /// Starts the bus for `store`; on PostgreSQL also a task that LISTENs on `database_url`.
    pub async fn start(
        store: &Store,
        database_url: &str,
    ) -> Result<(Self, Option<JoinHandle<()>>), sea_orm::sqlx::Error> {
        let (local, _) = broadcast::channel(BUFFER);
        if store.backend() != DatabaseBackend::Postgres {
            return Ok((Self { local, notify: None }, None));
        }
        let mut listener = sea_orm::sqlx::postgres::PgListener::connect(database_url).await?;
        listener.listen(CHANNEL).await?;
        let forward = local.clone();
        let task = tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(notification) => match serde_json::from_str::<HandoffEvent>(notification.payload()) {
                        Ok(event) => {
                            let _ = forward.send(event);
                        }
                        Err(error) => tracing::warn!(%error, "ignored a malformed handoff event"),
                    },
                    Err(error) => {
                        // recv reconnects on the next call; wait a little so a down database is not hammered.
                        tracing::warn!(%error, "listening for handoff events failed; reconnecting");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok((Self { local, notify: Some(store.clone()) }, Some(task)))
    }

    /// A bus for one process only.
    pub fn in_process() -> Self {
        Self { local: broadcast::channel(BUFFER).0, notify: None }
    }

    /// Publishes a committed change. A failure is logged, never returned: the change itself stands.
    pub async fn publish(&self, event: HandoffEvent) {
        match &self.notify {
            None => {
                let _ = self.local.send(event);
            }
            Some(store) => {
                let payload = serde_json::to_string(&event).unwrap_or_default();
                let sent = store
                    .conn()
                    .execute_raw(Statement::from_sql_and_values(
                        DatabaseBackend::Postgres,
                        "SELECT pg_notify($1, $2)",
                        [CHANNEL.into(), payload.into()],
                    ))
                    .await;
                if let Err(error) = sent {
                    tracing::error!(%error, "a handoff event could not be published");
                }
            }
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<HandoffEvent> {
        self.local.subscribe()
    }
}
