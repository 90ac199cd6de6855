//! Typed settings from flags and environment variables, with safe development defaults and a
//! production mode that refuses unsafe ones.

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

use crate::graphql::Limits;

use crate::auth::secret::{self, MIN_SECRET_BYTES};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database URL: `sqlite://FILE` (created when missing) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://handoff.db", global = true)]
    pub database_url: String,

    /// Largest number of pooled PostgreSQL connections (SQLite always uses one).
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10, global = true)]
    pub database_max_connections: u32,

    /// Address to listen on.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:8080", global = true)]
    pub listen_addr: SocketAddr,

    /// Where to serve Prometheus metrics (`GET /metrics`), apart from the API; unset, none are
    /// recorded. Bind it to an address only the scraper reaches.
    #[arg(long, env = "METRICS_ADDR", global = true)]
    pub metrics_addr: Option<SocketAddr>,

    /// Apply pending migrations when `serve` starts. Replicas deployed with a migration job set it
    /// to `false`: they then only check, and refuse to start on a database lacking a migration.
    #[arg(long, env = "MIGRATE_ON_START", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub migrate_on_start: bool,

    /// Secret that signs access tokens; at least 32 bytes. Required in production.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,

    /// Lifetime of an access token, in minutes; `refreshSession` issues the next one.
    #[arg(long, env = "TOKEN_TTL_MINUTES", default_value_t = 15, global = true)]
    pub token_ttl_minutes: u32,

    /// Days handoff events are kept, for subscribers resuming with `after` and clients polling
    /// `Organization.events`; an older cursor must resync.
    #[arg(long, env = "EVENT_RETENTION_DAYS", default_value_t = 7, global = true)]
    pub event_retention_days: u32,
    /// Days a session lasts without a refresh; each refresh starts them again.
    #[arg(long, env = "SESSION_DAYS", default_value_t = 30, global = true)]
    pub session_days: u32,

    /// Days an invitation stays open.
    #[arg(long, env = "INVITATION_DAYS", default_value_t = 7, global = true)]
    pub invitation_days: u32,

    /// SMTP relay for invitation mail, e.g. `smtps://user:pass@mail.example:465` (production needs
    /// TLS). Unset: no mail is sent and `inviteMember` shows the secret to the ADMIN once.
    #[arg(long, env = "SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// Sender of invitation mail.
    #[arg(long, env = "MAIL_FROM", default_value = "Handoff Scorecard <no-reply@localhost>", global = true)]
    pub mail_from: String,

    /// The server's address as people reach it (invitation links point there); defaults to
    /// `http://LISTEN_ADDR`. Required in production when SMTP_URL is set.
    #[arg(long, env = "PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Origins whose pages may call the API from a browser, comma-separated, such as
    /// `https://app.example.com,http://localhost:5173`; `*` admits any. Unset, only the API's own
    /// origin. WebSocket handshakes from browsers are checked against the same list.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',', value_parser = crate::http::cors::parse_origin, global = true)]
    pub cors_allowed_origins: Vec<String>,

    /// A trusted-documents manifest (JSON: each document's SHA-256 hash to its text, as client
    /// build tools write it): when set, only those documents run, sent by hash or as text.
    #[arg(long, env = "TRUSTED_DOCUMENTS", global = true)]
    pub trusted_documents: Option<std::path::PathBuf>,

    /// `development` or `production`.
    #[arg(long, env = "APP_ENV", value_enum, default_value = "development", global = true)]
    pub app_env: AppEnv,

    /// Same as `APP_ENV=production`.
    #[arg(long, global = true)]
    pub production: bool,

    /// Serve the query console at `/` (default: on in development, off in production).
    #[arg(long, env = "GRAPHIQL", global = true)]
    pub graphiql: Option<bool>,

    /// Answer introspection queries (default: on in development, off in production).
    #[arg(long, env = "INTROSPECTION", global = true)]
    pub introspection: Option<bool>,

    /// Largest accepted request body, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub max_body_bytes: usize,

    /// Headless Chromium, for client reports as PDF (default: `chromium`, `chromium-browser` or
    /// `google-chrome` on the PATH; without one, PDFs are refused with PDF_UNAVAILABLE).
    #[arg(long, env = "CHROMIUM_PATH", global = true)]
    pub chromium_path: Option<std::path::PathBuf>,

    /// Largest accepted file upload (a CSV import), in bytes.
    #[arg(long, env = "MAX_UPLOAD_BYTES", default_value_t = 16 * 1024 * 1024, global = true)]
    pub max_upload_bytes: usize,

    /// Deepest query nesting accepted.
    #[arg(long, env = "MAX_QUERY_DEPTH", default_value_t = 15, global = true)]
    pub max_query_depth: usize,

    /// Highest query complexity accepted: each field counts one, times the rows a list under it
    /// may return (`first`, or 50 when unset).
    #[arg(long, env = "MAX_QUERY_COMPLEXITY", default_value_t = 5_000, global = true)]
    pub max_query_complexity: usize,

    /// Most fields a document may select once its fragments are expanded.
    #[arg(long, env = "MAX_QUERY_FIELDS", default_value_t = 2_000, global = true)]
    pub max_query_fields: u64,

    /// Most aliased fields in one document.
    #[arg(long, env = "MAX_QUERY_ALIASES", default_value_t = 30, global = true)]
    pub max_query_aliases: u64,

    /// Most root fields in one operation.
    #[arg(long, env = "MAX_ROOT_FIELDS", default_value_t = 20, global = true)]
    pub max_root_fields: u64,

    /// Seconds a cached session, membership list, API token, organization or person is trusted
    /// without a change notice (PostgreSQL; changes clear the cache on every replica at once). 0
    /// turns the cache off.
    #[arg(long, env = "CREDENTIAL_CACHE_SECONDS", default_value_t = 30, global = true)]
    pub credential_cache_seconds: u64,

    /// Seconds between sweeps that mark overdue handoffs.
    #[arg(long, env = "OVERDUE_SWEEP_SECONDS", default_value_t = 60, global = true)]
    pub overdue_sweep_seconds: u64,

    /// Seconds before the second webhook attempt; each later wait doubles (at most an hour).
    #[arg(long, env = "WEBHOOK_RETRY_BASE_SECONDS", default_value_t = 10, global = true)]
    pub webhook_retry_base_seconds: u64,

    /// Attempts before a webhook delivery is FAILED.
    #[arg(long, env = "WEBHOOK_MAX_ATTEMPTS", default_value_t = 6, global = true)]
    pub webhook_max_attempts: u32,

    /// Proxies (addresses or CIDR networks, comma-separated) whose `X-Forwarded-For` header names
    /// the client. Empty: the socket's peer is the client.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',', value_parser = crate::http::client_address::parse_network, global = true)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Failed logins for one account from one address before each further attempt waits
    /// (1 s, doubling up to 15 minutes).
    #[arg(long, env = "LOGIN_FREE_FAILURES", default_value_t = 5, global = true)]
    pub login_free_failures: u32,

    /// Failed logins from one client address, over all accounts, per 15 minutes.
    #[arg(long, env = "LOGIN_FAILURES_PER_ADDRESS", default_value_t = 30, global = true)]
    pub login_failures_per_address: u32,

    /// Login attempts from one client address per minute, successful ones included.
    #[arg(long, env = "LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", default_value_t = 60, global = true)]
    pub login_attempts_per_address_per_minute: u32,

    /// Sign-ups from one client address per hour.
    #[arg(long, env = "SIGN_UPS_PER_ADDRESS", default_value_t = 20, global = true)]
    pub sign_ups_per_address: u32,

    /// Seconds a client has to send a request's header; also how long an idle kept-alive
    /// connection stays open.
    #[arg(long, env = "HEADER_READ_TIMEOUT_SECONDS", default_value_t = 10, global = true)]
    pub header_read_timeout_seconds: u64,

    /// Once shutdown begins, seconds an idle kept-alive connection stays open for one more request
    /// (answered with `Connection: close`); keep it above a proxy's keep-alive towards the server.
    #[arg(long, env = "SHUTDOWN_IDLE_GRACE_SECONDS", default_value_t = 6, global = true)]
    pub shutdown_idle_grace_seconds: u64,

    /// Open connections at once, WebSockets included; more wait until one closes.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 10_000, global = true)]
    pub max_connections: usize,

    /// Open HTTP connections per client address (IPv6 by /64); trusted proxies are not limited.
    #[arg(long, env = "MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 256, global = true)]
    pub max_connections_per_address: usize,

    /// Seconds from a request's header to its response.
    #[arg(long, env = "REQUEST_TIMEOUT_SECONDS", default_value_t = 30, global = true)]
    pub request_timeout_seconds: u64,

    /// Most WebSocket connections one client address may hold open (counted before
    /// authentication, so anonymous floods are bounded too).
    #[arg(long, env = "WS_CONNECTIONS_PER_ADDRESS", default_value_t = 64, global = true)]
    pub ws_connections_per_address: usize,

    /// Most WebSocket connections one person (or one API token's member) may hold open.
    #[arg(long, env = "WS_CONNECTIONS_PER_USER", default_value_t = 10, global = true)]
    pub ws_connections_per_user: usize,

    /// Seconds one webhook attempt may take, connecting included.
    #[arg(long, env = "WEBHOOK_TIMEOUT_SECONDS", default_value_t = 10, global = true)]
    pub webhook_timeout_seconds: u64,

    /// Webhook attempts in flight at once (each endpoint has at most one).
    #[arg(long, env = "WEBHOOK_CONCURRENCY", default_value_t = 16, global = true)]
    pub webhook_concurrency: usize,

    /// Networks (comma-separated CIDRs or addresses) webhooks may reach although they are not
    /// public, e.g. a receiver inside the cluster. Empty: public addresses only.
    #[arg(long, env = "WEBHOOK_ALLOWED_NETWORKS", value_delimiter = ',', value_parser = crate::http::client_address::parse_network, global = true)]
    pub webhook_allowed_networks: Vec<ipnet::IpNet>,

    /// Keys that seal webhook signing secrets at rest: `id:key,id:key` (each key at least 32 bytes of
    /// random text). The first seals; all open, so a key rotates by putting a new one first.
    /// Required in production; development generates one beside the SQLite file.
    #[arg(long, env = "WEBHOOK_SECRET_KEYS", hide_env_values = true, global = true)]
    pub webhook_secret_keys: Option<String>,

    /// Host names (comma-separated) webhooks may reach whatever they resolve to.
    #[arg(long, env = "WEBHOOK_ALLOWED_HOSTS", value_delimiter = ',', global = true)]
    pub webhook_allowed_hosts: Vec<String>,

    /// Load a demo organization (once) and print its logins; development mode only.
    #[arg(long, global = true)]
    pub demo: bool,

    /// Log filter, e.g. `info`, `handoff_api=debug,info`, or `handoff_api::sql=trace,info` to log
    /// every SQL statement (`RUST_LOG` wins when set).
    #[arg(long, env = "LOG_LEVEL", default_value = "info", global = true)]
    pub log_level: String,

    /// `text` for people, `json` for log collectors.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "text", global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("JWT_SECRET must be set in production mode (at least {MIN_SECRET_BYTES} bytes of random text)")]
    MissingSecret,
    #[error("JWT_SECRET is too weak for production mode: {0}; generate one, e.g. `openssl rand -base64 48`")]
    WeakSecret(String),
    #[error("cannot keep the generated development secret in {path}: {source}")]
    SecretFile { path: String, source: std::io::Error },
    #[error("--demo loads accounts with a published password and is refused in production mode")]
    DemoInProduction,
    #[error("{0}")]
    Mail(#[from] crate::mail::MailError),
    #[error("PUBLIC_URL must be set in production mode when SMTP_URL is, so invitation links point somewhere real")]
    MissingPublicUrl,
    #[error("WEBHOOK_SECRET_KEYS must be set in production mode (`id:key`, each key at least 32 bytes of random text)")]
    MissingWebhookKeys,
    #[error("WEBHOOK_SECRET_KEYS: {0}")]
    WebhookKeys(String),
    #[error("TRUSTED_DOCUMENTS={path}: {reason}")]
    TrustedDocuments { path: String, reason: String },
}

