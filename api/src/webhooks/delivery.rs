//! The delivery worker: claims due deliveries, POSTs them, records the outcome, schedules retries.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::destination::{self, DestinationPolicy};
use super::signature::{EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};
use crate::store::{Store, StoreError, webhooks};

#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// The wait before the second attempt; each later wait doubles.
    pub retry_base: Duration,
    /// Attempts before a delivery is FAILED (it can still be redelivered by hand).
    pub max_attempts: u32,
    /// How long one attempt may take, connecting included.
    pub timeout: Duration,
    /// Attempts in flight at once over all endpoints; each endpoint has at most one, each
    /// organization at most [`PER_ORGANIZATION`].
    pub concurrency: usize,
    /// Which destinations may be reached.
    pub destinations: DestinationPolicy,
    /// The keys endpoints' signing secrets are sealed with.
    pub secret_box: super::SecretBox,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            retry_base: Duration::from_secs(10),
            max_attempts: 6,
            timeout: Duration::from_secs(10),
            concurrency: 16,
            destinations: DestinationPolicy::default(),
            secret_box: super::SecretBox::new(&[("local".into(), crate::auth::secret::generate())])
                .expect("a generated key is valid"),
        }
    }
}

/// Attempts one organization may have in flight at once, however many endpoints it registers.
pub const PER_ORGANIZATION: usize = 2;

/// The wait after failed attempt number `attempt` (1-based), or `None` when it was the last.
pub fn retry_delay(attempt: u32, settings: &DeliverySettings) -> Option<Duration> {
    if attempt >= settings.max_attempts {
        return None;
    }
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
    Some(settings.retry_base.saturating_mul(factor).min(Duration::from_secs(3600)))
}

/// Attempts deliveries in the background: one at a time per endpoint, [`PER_ORGANIZATION`] per
/// organization, a bounded number in all, with organizations taking turns, so a slow or failing
/// tenant holds its own slots for at most one timeout and never the whole queue.
pub struct Worker {
    store: Store,
    settings: Arc<DeliverySettings>,
    client_agent: &'static str,
    in_flight: Arc<Mutex<InFlight>>,
    slots: Arc<Semaphore>,
    /// Whether deliveries left pending behind disabled endpoints have been cancelled.
    stale_cancelled: std::sync::atomic::AtomicBool,
    /// Signalled when an attempt ends, so its endpoint's next delivery starts at once rather than
    /// at the next poll: a busy endpoint is not held to one delivery per poll.
    finished: Arc<tokio::sync::Notify>,
}

/// What this process is attempting now, and when each organization last had a turn.
#[derive(Default)]
struct InFlight {
    endpoints: HashSet<Uuid>,
    organizations: std::collections::HashMap<Uuid, usize>,
    last_turn: std::collections::HashMap<Uuid, tokio::time::Instant>,
}

impl InFlight {
    fn start(&mut self, organization: Uuid, endpoint: Uuid) {
        self.endpoints.insert(endpoint);
        *self.organizations.entry(organization).or_default() += 1;
        self.last_turn.insert(organization, tokio::time::Instant::now());
    }

    /// Whose turn it is: organizations never served first, then the one served longest ago.
    fn in_turn(&mut self, mut waiting: Vec<Uuid>) -> Vec<Uuid> {
        waiting.sort_by_key(|org| self.last_turn.get(org).copied());
        // Forget turns long past, so the map holds only recently served organizations.
        let horizon = tokio::time::Instant::now().checked_sub(Duration::from_secs(3600));
        if let Some(horizon) = horizon {
            self.last_turn.retain(|_, at| *at > horizon);
        }
        waiting
    }

    fn finish(&mut self, organization: Uuid, endpoint: Uuid) {
        self.endpoints.remove(&endpoint);
        if let Some(n) = self.organizations.get_mut(&organization) {
            *n -= 1;
            if *n == 0 {
                self.organizations.remove(&organization);
            }
        }
    }

