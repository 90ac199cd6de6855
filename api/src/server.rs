//! Starting and stopping the server: connect, migrate, build the app, listen, shut down gracefully.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::auth::jwt::{JwtError, JwtKeys};
use crate::auth::password;
use crate::config::{Config, redact_url};
use crate::graphql;
use crate::http::{AppState, router};
use crate::store::Store;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database {url}: {source}")]
    Database { url: String, source: sea_orm::DbErr },
    #[error(
        "the database lacks migrations this version needs ({0}); run `handoff-api migrate up` (MIGRATE_ON_START is false)"
    )]
    NotMigrated(String),
    #[error("cannot apply migrations: {0}")]
    Migrate(sea_orm::DbErr),
    #[error("cannot serve metrics on {addr}: {source}")]
    Metrics { addr: SocketAddr, source: std::io::Error },
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("token signing does not work: {0}")]
    Jwt(#[from] JwtError),
    #[error(transparent)]
    Demo(#[from] crate::demo::DemoError),
    #[error("cannot start the handoff event fan-out: {0}")]
    Events(crate::events::StartError),
}

/// A running server; dropping it leaves it running until the runtime ends, `stop` drains it.
pub struct Server {
    addr: SocketAddr,
    store: Store,
    /// Turns true to stop: the accept loop and open WebSockets watch it.
    stop: tokio::sync::watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
    jobs: Vec<JoinHandle<()>>,
    demo: Option<crate::demo::DemoLogins>,
    metrics_addr: Option<SocketAddr>,
    /// Serves metrics until the API has drained, so the drain can be watched; stopped with its
    /// own signal.
    metrics: Option<(tokio::sync::watch::Sender<bool>, JoinHandle<()>)>,
}

impl Server {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Where Prometheus metrics are served, when they are.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    /// Who to log in as, when started with demo data.
    pub fn demo_logins(&self) -> Option<&crate::demo::DemoLogins> {
        self.demo.as_ref()
    }

    /// Stops accepting connections and waits for in-flight requests to finish.
    pub async fn stop(self) -> std::io::Result<()> {
        let _ = self.stop.send(true);
        for job in &self.jobs {
            job.abort();
        }
        let result = self.task.await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
        if let Some((stop, task)) = self.metrics {
            let _ = stop.send(true);
            let _ = task.await;
        }
        // The background jobs are gone (and their listening connection closed) once stop returns.
        for job in self.jobs {
            let _ = job.await;
        }
        let _ = self.store.close().await;
        result
    }
}

/// Connects to the database, applies pending migrations (or, with `migrate_on_start` off, refuses a
/// database that lacks one) and starts serving.
pub async fn start(config: Config) -> Result<Server, StartError> {
    // Metrics first: nothing may be counted before the recorder is installed. Installed only when
    // served, so that otherwise recording costs nothing.
    let metrics_listener = match config.metrics_addr {
        Some(addr) => Some(crate::metrics::bind(addr).await.map_err(|source| StartError::Metrics { addr, source })?),
        None => None,
    };
    let keys = JwtKeys::new(config.jwt_secret.as_bytes(), config.token_ttl);
    keys.self_check()?;
    let store = Store::connect(&config.database_url, config.database_max_connections)
        .await
        .map_err(|source| StartError::Database { url: redact_url(&config.database_url), source })?
        .with_credential_max_age(config.credential_cache);
    // Only what this version lacks: a database already carrying a newer version's migrations
    // (a rolling upgrade, or a rollback) is served as it is.
    let pending = store.pending_migrations().await.map_err(StartError::Migrate)?;
    match (pending.is_empty(), config.migrate_on_start) {
        (true, _) => {}
        (false, true) => store.migrate_up().await.map_err(StartError::Migrate)?,
        (false, false) => return Err(StartError::NotMigrated(pending.join(", "))),
    }
    seal_webhook_secrets(&store, &config.webhooks.secret_box).await;
    // The dummy hash makes unknown-email logins as slow as wrong-password ones; build it now.
    let _ = tokio::task::spawn_blocking(password::warm_up).await;

    let (events, event_tasks) = crate::events::EventBus::start(
        &store,
        &config.database_url,
        config.event_poll,
        config.event_buffer,
        config.notice_heartbeat,
    )
    .await
    .map_err(StartError::Events)?;
    let throttle = crate::auth::throttle::Throttle::new(config.throttle);
    let api = graphql::build(store.clone(), keys.clone(), events.clone(), throttle, &config);
    let demo = match config.demo {
        true => Some(crate::demo::load(&api, &store, &keys).await?),
        false => None,
    };
    let (stop, shutting_down) = tokio::sync::watch::channel(false);
    let trusted_proxies = std::sync::Arc::new(config.trusted_proxies.clone());
    let app = router(AppState {
        api,
        store: store.clone(),
        keys,
        graphiql: config.graphiql,
        max_body_bytes: config.max_body_bytes,
        connections: Default::default(),
        connections_by_address: Default::default(),
        ws_connections_per_address: config.ws_connections_per_address,
        ws_connections_per_user: config.ws_connections_per_user,
        ws_keepalive: config.ws_keepalive,
        trusted_proxies: trusted_proxies.clone(),
        allowed_origins: config.allowed_origins.clone(),
        request_timeout: config.request_timeout,
        shutting_down: shutting_down.clone(),
        exports: crate::http::export_places(),
        max_upload_bytes: config.max_upload_bytes,
        uploads: crate::http::upload_places(),
        clock: config.clock.clone(),
        printer: std::sync::Arc::new(crate::report::pdf::Printer::new(config.chromium_path.clone())),
    });
    let listener = TcpListener::bind(config.listen_addr)
        .await
        .map_err(|source| StartError::Listen { addr: config.listen_addr, source })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen { addr: config.listen_addr, source })?;
    let store_for_metrics = store.clone();
    let (metrics_stopper, metrics_stop) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(crate::http::serve::serve(listener, app, config.timeouts, trusted_proxies, shutting_down));
    let mut jobs = vec![tokio::spawn(crate::jobs::mark_overdue(
        store.clone(),
        events,
        config.clock.clone(),
        config.overdue_interval,
    ))];
    jobs.push(tokio::spawn(crate::jobs::deliver_webhooks(
        store.clone(),
        config.clock.clone(),
        config.webhooks.clone(),
        config.webhook_poll,
    )));
    jobs.push(tokio::spawn(crate::jobs::sweep_expired(store.clone(), config.clock.clone(), config.lifetimes.events)));
    jobs.push(tokio::spawn(crate::jobs::report_unreadable(store.clone())));
    let metrics_addr = metrics_listener.as_ref().and_then(|listener| listener.local_addr().ok());
    let metrics_task = metrics_listener.map(|listener| {
        jobs.push(tokio::spawn(crate::metrics::upkeep()));
        tokio::spawn(async move {
            if let Err(error) = crate::metrics::serve(listener, store_for_metrics, metrics_stop).await {
                tracing::error!(%error, "serving metrics failed");
            }
        })
    });
    jobs.extend(event_tasks);
    let metrics = metrics_task.map(|task| (metrics_stopper, task));
    Ok(Server { addr, store, stop, task, jobs, demo, metrics_addr, metrics })
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Seals webhook secrets stored in clear or under a key being rotated out. A failure leaves them as
/// they are (deliveries still sign with them) and is logged; the next start tries again.
async fn seal_webhook_secrets(store: &Store, keys: &crate::webhooks::SecretBox) {
    let reseal = |id, key_id: Option<&str>, stored: &str| {
        let plain = match key_id {
            None => stored.to_owned(),
            Some(key_id) => keys.open(id, key_id, stored).ok()?,
        };
        Some(keys.seal(id, &plain))
    };
    match crate::store::webhooks::seal_secrets(store.conn(), keys.current_key_id(), reseal).await {
        Ok((0, 0)) => {}
        Ok((sealed, unreadable)) => {
            tracing::info!(sealed, key = keys.current_key_id(), "sealed webhook secrets under the current key");
            if unreadable > 0 {
                tracing::error!(
                    unreadable,
                    "webhook secrets sealed under a key no longer in WEBHOOK_SECRET_KEYS cannot sign deliveries"
                );
            }
        }
        Err(error) => tracing::error!(%error, "sealing webhook secrets failed; deliveries use them as stored"),
    }
}