/// The resolved configuration the server runs with.
#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub database_max_connections: u32,
    /// Whether `serve` applies pending migrations itself.
    pub migrate_on_start: bool,
    /// Where Prometheus metrics are served, if anywhere.
    pub metrics_addr: Option<SocketAddr>,
    pub listen_addr: SocketAddr,
    pub jwt_secret: String,
    pub token_ttl: chrono::Duration,
    /// How long sessions and invitations last.
    pub lifetimes: Lifetimes,
    /// Outgoing mail (invitations).
    pub mailer: crate::mail::Mailer,
    pub production: bool,
    pub graphiql: bool,
    pub max_body_bytes: usize,
    pub max_upload_bytes: usize,
    pub chromium_path: Option<std::path::PathBuf>,
    pub limits: Limits,
    /// The only documents that run, when a manifest is set; else documents are persisted
    /// automatically.
    pub trusted_documents: Option<std::sync::Arc<crate::graphql::persisted::Manifest>>,
    /// Load the demo organization on start.
    pub demo: bool,
    /// Where "now" comes from (the system clock outside tests).
    pub clock: crate::clock::Clock,
    /// How often the overdue sweep runs.
    pub overdue_interval: std::time::Duration,
    /// How long a credential cache entry is trusted without a notice (zero: no cache).
    pub credential_cache: std::time::Duration,
    /// Webhook retry schedule.
    pub webhooks: crate::webhooks::DeliverySettings,
    /// How often due webhook deliveries are looked for.
    pub webhook_poll: std::time::Duration,
    /// How often each process looks for stored events nobody woke it for.
    pub event_poll: std::time::Duration,
    /// How often each process sends a heartbeat notice to prove its listening connection alive.
    pub notice_heartbeat: std::time::Duration,
    /// Events one process buffers for its subscribers; one further behind must resubscribe.
    pub event_buffer: usize,
    /// How often an open WebSocket gets a ping frame.
    pub ws_keepalive: std::time::Duration,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Origins whose pages may call the API from a browser.
    pub allowed_origins: crate::http::cors::AllowedOrigins,
    /// Login and sign-up throttling.
    pub throttle: crate::auth::throttle::ThrottleSettings,
    /// Header-read and shutdown drain times.
    pub timeouts: crate::http::serve::ConnectionTimeouts,
    /// Longest time from a request's header to its response.
    pub request_timeout: std::time::Duration,
    /// Most WebSocket connections one client address may hold open.
    pub ws_connections_per_address: usize,
    /// Most WebSocket connections one person may hold open.
    pub ws_connections_per_user: usize,
}

