//! Webhook signing secrets at rest: sealed with AES-256-GCM under a named key, bound to their
//! endpoint. Several keys may be configured; the first seals, all open, so a key can rotate: add a
//! new one in front, restart (the server re-seals every secret under it), then drop the old one.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const NONCE_BYTES: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretBoxError {
    #[error("no key named `{0}` is configured (WEBHOOK_SECRET_KEYS)")]
    UnknownKey(String),
    #[error("the sealed secret is damaged or belongs to another endpoint")]
    Damaged,
    #[error("WEBHOOK_SECRET_KEYS entries are `id:key` with a non-empty id of at most 40 characters: {0}")]
    BadEntry(String),
}

/// The configured keys.
#[derive(Clone)]
pub struct SecretBox {
    /// (id, cipher), the first one seals.
    keys: Vec<(String, Aes256Gcm)>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("SecretBox").field("key_ids", &ids).finish()
    }
}

impl SecretBox {
    /// Keys from `(id, material)` pairs; each AES key is the SHA-256 of its material, so any
    /// high-entropy text of at least 32 bytes serves.
    pub fn new(keys: &[(String, String)]) -> Result<Self, SecretBoxError> {
        let mut built = Vec::new();
        for (id, material) in keys {
            if id.is_empty() || id.len() > 40 || material.is_empty() {
                return Err(SecretBoxError::BadEntry(id.clone()));
            }
            let key = Sha256::digest(material.as_bytes());
            built.push((id.clone(), Aes256Gcm::new_from_slice(&key).expect("a 32-byte key")));
        }
        if built.is_empty() {
            return Err(SecretBoxError::BadEntry("no key given".into()));
        }
        Ok(Self { keys: built })
    }

    /// Parses `id:material,id:material`.
    pub fn parse(setting: &str) -> Result<Vec<(String, String)>, SecretBoxError> {
        setting
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|entry| match entry.split_once(':') {
                Some((id, material)) => Ok((id.trim().to_owned(), material.trim().to_owned())),
                None => Err(SecretBoxError::BadEntry(entry.chars().take(8).collect::<String>() + "…")),
            })
            .collect()
    }

    /// The key new secrets are sealed with.
    pub fn current_key_id(&self) -> &str {
        &self.keys[0].0
    }

    /// Seals `plain` for `endpoint`: returns the key id and base64 of nonce and ciphertext.
    pub fn seal(&self, endpoint: Uuid, plain: &str) -> (String, String) {
        let (id, cipher) = &self.keys[0];
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: plain.as_bytes(), aad: endpoint.as_bytes() })
            .expect("encrypting in memory does not fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        (id.clone(), STANDARD.encode(out))
    }

    /// Opens a secret sealed for `endpoint` under `key_id`.
    pub fn open(&self, endpoint: Uuid, key_id: &str, sealed: &str) -> Result<String, SecretBoxError> {
        let (_, cipher) = self
            .keys
            .iter()
            .find(|(id, _)| id == key_id)
            .ok_or_else(|| SecretBoxError::UnknownKey(key_id.to_owned()))?;
        let bytes = STANDARD.decode(sealed).map_err(|_| SecretBoxError::Damaged)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(SecretBoxError::Damaged);
        }
        let (nonce, body) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| SecretBoxError::Damaged)?;
        let plain = cipher
            .decrypt(&Nonce::from(nonce), Payload { msg: body, aad: endpoint.as_bytes() })
            .map_err(|_| SecretBoxError::Damaged)?;
        String::from_utf8(plain).map_err(|_| SecretBoxError::Damaged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[(&str, &str)]) -> SecretBox {
        SecretBox::new(&list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn a_secret_opens_only_for_its_endpoint_and_under_a_configured_key() {
        let old = keys(&[("k1", "first key material, long and random enough")]);
        let endpoint = Uuid::now_v7();
        let (id, sealed) = old.seal(endpoint, "whsec_abc");
        assert_eq!(id, "k1");
        assert!(!sealed.contains("whsec_abc"));
        assert_eq!(old.open(endpoint, &id, &sealed).unwrap(), "whsec_abc");
        assert_eq!(old.open(Uuid::now_v7(), &id, &sealed), Err(SecretBoxError::Damaged), "bound to its endpoint");
        let mut tampered = STANDARD.decode(&sealed).unwrap();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(old.open(endpoint, &id, &STANDARD.encode(tampered)), Err(SecretBoxError::Damaged));
        // Rotation: a new key seals, the old one still opens what it sealed.
        let rotated = keys(&[
            ("k2", "second key material, also long and random"),
            ("k1", "first key material, long and random enough"),
        ]);
        assert_eq!(rotated.open(endpoint, "k1", &sealed).unwrap(), "whsec_abc");
        assert_eq!(rotated.seal(endpoint, "x").0, "k2");
        let new_only = keys(&[("k2", "second key material, also long and random")]);
        assert_eq!(new_only.open(endpoint, "k1", &sealed), Err(SecretBoxError::UnknownKey("k1".into())));
    }

    #[test]
    fn the_setting_lists_id_and_key_pairs() {
        let parsed = SecretBox::parse("k2:abc, k1:def").unwrap();
        assert_eq!(parsed, vec![("k2".into(), "abc".into()), ("k1".into(), "def".into())]);
        assert!(SecretBox::parse("no-colon").is_err());
    }
}
