//! Signed report links: a URL that opens one organization's report, for one period, without a
//! bearer token, until it expires. The link names the member who made it; it opens only while
//! they are still a member allowed to read the report, and stops when they log out everywhere.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::jwt::{ISSUER, JwtError, JwtKeys};

/// The audience of report links: never an access token's.
pub const AUDIENCE: &str = "handoff-api/report";
/// The longest a link may live.
pub const MAX_MINUTES: i64 = 7 * 24 * 60;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    org: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    to: Option<String>,
    iat: i64,
    exp: i64,
    iss: String,
    aud: String,
}

/// What a link grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLink {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    /// The period as the link's URL gives it (`?from=&to=`); the link holds only that period.
    pub from: Option<String>,
    pub to: Option<String>,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub fn sign(keys: &JwtKeys, link: &ReportLink) -> Result<String, JwtError> {
    keys.sign_other(&Claims {
        sub: link.user_id.to_string(),
        org: link.organization_id.to_string(),
        from: link.from.clone(),
        to: link.to.clone(),
        iat: link.issued_at.timestamp(),
        exp: link.expires_at.timestamp(),
        iss: ISSUER.to_owned(),
        aud: AUDIENCE.to_owned(),
    })
}

pub fn verify(keys: &JwtKeys, token: &str) -> Result<ReportLink, JwtError> {
    let claims: Claims = keys.verify_other(token, AUDIENCE)?;
    let id = |text: &str| Uuid::parse_str(text).map_err(|_| JwtError::Invalid("an id is malformed".into()));
    let time =
        |s: i64| DateTime::from_timestamp(s, 0).ok_or_else(|| JwtError::Invalid("a time is out of range".into()));
    Ok(ReportLink {
        user_id: id(&claims.sub)?,
        organization_id: id(&claims.org)?,
        from: claims.from,
        to: claims.to,
        issued_at: time(claims.iat)?,
        expires_at: time(claims.exp)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(b"a-test-secret-that-is-long-enough-000", chrono::Duration::minutes(5))
    }

    fn link(expires_in: chrono::Duration) -> ReportLink {
        let now = Utc::now();
        ReportLink {
            user_id: Uuid::now_v7(),
            organization_id: Uuid::now_v7(),
            from: Some("2026-01-01".into()),
            to: None,
            issued_at: DateTime::from_timestamp(now.timestamp(), 0).unwrap(),
            expires_at: DateTime::from_timestamp((now + expires_in).timestamp(), 0).unwrap(),
        }
    }

    #[test]
    fn a_link_round_trips_and_is_no_access_token() {
        let link = link(chrono::Duration::hours(1));
        let token = sign(&keys(), &link).unwrap();
        assert_eq!(verify(&keys(), &token).unwrap(), link);
        assert!(keys().verify(&token).is_err(), "a link is not an access token");
        let (access, _) = keys().issue(Uuid::now_v7(), Uuid::now_v7(), Utc::now()).unwrap();
        assert!(verify(&keys(), &access).is_err(), "an access token is not a link");
    }

    #[test]
    fn expired_or_foreign_links_are_refused() {
        let expired = sign(&keys(), &link(chrono::Duration::minutes(-10))).unwrap();
        assert!(matches!(verify(&keys(), &expired), Err(JwtError::Expired)));
        let other = JwtKeys::new(b"another-secret-that-is-long-enough-0", chrono::Duration::minutes(5));
        let foreign = sign(&other, &link(chrono::Duration::hours(1))).unwrap();
        assert!(verify(&keys(), &foreign).is_err());
    }
}