/// How long the things the server hands out stay valid.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    /// A session without a refresh.
    pub session: chrono::Duration,
    /// An invitation.
    pub invitation: chrono::Duration,
    /// A stored handoff event.
    pub events: chrono::Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            session: chrono::Duration::days(crate::domain::session::DEFAULT_SESSION_DAYS),
            invitation: chrono::Duration::days(crate::domain::invitation::DEFAULT_INVITATION_DAYS),
            events: chrono::Duration::days(crate::domain::events::DEFAULT_RETENTION_DAYS),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("listen_addr", &self.listen_addr)
            .field("production", &self.production)
            .field("graphiql", &self.graphiql)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// Hides a password in a database URL before it is logged.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

impl Settings {
    pub fn is_production(&self) -> bool {
        self.production || self.app_env == AppEnv::Production
    }

    pub fn resolve(&self) -> Result<Config, ConfigError> {
        let production = self.is_production();
        if production && self.demo {
            return Err(ConfigError::DemoInProduction);
        }
        let trusted_documents = match &self.trusted_documents {
            None => None,
            Some(path) => {
                let refused =
                    |reason: String| ConfigError::TrustedDocuments { path: path.display().to_string(), reason };
                let text = std::fs::read_to_string(path).map_err(|e| refused(e.to_string()))?;
                let manifest = crate::graphql::persisted::Manifest::parse(&text).map_err(refused)?;
                Some(std::sync::Arc::new(manifest))
            }
        };
        let jwt_secret = match (&self.jwt_secret, production) {
            (Some(s), true) => match secret::weakness(s) {
                Some(why) => return Err(ConfigError::WeakSecret(why)),
                None => s.clone(),
            },
            (Some(s), false) => s.clone(),
            (None, true) => return Err(ConfigError::MissingSecret),
            // Development without a secret: one generated on first start and kept beside the
            // SQLite file (or per process on other databases); never a value from the source.
            (None, false) => match secret::development_secret_path(&self.database_url, secret::JWT_SECRET_FILE) {
                Some(path) => secret::load_or_create(&path)
                    .map_err(|source| ConfigError::SecretFile { path: path.display().to_string(), source })?,
                None => secret::generate(),
            },
        };
        if production && self.smtp_url.is_some() && self.public_url.is_none() {
            return Err(ConfigError::MissingPublicUrl);
        }
        let secret_box = self.webhook_secret_box(production)?;
        let public_url = self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.listen_addr));
        let mailer = crate::mail::Mailer::new(self.smtp_url.as_deref(), &self.mail_from, &public_url, production)?;
        Ok(Config {
            lifetimes: Lifetimes {
                session: chrono::Duration::days(i64::from(self.session_days.max(1))),
                invitation: chrono::Duration::days(i64::from(self.invitation_days.max(1))),
                events: chrono::Duration::days(i64::from(self.event_retention_days.max(1))),
            },
            mailer,
            database_url: self.database_url.clone(),
            database_max_connections: self.database_max_connections,
            migrate_on_start: self.migrate_on_start,
            metrics_addr: self.metrics_addr,
            listen_addr: self.listen_addr,
            jwt_secret,
            token_ttl: chrono::Duration::minutes(i64::from(self.token_ttl_minutes.max(1))),
            production,
            graphiql: self.graphiql.unwrap_or(!production),
            max_body_bytes: self.max_body_bytes,
            max_upload_bytes: self.max_upload_bytes,
            chromium_path: self.chromium_path.clone(),
            trusted_documents,
            limits: Limits {
                max_depth: self.max_query_depth,
                max_complexity: self.max_query_complexity,
                introspection: self.introspection.unwrap_or(!production),
                document: crate::graphql::document_guard::DocumentLimits {
                    max_fields: self.max_query_fields,
                    max_aliases: self.max_query_aliases,
                    max_root_fields: self.max_root_fields,
                },
            },
            demo: self.demo,
            clock: crate::clock::Clock::system(),
            overdue_interval: std::time::Duration::from_secs(self.overdue_sweep_seconds.max(1)),
            credential_cache: std::time::Duration::from_secs(self.credential_cache_seconds),
            webhooks: crate::webhooks::DeliverySettings {
                retry_base: std::time::Duration::from_secs(self.webhook_retry_base_seconds.max(1)),
                max_attempts: self.webhook_max_attempts.max(1),
                timeout: std::time::Duration::from_secs(self.webhook_timeout_seconds.max(1)),
                concurrency: self.webhook_concurrency.max(1),
                destinations: crate::webhooks::destination::DestinationPolicy {
                    allowed_networks: self.webhook_allowed_networks.clone(),
                    allowed_hosts: self.webhook_allowed_hosts.clone(),
                    https_only: production,
                },
                secret_box,
            },
            webhook_poll: std::time::Duration::from_millis(500),
            event_poll: std::time::Duration::from_secs(1),
            notice_heartbeat: crate::events::HEARTBEAT,
            event_buffer: crate::events::BUFFER,
            ws_keepalive: std::time::Duration::from_secs(20),
            trusted_proxies: self.trusted_proxies.clone(),
            allowed_origins: crate::http::cors::AllowedOrigins::from_setting(&self.cors_allowed_origins),
            throttle: crate::auth::throttle::ThrottleSettings {
                login_free_failures: self.login_free_failures,
                address_failures: self.login_failures_per_address,
                address_attempts_per_minute: self.login_attempts_per_address_per_minute,
                sign_ups: self.sign_ups_per_address,
                ..Default::default()
            },
            timeouts: crate::http::serve::ConnectionTimeouts {
                max_connections: self.max_connections.max(1),
                max_connections_per_address: self.max_connections_per_address.max(1),
                header_read: std::time::Duration::from_secs(self.header_read_timeout_seconds.max(1)),
                idle_grace: std::time::Duration::from_secs(self.shutdown_idle_grace_seconds),
                ..Default::default()
            },
            request_timeout: std::time::Duration::from_secs(self.request_timeout_seconds.max(1)),
            ws_connections_per_address: self.ws_connections_per_address.max(1),
            ws_connections_per_user: self.ws_connections_per_user.max(1),
        })
    }

    /// The keys webhook secrets are sealed with: configured, or (development) generated and kept.
    fn webhook_secret_box(&self, production: bool) -> Result<crate::webhooks::SecretBox, ConfigError> {
        use crate::webhooks::SecretBox;
        let keys = match (&self.webhook_secret_keys, production) {
            (Some(setting), _) => {
                let keys = SecretBox::parse(setting).map_err(|e| ConfigError::WebhookKeys(e.to_string()))?;
                if production {
                    for (id, key) in &keys {
                        if let Some(why) = secret::weakness(key) {
                            return Err(ConfigError::WebhookKeys(format!("key `{id}` is too weak: {why}")));
                        }
                    }
                }
                keys
            }
            (None, true) => return Err(ConfigError::MissingWebhookKeys),
            (None, false) => {
                let key = match secret::development_secret_path(&self.database_url, secret::WEBHOOK_KEY_FILE) {
                    Some(path) => secret::load_or_create(&path)
                        .map_err(|source| ConfigError::SecretFile { path: path.display().to_string(), source })?,
                    None => secret::generate(),
                };
                vec![("local".to_owned(), key)]
            }
        };
        SecretBox::new(&keys).map_err(|e| ConfigError::WebhookKeys(e.to_string()))
    }

    pub fn uses_development_secret(&self) -> bool {
        self.jwt_secret.is_none()
    }
}

