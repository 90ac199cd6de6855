//! Opaque secrets the server hands out once (API tokens, refresh tokens, invitations, webhook
//! signing secrets): 32 random bytes behind a prefix that names their kind, stored as a SHA-256
//! digest. A digest (not argon2) is enough: 256 bits of entropy cannot be guessed, and a digest
//! lets a request find its row with one indexed lookup.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The kinds, recognisable in logs and by secret scanners, and told apart without a lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ApiToken,
    RefreshToken,
    Invitation,
    WebhookSecret,
}

impl Kind {
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::ApiToken => "hsk_",
            Kind::RefreshToken => "hsr_",
            Kind::Invitation => "hsi_",
            Kind::WebhookSecret => "whsec_",
        }
    }

    /// Whether `secret` is shaped like one of this kind (a cheap check before any lookup).
    pub fn matches(self, secret: &str) -> bool {
        secret.strip_prefix(self.prefix()).is_some_and(|rest| rest.len() == ENCODED_LEN)
    }
}

/// Base64url length of 32 bytes without padding.
const ENCODED_LEN: usize = 43;

pub struct NewSecret {
    pub plain: String,
    pub digest: String,
    pub display_prefix: String,
}

pub fn generate(kind: Kind) -> NewSecret {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let plain = format!("{}{}", kind.prefix(), URL_SAFE_NO_PAD.encode(bytes));
    NewSecret { digest: digest(&plain), display_prefix: plain.chars().take(10).collect(), plain }
}

pub fn digest(plain: &str) -> String {
    let hash = Sha256::digest(plain.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn looks_like_api_token(bearer: &str) -> bool {
    bearer.starts_with(Kind::ApiToken.prefix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_prefixed_and_digested() {
        let a = generate(Kind::ApiToken);
        let b = generate(Kind::ApiToken);
        assert_ne!(a.plain, b.plain);
        assert!(looks_like_api_token(&a.plain));
        assert_eq!(a.digest, digest(&a.plain));
        assert_eq!(a.digest.len(), 64);
        assert!(a.plain.starts_with(&a.display_prefix));
    }

    #[test]
    fn each_kind_recognises_only_its_own_shape() {
        let refresh = generate(Kind::RefreshToken).plain;
        assert!(Kind::RefreshToken.matches(&refresh));
        assert!(!Kind::Invitation.matches(&refresh));
        assert!(!Kind::RefreshToken.matches(&refresh[..refresh.len() - 1]));
        assert!(!Kind::RefreshToken.matches(&format!("{refresh}x")));
    }
}
