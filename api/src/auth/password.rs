//! argon2id hashing at OWASP's recommended cost (19 MiB, t=2, p=1: the crate's defaults),
//! always off the async runtime.

use std::sync::LazyLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

use crate::domain::NewPassword;

/// A hash of a random string, verified against when the email is unknown so that an unknown
/// email and a wrong password take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    Argon2::default()
        .hash_password(uuid::Uuid::new_v4().as_bytes())
        .expect("argon2 hashes with its default parameters")
        .to_string()
});

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Hashes waiting or running at once, per core. Past this the queue is full and the caller is told
/// to come back (RATE_LIMITED) at once, rather than waiting behind a flood.
pub const QUEUED_PER_CORE: usize = 8;

/// One server's hashing capacity: at most one hash per core runs at a time, so a burst of logins
/// cannot starve the server, and a bounded number may wait.
#[derive(Clone)]
pub struct Hasher {
    running: std::sync::Arc<Semaphore>,
    queue: std::sync::Arc<Semaphore>,
}

impl Default for Hasher {
    fn default() -> Self {
        Self {
            running: std::sync::Arc::new(Semaphore::new(cores())),
            queue: std::sync::Arc::new(Semaphore::new(cores() * QUEUED_PER_CORE)),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("argon2 failed: {0}")]
    Hash(String),
    #[error("hashing task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("too many passwords are being hashed; try again shortly")]
    Busy,
}

impl Hasher {
    /// A place in the bounded queue, then a hashing permit.
    async fn turn(
        &self,
    ) -> Result<(tokio::sync::SemaphorePermit<'_>, tokio::sync::SemaphorePermit<'_>), PasswordError> {
        let queued = self.queue.try_acquire().map_err(|_| PasswordError::Busy)?;
        let permit = self.running.acquire().await.map_err(|e| PasswordError::Hash(e.to_string()))?;
        Ok((queued, permit))
    }

    pub async fn hash(&self, password: &NewPassword) -> Result<String, PasswordError> {
        let _turn = self.turn().await?;
        let plain = password.expose().to_owned();
        tokio::task::spawn_blocking(move || {
            Argon2::default()
                .hash_password(plain.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| PasswordError::Hash(e.to_string()))
        })
        .await?
    }

    /// Checks `plain` against a stored hash, or against a dummy hash when there is none.
    /// Returns false for a wrong password, a missing account, or an unreadable stored hash.
    pub async fn verify(&self, plain: &str, stored: Option<String>) -> Result<bool, PasswordError> {
        let _turn = self.turn().await?;
        let plain = plain.to_owned();
        let known = stored.is_some();
        let result = tokio::task::spawn_blocking(move || {
            let hash = stored.unwrap_or_else(|| DUMMY_HASH.clone());
            Argon2::default().verify_password(plain.as_bytes(), hash.as_str()).is_ok()
        })
        .await?;
        Ok(known && result)
    }
}

/// Computes the dummy hash ahead of the first login so that login's timing does not depend on it.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let pw = NewPassword::parse("correct horse battery").unwrap();
        let hasher = Hasher::default();
        let stored = hasher.hash(&pw).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher.verify("correct horse battery", Some(stored.clone())).await.unwrap());
        assert!(!hasher.verify("wrong horse battery", Some(stored)).await.unwrap());
        assert!(!hasher.verify("correct horse battery", None).await.unwrap());
    }
}