impl Config {
    /// Development settings for `database_url`, listening on a free loopback port (for tests).
    pub fn development(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            database_max_connections: 5,
            migrate_on_start: true,
            metrics_addr: None,
            listen_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            jwt_secret: secret::generate(),
            token_ttl: chrono::Duration::minutes(15),
            lifetimes: Lifetimes::default(),
            mailer: crate::mail::Mailer::disabled("http://127.0.0.1"),
            production: false,
            graphiql: true,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 16 * 1024 * 1024,
            chromium_path: None,
            limits: Limits::default(),
            trusted_documents: None,
            demo: false,
            clock: crate::clock::Clock::system(),
            overdue_interval: std::time::Duration::from_secs(60),
            credential_cache: crate::store::credential_cache::DEFAULT_MAX_AGE,
            webhooks: crate::webhooks::DeliverySettings::default(),
            webhook_poll: std::time::Duration::from_millis(500),
            event_poll: std::time::Duration::from_secs(1),
            notice_heartbeat: crate::events::HEARTBEAT,
            event_buffer: crate::events::BUFFER,
            ws_keepalive: std::time::Duration::from_secs(20),
            trusted_proxies: Vec::new(),
            allowed_origins: Default::default(),
            throttle: crate::auth::throttle::ThrottleSettings::default(),
            // Tests stop servers often, with no proxy in front: idle connections close at once.
            timeouts: crate::http::serve::ConnectionTimeouts {
                idle_grace: std::time::Duration::ZERO,
                ..Default::default()
            },
            request_timeout: std::time::Duration::from_secs(30),
            ws_connections_per_address: 64,
            ws_connections_per_user: crate::http::WS_CONNECTIONS_PER_USER,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        settings: Settings,
    }