    fn saturated(&self) -> Vec<Uuid> {
        self.organizations.iter().filter(|(_, n)| **n >= PER_ORGANIZATION).map(|(org, _)| *org).collect()
    }
}

impl Worker {
    pub fn new(store: Store, settings: DeliverySettings) -> Self {
        let slots = Arc::new(Semaphore::new(settings.concurrency.max(1)));
        Self {
            store,
            settings: Arc::new(settings),
            client_agent: concat!("handoff-api/", env!("CARGO_PKG_VERSION")),
            in_flight: Default::default(),
            slots,
            stale_cancelled: Default::default(),
            finished: Default::default(),
        }
    }

    /// Resolves when an attempt has ended since the last call (or at once if one ended before).
    pub async fn attempt_finished(&self) {
        self.finished.notified().await;
    }

    /// One pass: lets organizations take turns (never
    /// served first, then served longest ago) starting their oldest due delivery of an endpoint
    /// without one in flight, while slots are free. Claiming is a conditional update,
    /// so several processes never attempt one delivery at the same time. Returns how many started.
    pub async fn pass(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        // Disabling an endpoint cancels its deliveries; deliveries that earlier versions left
        // pending behind disabled endpoints are cancelled once, by the first pass that can.
        if !self.stale_cancelled.load(std::sync::atomic::Ordering::Relaxed) {
            let cancelled = webhooks::cancel_for_disabled_endpoints(self.store.conn()).await?;
            if cancelled > 0 {
                tracing::info!(cancelled, "cancelled deliveries of disabled webhook endpoints");
            }
            self.stale_cancelled.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let free = self.slots.available_permits();
        if free == 0 {
            return Ok(0);
        }
        let (busy_endpoints, saturated) = {
            let in_flight = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            (in_flight.endpoints.iter().copied().collect::<Vec<_>>(), in_flight.saturated())
        };
        let lease = chrono::Duration::from_std(self.settings.timeout * 3).unwrap_or(chrono::Duration::seconds(60));
        let waiting =
            webhooks::organizations_waiting(self.store.conn(), now, &busy_endpoints, &saturated, 1_000).await?;
        let waiting = self.in_flight.lock().unwrap_or_else(|e| e.into_inner()).in_turn(waiting);
        let mut picks = Vec::new();
        for organization in waiting.into_iter().take(free) {
            picks.extend(webhooks::oldest_due(self.store.conn(), organization, now, &busy_endpoints).await?);
        }
        let mut started = 0;
        for (delivery, endpoint) in picks {
            let Ok(slot) = self.slots.clone().try_acquire_owned() else { break };
            let Some(delivery) = webhooks::claim(self.store.conn(), delivery, now, now + lease).await? else {
                continue;
            };
            let (organization, endpoint_id) = (endpoint.organization_id, endpoint.id);
            self.in_flight.lock().unwrap_or_else(|e| e.into_inner()).start(organization, endpoint_id);
            let (store, settings, in_flight, agent, finished) = (
                self.store.clone(),
                self.settings.clone(),
                self.in_flight.clone(),
                self.client_agent,
                self.finished.clone(),
            );
            tokio::spawn(async move {
                if let Err(error) = attempt(&store, &settings, agent, delivery, &endpoint, now).await {
                    tracing::warn!(%error, "recording a webhook attempt failed; the lease lets it run again");
                }
                in_flight.lock().unwrap_or_else(|e| e.into_inner()).finish(organization, endpoint_id);
                drop(slot);
                finished.notify_one();
            });
            started += 1;
        }
        Ok(started)
    }
}

/// Sends one delivery and records the outcome.
async fn attempt(
    store: &Store,
    settings: &DeliverySettings,
    agent: &str,
    delivery: webhooks::Delivery,
    endpoint: &webhooks::Endpoint,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    // One deadline for resolving and sending: a slow name server counts against the attempt, and
    // the attempt ends well inside its lease, so no other process takes it over while it runs.
    let sent = tokio::time::timeout(settings.timeout, send(settings, agent, &delivery, endpoint, now)).await;
    let sent = sent.unwrap_or_else(|_| Err(format!("no answer within {} s", settings.timeout.as_secs_f64())));
    // By class: a receiver chooses its status codes, and one label per code would let it grow
    // the series without bound.
    let label = match &sent {
        Ok(200..=299) => "2xx",
        Ok(300..=399) => "3xx",
        Ok(400..=499) => "4xx",
        Ok(500..=599) => "5xx",
        Ok(_) => "other",
        Err(_) => "no_answer",
    };
    metrics::counter!("handoff_webhook_deliveries_total", "status" => label).increment(1);
    let (status, error) = match sent {
        Ok(status) if (200..300).contains(&status) => (Some(status), None),
        Ok(status) => (Some(status), Some(format!("the receiver answered {status}"))),
        Err(error) => (None, Some(error)),
    };
    match error {
        None => webhooks::record_success(store.conn(), delivery, status, now).await,
        Some(error) => {
            let attempt = u32::try_from(delivery.attempts).unwrap_or(u32::MAX);
            let retry_at =
                retry_delay(attempt, settings).and_then(|d| chrono::Duration::from_std(d).ok()).map(|d| now + d);
            tracing::warn!(delivery = %delivery.id, attempt, %error, "a webhook delivery failed");
            webhooks::record_failure(store.conn(), delivery, status, error, retry_at).await
        }
    }
}

/// The endpoint's signing secret, opened from its sealed form.
fn signing_secret(settings: &DeliverySettings, endpoint: &webhooks::Endpoint) -> Result<String, String> {
    match &endpoint.secret_key_id {
        Some(key_id) => settings.secret_box.open(endpoint.id, key_id, &endpoint.secret).map_err(|e| e.to_string()),
        // Stored before secrets were sealed; the server seals these at start.
        None => Ok(endpoint.secret.clone()),
    }
}

/// POSTs the delivery to the endpoint's checked addresses: the host is resolved and checked now
/// (not only at registration), the connection goes to exactly those addresses, redirects are not
/// followed, and no proxy from the environment is used. The receiver's body is never read.
async fn send(
    settings: &DeliverySettings,
    agent: &str,
    delivery: &webhooks::Delivery,
    endpoint: &webhooks::Endpoint,
    now: DateTime<Utc>,
) -> Result<u16, String> {
    let refused = |e: destination::DestinationError| format!("the destination is refused: {e}");
    let url = destination::parse(&endpoint.url, &settings.destinations).map_err(refused)?;
    let addresses = destination::resolve(&url, &settings.destinations).await.map_err(refused)?;
    let mut client = reqwest::Client::builder()
        .user_agent(agent)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(settings.timeout)
        .timeout(settings.timeout);
    if let Some(url::Host::Domain(host)) = url.host() {
        client = client.resolve_to_addrs(host, &addresses);
    }
    let client = client.build().map_err(|e| format!("no HTTP client: {e}"))?;
    let timestamp = now.timestamp();
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header(EVENT_ID_HEADER, delivery.event_id.to_string())
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, sign(&signing_secret(settings, endpoint)?, timestamp, &delivery.payload))
        .body(delivery.payload.clone())
        .send()
        .await
        .map_err(|e| format!("the request failed: {e}"))?;
    Ok(response.status().as_u16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop() {
        let settings = DeliverySettings { retry_base: Duration::from_secs(10), max_attempts: 4, ..Default::default() };
        assert_eq!(retry_delay(1, &settings), Some(Duration::from_secs(10)));
        assert_eq!(retry_delay(2, &settings), Some(Duration::from_secs(20)));
        assert_eq!(retry_delay(3, &settings), Some(Duration::from_secs(40)));
        assert_eq!(retry_delay(4, &settings), None);
    }

    #[test]
    fn waits_are_capped_at_an_hour() {
        let settings =
            DeliverySettings { retry_base: Duration::from_secs(1000), max_attempts: 50, ..Default::default() };
        assert_eq!(retry_delay(30, &settings), Some(Duration::from_secs(3600)));
    }
}
