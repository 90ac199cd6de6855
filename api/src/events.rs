//! Fan-out of stored handoff events to subscribers. Changes record their events in their own
//! transaction (`store::events`); after the commit they only say "new events" (`EventBus::wake`):
//! in-process, and on PostgreSQL with a `NOTIFY` that wakes every replica. Each process has one
//! dispatcher that reads the events after the last one it saw, in `seq` order, and broadcasts them
//! to its subscribers; it also polls, so a lost wake-up delays an event but never loses it.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
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
    /// woke it for, and on PostgreSQL a task that LISTENs on `database_url`, wakes it, and clears
    /// the credential cache on every credential change (turning the cache on while it listens).
    pub async fn start(
        store: &Store,
        database_url: &str,
        poll: Duration,
        buffer: usize,
        heartbeat: Duration,
    ) -> Result<(Self, Vec<JoinHandle<()>>), StartError> {
        let (local, _) = broadcast::channel(buffer.max(1));
        let wake = Arc::new(Notify::new());
        let notify = store.backend() == DatabaseBackend::Postgres;
        let mut tasks = Vec::new();
        if notify {
            let listener = listen(database_url).await?;
            let url = database_url.to_owned();
            tasks.push(tokio::spawn(relay(listener, url, wake.clone(), store.clone(), heartbeat)));
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

/// A connection listening for event wake-ups and credential changes.
async fn listen(database_url: &str) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect(database_url).await?;
    // A lost connection is reported at once (the relay reconnects itself and knows when it did).
    listener.eager_reconnect(false);
    listener.listen_all([CHANNEL, migration::CREDENTIALS_CHANNEL]).await?;
    Ok(listener)
}

/// How often each replica sends a heartbeat notice on the credentials channel, by default.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
/// The heartbeat's payload; any other notice on that channel is a credential change.
const HEARTBEAT_PAYLOAD: &str = "heartbeat";
/// Heartbeats missed after which the listening connection is taken for dead (a connection can die
/// without closing, and would then wait forever).
const MISSED_HEARTBEATS: u32 = 3;

/// When the listening connection last heard anything.
struct Heard(std::sync::Mutex<std::time::Instant>);

impl Heard {
    fn now(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = std::time::Instant::now();
    }

    fn silent_for(&self) -> Duration {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).elapsed()
    }
}

/// Passes notices on: new events wake the dispatcher, a credential change clears the credential
/// cache. When the connection drops or falls silent, notices sent meanwhile are lost: the cache is
/// off until a new connection listens (then starts empty), and the dispatcher is woken to read
/// what it missed.
async fn relay(mut listener: PgListener, database_url: String, wake: Arc<Notify>, store: Store, every: Duration) {
    let heard = Arc::new(Heard(std::sync::Mutex::new(std::time::Instant::now())));
    let silence = Arc::new(Notify::new());
    // Ends with the relay: a stopping server aborts the relay, and must not leave this running.
    let heartbeat = tokio_util::task::AbortOnDropHandle::new(tokio::spawn(send_heartbeats(
        store.clone(),
        heard.clone(),
        silence.clone(),
        every,
    )));
    // The cache goes on only once this connection has heard a notice (the heartbeats come at
    // once): a connection that cannot hear (a pooler in transaction mode) never turns it on.
    let mut hearing = false;
    loop {
        let lost = tokio::select! {
            received = listener.try_recv() => match received {
                Ok(Some(notice)) => {
                    heard.now();
                    if !hearing && !heartbeat.is_finished() {
                        hearing = true;
                        store.credentials().resume();
                    }
                    if notice.channel() != migration::CREDENTIALS_CHANNEL {
                        wake.notify_one();
                    } else if notice.payload() != HEARTBEAT_PAYLOAD {
                        store.credentials().clear();
                    }
                    false
                }
                Ok(None) => {
                    tracing::warn!("the connection listening for notices closed; reconnecting");
                    true
                }
                Err(error) => {
                    tracing::warn!(%error, "listening for notices failed; reconnecting");
                    true
                }
            },
            // The connection is abandoned, so an interrupted read does not matter.
            () = silence.notified() => {
                let silent = heard.silent_for() >= every * MISSED_HEARTBEATS;
                if silent {
                    tracing::warn!("no notice heard for {MISSED_HEARTBEATS} heartbeats; reconnecting");
                }
                silent
            }
        };
        if !lost {
            continue;
        }
        store.credentials().suspend();
        listener = loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            match listen(&database_url).await {
                Ok(listener) => break listener,
                Err(error) => tracing::warn!(%error, "listening for notices again failed"),
            }
        };
        heard.now();
        hearing = false;
        wake.notify_one();
    }
}

/// Sends a heartbeat notice `every` so often and tells the relay when the connection fell silent.
async fn send_heartbeats(store: Store, heard: Arc<Heard>, silence: Arc<Notify>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        let sent = store
            .conn()
            .execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [migration::CREDENTIALS_CHANNEL.into(), HEARTBEAT_PAYLOAD.into()],
            ))
            .await;
        if let Err(error) = sent {
            tracing::warn!(%error, "could not send the notice heartbeat");
        }
        if heard.silent_for() >= every * MISSED_HEARTBEATS {
            silence.notify_one();
        }
    }
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
                metrics::counter!("handoff_events_dispatched_total").increment(1);
                let _ = local.send(event);
            }
            seen = last;
            if (read as u64) < BATCH {
                break;
            }
        }
    }
}