    /// Settings from `args`, on a database in a fresh temporary directory (development mode keeps
    /// its generated secret beside it).
    fn settings(args: &[&str]) -> Settings {
        let dir = std::env::temp_dir().join(format!("config-test-{}", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}/test.db", dir.display());
        let mut argv = vec!["handoff-api", "--database-url", &url];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).unwrap().settings
    }

    #[test]
    fn development_generates_a_secret_once_and_keeps_it_beside_the_database() {
        let settings = settings(&[]);
        let config = settings.resolve().unwrap();
        assert!(!config.production && config.graphiql && config.limits.introspection);
        assert!(secret::weakness(&config.jwt_secret).is_none());
        assert_eq!(settings.resolve().unwrap().jwt_secret, config.jwt_secret, "kept across restarts");
        let other = self::settings(&[]).resolve().unwrap();
        assert_ne!(other.jwt_secret, config.jwt_secret, "each installation has its own");
    }

    #[test]
    fn production_refuses_missing_short_or_low_entropy_secrets() {
        assert!(matches!(settings(&["--production"]).resolve(), Err(ConfigError::MissingSecret)));
        for weak in ["short", &"x".repeat(40), &"0123".repeat(10)] {
            let refused = settings(&["--production", "--jwt-secret", weak]).resolve();
            assert!(matches!(refused, Err(ConfigError::WeakSecret(_))), "{weak}");
        }
        // `=` keeps a generated secret that starts with `-` from reading as a flag.
        let strong = format!("--jwt-secret={}", secret::generate());
        let keys = format!("--webhook-secret-keys=k1:{}", secret::generate());
        assert!(settings(&["--production", &strong, &keys]).resolve().is_ok());
        assert!(matches!(settings(&["--production", &strong]).resolve(), Err(ConfigError::MissingWebhookKeys)));
        let weak_key = settings(&["--production", &strong, "--webhook-secret-keys=k1:short"]).resolve();
        assert!(matches!(weak_key, Err(ConfigError::WebhookKeys(_))));
    }

    #[test]
    fn demo_data_is_refused_in_production() {
        let secret = format!("--jwt-secret={}", secret::generate());
        assert!(matches!(settings(&["--production", &secret, "--demo"]).resolve(), Err(ConfigError::DemoInProduction)));
        assert!(settings(&["--demo"]).resolve().unwrap().demo);
    }

    #[test]
    fn production_turns_graphiql_and_introspection_off_unless_asked() {
        let secret = format!("--jwt-secret={}", secret::generate());
        let keys = format!("--webhook-secret-keys=k1:{}", secret::generate());
        let config = settings(&["--production", &secret, &keys]).resolve().unwrap();
        assert!(config.production && !config.graphiql && !config.limits.introspection);
        let config = settings(&["--production", &secret, &keys, "--graphiql", "true"]).resolve().unwrap();
        assert!(config.graphiql);
    }

    #[test]
    fn passwords_in_database_urls_are_redacted() {
        assert_eq!(redact_url("postgres://app:hunter2@db:5432/x"), "postgres://app:***@db:5432/x");
        assert_eq!(redact_url("sqlite://handoff.db"), "sqlite://handoff.db");
    }
}
