//! Access tokens: HS256 JWTs with the algorithm, issuer, audience and expiry pinned.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const ISSUER: &str = "handoff-api";
pub const AUDIENCE: &str = "handoff-api";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    /// The session the token was issued in; ending the session ends the token.
    sid: String,
    iat: i64,
    exp: i64,
    iss: String,
    aud: String,
}

#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    #[error("the access token could not be signed: {0}")]
    Sign(jsonwebtoken::errors::Error),
    #[error("the access token is invalid: {0}")]
    Invalid(String),
    #[error("the access token expired")]
    Expired,
}

/// What a verified access token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessClaims {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The signing keys and the checks a token must pass. Cloned for every request and every
/// WebSocket connection, so the parts (two keys, the validation's claim sets) are shared.
#[derive(Clone)]
pub struct JwtKeys(std::sync::Arc<Keys>);

struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: chrono::Duration,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl: chrono::Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // Clocks of one deployment agree closely; a minute of grace would extend every token.
        validation.leeway = 5;
        validation.validate_nbf = true;
        Self(std::sync::Arc::new(Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }))
    }

    /// Signs a token for `user_id` in session `session_id`, valid from `now` for the configured
    /// lifetime.
    pub fn issue(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), JwtError> {
        let expires_at = now + self.0.ttl;
        let claims = Claims {
            sub: user_id.to_string(),
            sid: session_id.to_string(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
        };
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.0.encoding).map_err(JwtError::Sign)?;
        Ok((token, expires_at))
    }

    /// The claims of a token that passes every check.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, JwtError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.0.decoding, &self.0.validation).map_err(|e| {
            // Only a token whose signature checked out is "expired": a client may then refresh.
            match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => JwtError::Expired,
                _ => JwtError::Invalid(e.to_string()),
            }
        })?;
        let id = |text: &str, what: &str| {
            Uuid::parse_str(text).map_err(|_| JwtError::Invalid(format!("the {what} is not an id")))
        };
        let time = |seconds: i64| {
            DateTime::from_timestamp(seconds, 0).ok_or_else(|| JwtError::Invalid("a time is out of range".into()))
        };
        Ok(AccessClaims {
            user_id: id(&data.claims.sub, "subject")?,
            session_id: id(&data.claims.sid, "session")?,
            issued_at: time(data.claims.iat)?,
            expires_at: time(data.claims.exp)?,
        })
    }

    /// Signs `claims` with the same key for another use than access. `claims` carries its own
    /// `aud`, which must not be [`AUDIENCE`]: no such token is ever an access token.
    pub fn sign_other<T: Serialize>(&self, claims: &T) -> Result<String, JwtError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.0.encoding).map_err(JwtError::Sign)
    }

    /// The claims of a token signed by [`JwtKeys::sign_other`] for `audience`, once its signature,
    /// issuer, audience and expiry pass.
    pub fn verify_other<T: serde::de::DeserializeOwned>(&self, token: &str, audience: &str) -> Result<T, JwtError> {
        debug_assert_ne!(audience, AUDIENCE);
        let mut validation = self.0.validation.clone();
        validation.set_audience(&[audience]);
        match jsonwebtoken::decode::<T>(token, &self.0.decoding, &validation) {
            Ok(data) => Ok(data.claims),
            Err(e) if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) => Err(JwtError::Expired),
            Err(e) => Err(JwtError::Invalid(e.to_string())),
        }
    }

    /// Signs and verifies one token: a crypto backend missing at build time shows up at start,
    /// not at the first login.
    pub fn self_check(&self) -> Result<(), JwtError> {
        let id = Uuid::now_v7();
        let (token, _) = self.issue(id, id, Utc::now())?;
        match self.verify(&token)? {
            verified if verified.user_id == id && verified.session_id == id => Ok(()),
            _ => Err(JwtError::Invalid("self-check returned another subject".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(b"a-test-secret-that-is-long-enough-000", chrono::Duration::minutes(5))
    }

    #[test]
    fn a_token_round_trips() {
        keys().self_check().unwrap();
    }

    #[test]
    fn an_expired_token_is_refused() {
        let k = keys();
        let (token, _) = k.issue(Uuid::now_v7(), Uuid::now_v7(), Utc::now() - chrono::Duration::hours(1)).unwrap();
        assert!(k.verify(&token).is_err());
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let other = JwtKeys::new(b"another-secret-that-is-long-enough-0", chrono::Duration::minutes(5));
        let (token, _) = other.issue(Uuid::now_v7(), Uuid::now_v7(), Utc::now()).unwrap();
        assert!(keys().verify(&token).is_err());
    }
}
