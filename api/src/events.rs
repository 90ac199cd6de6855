//! Fan-out of stored handoff events to subscribers. Changes record their events in their own
//! transaction (`store::events`); after the commit they only say "new events" (`EventBus::wake`):
//! in-process, and on PostgreSQL with a `NOTIFY` that wakes every replica. Each process has one
//! dispatcher that reads the events after the last one it saw, in `seq` order, and broadcasts them
//! to its subscribers; it also polls, so a lost wake-up delays an event but never loses it.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use tokio::sync::{Notify, broadcast};
use tokio::task::JoinHandle;

pub use crate::domain::events::{HandoffEvent, HandoffEventKind, StoredEvent};
use crate::store::Store;

/// The PostgreSQL channel wake-ups travel on.
pub const CHANNEL: &str = "handoff_events";
/// Events a subscriber may fall behind by before it is told to resubscribe, by default.
pub const BUFFER: usize = 1024;
/// Events read per batch.
const BATCH: u64 = 500;

#[derive(Clone)]
pub struct EventBus {
    local: broadcast::Sender<StoredEvent>,
    wake: Arc<Notify>,
    store: Store,
    /// On PostgreSQL, wake-ups go through NOTIFY so other replicas hear them too.
    notify: bool,
}

impl EventBus {
    /// Starts the bus for `store`: its dispatcher, which also looks every `poll` for events nobody
    /// woke it for, and on PostgreSQL a task that LISTENs on `database_url` and wakes it.
    pub async fn start(
        store: &Store,
        database_url: &str,
        poll: Duration,
        buffer: usize,
    ) -> Result<(Self, Vec<JoinHandle<()>>), StartError> {
        let (local, _) = broadcast::channel(buffer.max(1));
        let wake = Arc::new(Notify::new());
        let notify = store.backend() == DatabaseBackend::Postgres;
        let mut tasks = Vec::new();
        if notify {
            let mut listener = sea_orm::sqlx::postgres::PgListener::connect(database_url).await?;
            listener.listen(CHANNEL).await?;
            let wake = wake.clone();
            tasks.push(tokio::spawn(async move {
                loop {
                    match listener.recv().await {
                        Ok(_) => wake.notify_one(),
                        Err(error) => {
                            // recv reconnects on the next call; the dispatcher's poll covers the gap.
                            tracing::warn!(%error, "listening for handoff events failed; reconnecting");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            }));
        }
        // Subscribers hear what is committed from now on; older events are in the table.
        let seen = crate::store::events::last_seq(store.conn()).await?;
        tasks.push(tokio::spawn(dispatch(store.clone(), local.clone(), wake.clone(), seen, poll)));
        Ok((Self { local, wake, store: store.clone(), notify }, tasks))
    }

    /// Says "new events" after a commit that recorded some. A failed NOTIFY is logged: the
    /// dispatchers' poll still finds the events.
    pub async fn wake(&self) {
        self.wake.notify_one();
        if self.notify {
            let sent = self
                .store
                .conn()
                .execute_raw(Statement::from_sql_and_values(
                    DatabaseBackend::Postgres,
                    "SELECT pg_notify($1, '')",
                    [CHANNEL.into()],
                ))
                .await;
            if let Err(error) = sent {
                tracing::warn!(%error, "could not notify other replicas of new events");
            }
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<StoredEvent> {
        self.local.subscribe()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("listening for events: {0}")]
    Listen(#[from] sea_orm::sqlx::Error),
    #[error("reading the last event: {0}")]
    Read(#[from] crate::store::StoreError),
}

/// Reads the events after `seen` whenever woken (or every `poll`) and broadcasts them in order.
async fn dispatch(
    store: Store,
    local: broadcast::Sender<StoredEvent>,
    wake: Arc<Notify>,
    mut seen: i64,
    poll: Duration,
) {
    loop {
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(poll) => {}
        }
        loop {
            let (batch, last, read) = match crate::store::events::since(store.conn(), seen, BATCH).await {
                Ok(read) => read,
                Err(error) => {
                    tracing::warn!(%error, "reading new handoff events failed; trying again shortly");
                    break;
                }
            };
            for event in batch {
                let _ = local.send(event);
            }
            seen = last;
            if (read as u64) < BATCH {
                break;
            }
        }
    }
}
