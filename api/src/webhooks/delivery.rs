//! The delivery worker: claims due deliveries, POSTs them, records the outcome, schedules retries.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::signature::{EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};
use crate::store::{Store, StoreError, webhooks};

#[derive(Debug, Clone, Copy)]
pub struct DeliverySettings {
    /// The wait before the second attempt; each later wait doubles.
    pub retry_base: Duration,
    /// Attempts before a delivery is FAILED (it can still be redelivered by hand).
    pub max_attempts: u32,
    /// How long one attempt may take.
    pub timeout: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self { retry_base: Duration::from_secs(10), max_attempts: 6, timeout: Duration::from_secs(10) }
    }
}

/// The wait after failed attempt number `attempt` (1-based), or `None` when it was the last.
pub fn retry_delay(attempt: u32, settings: &DeliverySettings) -> Option<Duration> {
    if attempt >= settings.max_attempts {
        return None;
    }
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
    Some(settings.retry_base.saturating_mul(factor).min(Duration::from_secs(3600)))
}

/// One pass: claims the deliveries that are due and attempts each once. Claiming is a conditional
/// update, so several processes never attempt one delivery at the same time.
pub async fn deliver_due(
    store: &Store,
    client: &reqwest::Client,
    settings: &DeliverySettings,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let lease = chrono::Duration::from_std(settings.timeout * 3).unwrap_or(chrono::Duration::seconds(60));
    let mut attempted = 0;
    for (delivery, endpoint) in webhooks::due(store.conn(), now, 20).await? {
        let Some(delivery) = webhooks::claim(store.conn(), delivery, now, now + lease).await? else { continue };
        attempted += 1;
        let timestamp = now.timestamp();
        let sent = client
            .post(&endpoint.url)
            .timeout(settings.timeout)
            .header("content-type", "application/json")
            .header(EVENT_ID_HEADER, delivery.event_id.to_string())
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, sign(&endpoint.secret, timestamp, &delivery.payload))
            .body(delivery.payload.clone())
            .send()
            .await;
        let (status, error) = match sent {
            Ok(response) if response.status().is_success() => (Some(response.status().as_u16()), None),
            Ok(response) => {
                (Some(response.status().as_u16()), Some(format!("the receiver answered {}", response.status())))
            }
            Err(error) => (None, Some(format!("the request failed: {error}"))),
        };
        match error {
            None => webhooks::record_success(store.conn(), delivery, status, now).await?,
            Some(error) => {
                let attempt = u32::try_from(delivery.attempts).unwrap_or(u32::MAX);
                let retry_at =
                    retry_delay(attempt, settings).and_then(|d| chrono::Duration::from_std(d).ok()).map(|d| now + d);
                tracing::warn!(delivery = %delivery.id, attempt, %error, "a webhook delivery failed");
                webhooks::record_failure(store.conn(), delivery, status, error, retry_at).await?;
            }
        }
    }
    Ok(attempted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop() {
        let settings =
            DeliverySettings { retry_base: Duration::from_secs(10), max_attempts: 4, timeout: Duration::from_secs(1) };
        assert_eq!(retry_delay(1, &settings), Some(Duration::from_secs(10)));
        assert_eq!(retry_delay(2, &settings), Some(Duration::from_secs(20)));
        assert_eq!(retry_delay(3, &settings), Some(Duration::from_secs(40)));
        assert_eq!(retry_delay(4, &settings), None);
    }

    #[test]
    fn waits_are_capped_at_an_hour() {
        let settings = DeliverySettings {
            retry_base: Duration::from_secs(1000),
            max_attempts: 50,
            timeout: Duration::from_secs(1),
        };
        assert_eq!(retry_delay(30, &settings), Some(Duration::from_secs(3600)));
    }
}
