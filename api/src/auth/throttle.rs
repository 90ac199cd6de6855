//! Slows password guessing and mass sign-ups with buckets kept in the database (shared by replicas,
//! kept across restarts). An attempt is reserved before the password is hashed, so parallel
//! guesses cannot all slip past one check.
//!
//! - Per account *and* client address: a few failures pass, then each attempt waits twice as long
//!   as the one before. Guesses from elsewhere never slow down the owner's own address, so nobody
//!   can lock an account's owner out.
//! - Per account, over every address it has not signed up or logged in from in the last 30 days:
//!   more failures pass, then doubling waits of at most a minute. This slows guessing spread over
//!   many addresses (a botnet, an IPv6 allocation) to about one guess a minute, while the owner at
//!   a familiar address is never slowed by it, and on a new device waits at most a minute.
//! - Per client address, across accounts: a fixed number of failed logins per window, and a fixed
//!   number of login attempts per minute whatever their outcome, so nobody can fill the hashing
//!   queue with logins to an account of their own.
//! - Per client address: a fixed number of sign-ups per window.
//!
//! Only a syntactically valid email (at most 254 bytes) ever names a bucket, and bucket names are
//! stored hashed, so stored state is bounded by what the rules let through.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use crate::domain::Email;
use crate::domain::throttle::{Refund, Shape};
use crate::error::{AppError, AppResult};
use crate::store::{Store, rate_limits};

/// The throttling rules in force.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleSettings {
    /// Failed logins for one account from one address before waits begin.
    pub login_free_failures: u32,
    /// Longest wait between attempts for one account from one address.
    pub login_max_delay: Duration,
    /// Failed logins from one address, over all accounts, per `address_window`.
    pub address_failures: u32,
    pub address_window: Duration,
    /// Login attempts from one address per minute, successful ones included.
    pub address_attempts_per_minute: u32,
    /// Sign-ups from one address per `sign_up_window`.
    pub sign_ups: u32,
    pub sign_up_window: Duration,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        Self {
            login_free_failures: 5,
            login_max_delay: Duration::minutes(15),
            address_failures: 30,
            address_window: Duration::minutes(15),
            address_attempts_per_minute: 60,
            sign_ups: 20,
            sign_up_window: Duration::hours(1),
        }
    }
}

/// A refusal, logged as a security event (the client's address key, never the email).
fn throttled(rule: &'static str, host: &str, wait: Duration) -> AppError {
    metrics::counter!("handoff_throttled_total", "rule" => rule.replace(' ', "_")).increment(1);
    tracing::warn!(security = "throttled", rule, client = host, wait_seconds = wait.num_seconds(), "request throttled");
    AppError::rate_limited(wait)
}

/// Failures per account from unfamiliar addresses before waits begin.
const ACCOUNT_FREE_FAILURES: u32 = 20;
/// The longest wait failures from unfamiliar addresses impose: short, because an owner on a new
/// device waits it too; it still holds guessing spread over many addresses to about one a minute.
const UNFAMILIAR_MAX_DELAY_SECONDS: i64 = 60;
/// How long an address a login succeeded from stays familiar.
const FAMILIAR_FOR_DAYS: i64 = 30;

/// The client address a limit keys on: IPv4 whole, IPv6 by its /64 (one host's usual allocation).
pub fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The marker that says an account's owner signed up or logged in from `host`.
fn familiar_key(email: &Email, host: &str) -> String {
    rate_limits::key(&format!("login-familiar:{}|{host}", email.as_str()))
}

async fn mark_familiar(store: &Store, key: &str, now: DateTime<Utc>) -> AppResult<()> {
    rate_limits::mark(store.conn(), key, now, now + Duration::days(FAMILIAR_FOR_DAYS)).await?;
    Ok(())
}

/// A login attempt reserved in its buckets; `succeeded` or `not_attempted` hands it back.
pub struct LoginReservation {
    account: String,
    address: String,
    /// The account's bucket over unfamiliar addresses, when this address is one.
    unfamiliar: Option<String>,
    familiar: String,
}

#[derive(Clone, Copy)]
pub struct Throttle {
    settings: ThrottleSettings,
}

impl Throttle {
    pub fn new(settings: ThrottleSettings) -> Self {
        Self { settings }
    }

    fn account_shape(&self) -> Shape {
        Shape::Progressive {
            free: self.settings.login_free_failures,
            max_delay: self.settings.login_max_delay,
            reset_after: Duration::days(1),
        }
    }

    fn unfamiliar_shape(&self) -> Shape {
        Shape::Progressive {
            free: ACCOUNT_FREE_FAILURES,
            max_delay: Duration::seconds(UNFAMILIAR_MAX_DELAY_SECONDS),
            reset_after: Duration::days(1),
        }
    }

