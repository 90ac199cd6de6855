//! Where an invitation stands, decided from its times alone.

use chrono::{DateTime, Utc};

/// How long an invitation stays open unless the server is told otherwise.
pub const DEFAULT_INVITATION_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationState {
    /// Open: its secret can still be accepted.
    Pending,
    Accepted,
    /// Revoked by an ADMIN, or replaced by a newer invitation to the same address.
    Revoked,
    Expired,
}

/// The state at `now`. Acceptance and revocation are final and win over expiry.
pub fn state(
    accepted_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> InvitationState {
    match (accepted_at, revoked_at) {
        (Some(_), _) => InvitationState::Accepted,
        (None, Some(_)) => InvitationState::Revoked,
        (None, None) if now >= expires_at => InvitationState::Expired,
        (None, None) => InvitationState::Pending,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn an_invitation_is_open_until_it_is_accepted_revoked_or_expires() {
        let now = Utc::now();
        let later = now + Duration::days(7);
        assert_eq!(state(None, None, later, now), InvitationState::Pending);
        assert_eq!(state(None, None, later, later), InvitationState::Expired, "the expiry instant is past");
        assert_eq!(state(Some(now), None, later, later + Duration::days(1)), InvitationState::Accepted);
        assert_eq!(state(None, Some(now), later, now), InvitationState::Revoked);
    }
}
