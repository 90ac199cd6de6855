//! What presenting a refresh token means, decided from the token and its session.

use chrono::{DateTime, Duration, Utc};

/// A session left unused this long ends; each refresh starts the period again.
pub const DEFAULT_SESSION_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// The token is current: spend it and issue the next one.
    Rotate,
    /// The token was spent already: someone else holds a copy, so the whole session ends.
    Reused,
    /// The session ended (logout, password change, earlier theft) or lapsed.
    Ended,
}

pub fn decide(token_used: bool, session_ended: bool, session_expires_at: DateTime<Utc>, now: DateTime<Utc>) -> Refresh {
    if session_ended || now >= session_expires_at {
        Refresh::Ended
    } else if token_used {
        Refresh::Reused
    } else {
        Refresh::Rotate
    }
}

/// The session's new expiry after a refresh at `now`.
pub fn slid(now: DateTime<Utc>, lifetime: Duration) -> DateTime<Utc> {
    now + lifetime
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spent_token_ends_a_live_session_and_an_ended_one_stays_ended() {
        let now = Utc::now();
        let open = now + Duration::days(30);
        assert_eq!(decide(false, false, open, now), Refresh::Rotate);
        assert_eq!(decide(true, false, open, now), Refresh::Reused);
        assert_eq!(decide(false, true, open, now), Refresh::Ended);
        assert_eq!(decide(true, true, open, now), Refresh::Ended);
        assert_eq!(decide(false, false, now, now), Refresh::Ended, "lapsed at its expiry");
        assert_eq!(slid(now, Duration::days(30)), open);
    }
}