    fn address_shape(&self) -> Shape {
        Shape::Window { limit: self.settings.address_failures, window: self.settings.address_window }
    }

    /// The buckets a login attempt is counted in, in the order they are taken.
    fn buckets<'a>(&self, reservation: &'a LoginReservation) -> Vec<(&'a str, Shape)> {
        let mut buckets = vec![
            (reservation.address.as_str(), self.address_shape()),
            (reservation.account.as_str(), self.account_shape()),
        ];
        if let Some(unfamiliar) = &reservation.unfamiliar {
            buckets.push((unfamiliar.as_str(), self.unfamiliar_shape()));
        }
        buckets
    }

    /// Reserves one login attempt for `email` from `address`, counted as a failure until
    /// `succeeded` says otherwise.
    pub async fn reserve_login(
        &self,
        store: &Store,
        email: &Email,
        address: IpAddr,
        now: DateTime<Utc>,
    ) -> AppResult<LoginReservation> {
        let host = address_key(address);
        let attempts = rate_limits::key(&format!("login-attempts:{host}"));
        let attempts_shape =
            Shape::Window { limit: self.settings.address_attempts_per_minute, window: Duration::minutes(1) };
        if let Err(wait) = rate_limits::take(store.conn(), &attempts, attempts_shape, now).await? {
            return Err(throttled("login attempts per address", &host, wait));
        }
        let familiar = familiar_key(email, &host);
        let is_familiar = rate_limits::is_marked(store.conn(), &familiar, now).await?;
        let reservation = LoginReservation {
            account: rate_limits::key(&format!("login-account:{}|{host}", email.as_str())),
            address: rate_limits::key(&format!("login-address:{host}")),
            unfamiliar: (!is_familiar).then(|| rate_limits::key(&format!("login-unfamiliar:{}", email.as_str()))),
            familiar,
        };
        let buckets = self.buckets(&reservation);
        for (taken, (key, shape)) in buckets.iter().enumerate() {
            if let Err(wait) = rate_limits::take(store.conn(), key, *shape, now).await? {
                // The attempt did not happen: it must not count in the buckets already taken.
                for (key, shape) in &buckets[..taken] {
                    rate_limits::give_back(store.conn(), key, *shape, Refund::NotAttempted).await?;
                }
                return Err(throttled("login failures", &host, wait));
            }
        }
        Ok(reservation)
    }

    /// The password was right: the account's buckets start over, the address gets its attempt
    /// back, and the address becomes familiar for this account.
    pub async fn succeeded(&self, store: &Store, reservation: LoginReservation, now: DateTime<Utc>) -> AppResult<()> {
        mark_familiar(store, &reservation.familiar, now).await?;
        self.give_back(store, reservation, Refund::Succeeded).await
    }

    /// The password was never checked (the hashing queue was full, the database failed): the
    /// attempt must not count against the owner.
    pub async fn not_attempted(&self, store: &Store, reservation: LoginReservation) -> AppResult<()> {
        self.give_back(store, reservation, Refund::NotAttempted).await
    }

    async fn give_back(&self, store: &Store, reservation: LoginReservation, why: Refund) -> AppResult<()> {
        for (key, shape) in self.buckets(&reservation) {
            rate_limits::give_back(store.conn(), key, shape, why).await?;
        }
        Ok(())
    }

    /// Counts one sign-up from `address`.
    pub async fn sign_up(&self, store: &Store, address: IpAddr, now: DateTime<Utc>) -> AppResult<()> {
        let key = rate_limits::key(&format!("sign-up:{}", address_key(address)));
        let shape = Shape::Window { limit: self.settings.sign_ups, window: self.settings.sign_up_window };
        let host = address_key(address);
        rate_limits::take(store.conn(), &key, shape, now).await?.map_err(|wait| throttled("sign-ups", &host, wait))
    }

    /// Makes `address` familiar for `email` (a sign-up): logins from it are never slowed by
    /// failures from elsewhere.
    pub async fn make_familiar(
        &self,
        store: &Store,
        email: &Email,
        address: IpAddr,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        mark_familiar(store, &familiar_key(email, &address_key(address)), now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_key_ipv6_by_prefix_and_mapped_ipv4_as_ipv4() {
        assert_eq!(address_key("203.0.113.9".parse().unwrap()), "203.0.113.9");
        assert_eq!(address_key("2001:db8:1:2:aaaa::1".parse().unwrap()), "2001:db8:1:2::/64");
        assert_eq!(address_key("2001:db8:1:2:bbbb::7".parse().unwrap()), "2001:db8:1:2::/64");
        assert_eq!(address_key("::ffff:203.0.113.9".parse().unwrap()), "203.0.113.9");
    }
}
