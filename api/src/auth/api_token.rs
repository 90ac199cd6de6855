//! API token secrets: random, shown once, stored as a SHA-256 digest.
//! A digest (not argon2) is enough: the secret carries 256 bits of entropy, so it cannot be guessed,
//! and a digest lets a request find its token with one indexed lookup.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Every API token starts with this, so tokens are recognisable in logs and secret scanners
/// and are told apart from JWTs without trying to decode them.
pub const PREFIX: &str = "hsk_";

pub struct NewSecret {
    pub plain: String,
    pub digest: String,
    pub display_prefix: String,
}

pub fn generate() -> NewSecret {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let plain = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    NewSecret { digest: digest(&plain), display_prefix: plain.chars().take(10).collect(), plain }
}

pub fn digest(plain: &str) -> String {
    let hash = Sha256::digest(plain.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn looks_like_api_token(bearer: &str) -> bool {
    bearer.starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_prefixed_and_digested() {
        let a = generate();
        let b = generate();
        assert_ne!(a.plain, b.plain);
        assert!(looks_like_api_token(&a.plain));
        assert_eq!(a.digest, digest(&a.plain));
        assert_eq!(a.digest.len(), 64);
        assert!(a.plain.starts_with(&a.display_prefix));
    }
}
