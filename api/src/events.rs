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

impl HandoffEventKind {
    pub const ALL: [HandoffEventKind; 4] =
        [HandoffEventKind::Landed, HandoffEventKind::Responded, HandoffEventKind::Graded, HandoffEventKind::Overdue];

    /// The contract name, e.g. `LANDED`.
    pub fn code(self) -> &'static str {
        match self {
            HandoffEventKind::Landed => "LANDED",
            HandoffEventKind::Responded => "RESPONDED",
            HandoffEventKind::Graded => "GRADED",
            HandoffEventKind::Overdue => "OVERDUE",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One event: which handoff, what happened, when. Subscribers read the handoff themselves, with
/// their own current rights, before delivering it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoffEvent {
    pub organization_id: Uuid,
    pub handoff_id: Uuid,
    pub kind: HandoffEventKind,
    pub at: DateTime<Utc>,
    /// The seller's answer a RESPONDED event reports. Only its id travels (a reason may be long);
    /// deliveries read the answer itself.
    #[serde(default)]
    pub response_id: Option<Uuid>,
}

/// The PostgreSQL channel events travel on.
pub const CHANNEL: &str = "handoff_events";
/// Events a subscriber may fall behind by before it is told to resubscribe.
pub const BUFFER: usize = 1024;

#[derive(Clone)]
pub struct EventBus {
    local: broadcast::Sender<HandoffEvent>,
    store: Store,
    /// On PostgreSQL, events are published with NOTIFY rather than to `local` directly.
    notify: bool,
}

impl EventBus {
    /// Starts the bus for `store`; on PostgreSQL also a task that LISTENs on `database_url`.
    pub async fn start(
        store: &Store,
        database_url: &str,
    ) -> Result<(Self, Option<JoinHandle<()>>), sea_orm::sqlx::Error> {
        let (local, _) = broadcast::channel(BUFFER);
        if store.backend() != DatabaseBackend::Postgres {
            return Ok((Self { local, store: store.clone(), notify: false }, None));
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
        Ok((Self { local, store: store.clone(), notify: true }, Some(task)))
    }

    /// Publishes a committed change to subscribers and queues its webhook deliveries. A failure is
    /// logged, never returned: the change itself stands.
    pub async fn publish(&self, event: HandoffEvent) {
        let event_id = Uuid::now_v7();
        let response = match event.response_id {
            Some(id) => crate::store::responses::find(self.store.conn(), event.organization_id, id).await,
            None => Ok(None),
        };
        let response = response.unwrap_or_else(|error| {
            tracing::error!(%error, "the answer a RESPONDED event reports could not be read");
            None
        });
        let body = crate::webhooks::payload(event_id, &event, response.as_ref());
        if let Err(error) = crate::store::webhooks::enqueue(self.store.conn(), &event, event_id, &body, event.at).await
        {
            tracing::error!(%error, "webhook deliveries for an event could not be queued");
        }
        match self.notify {
            false => {
                let _ = self.local.send(event);
            }
            true => {
                let payload = serde_json::to_string(&event).unwrap_or_default();
                let sent = self
                    .store
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
