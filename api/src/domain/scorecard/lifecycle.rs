use chrono::{DateTime, Duration, Utc};

/// Where a handoff is in its life: DRAFT → SENT (landed) → ACCEPTED or DECLINED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandoffStatus {
    Draft,
    Sent,
    Accepted,
    Declined,
}

impl HandoffStatus {
    pub fn code(self) -> &'static str {
        match self {
            HandoffStatus::Draft => "DRAFT",
            HandoffStatus::Sent => "SENT",
            HandoffStatus::Accepted => "ACCEPTED",
            HandoffStatus::Declined => "DECLINED",
        }
    }

    /// Accepted or declined: no further decision is possible.
    pub fn is_final(self) -> bool {
        matches!(self, HandoffStatus::Accepted | HandoffStatus::Declined)
    }
}

/// Why a handoff's packet may not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frozen {
    Archived,
    /// Once sent, only its grades change.
    Sent,
}

impl Frozen {
    pub fn message(self) -> &'static str {
        match self {
            Frozen::Archived => "the handoff is archived",
            Frozen::Sent => "a sent handoff cannot change, apart from its grades",
        }
    }
}

/// Whether the packet may still change (and be sent): a draft that is not archived.
pub fn editable(status: HandoffStatus, archived: bool) -> Result<(), Frozen> {
    if archived {
        Err(Frozen::Archived)
    } else if status != HandoffStatus::Draft {
        Err(Frozen::Sent)
    } else {
        Ok(())
    }
}

/// What the addressed seller does with a handoff that landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Accept,
    Decline,
    /// A sign the packet was incomplete; the handoff stays open.
    RequestClarification,
}

impl Decision {
    /// The contract name, e.g. `REQUEST_CLARIFICATION`.
    pub fn code(self) -> &'static str {
        match self {
            Decision::Accept => "ACCEPT",
            Decision::Decline => "DECLINE",
            Decision::RequestClarification => "REQUEST_CLARIFICATION",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionError {
    /// Only a sent handoff can be answered.
    NotSent,
    /// It was already accepted or declined.
    AlreadyDecided(HandoffStatus),
}

/// The status after `decision`.
pub fn decide(status: HandoffStatus, decision: Decision) -> Result<HandoffStatus, DecisionError> {
    match (status, decision) {
        (HandoffStatus::Draft, _) => Err(DecisionError::NotSent),
        (s, _) if s.is_final() => Err(DecisionError::AlreadyDecided(s)),
        (_, Decision::Accept) => Ok(HandoffStatus::Accepted),
        (_, Decision::Decline) => Ok(HandoffStatus::Declined),
        (s, Decision::RequestClarification) => Ok(s),
    }
}

/// When the seller is expected to have decided.
pub fn respond_by(sent_at: DateTime<Utc>, response_window_days: u16) -> DateTime<Utc> {
    sent_at + Duration::days(i64::from(response_window_days))
}

/// A sent handoff with no decision after its response window: silence.
pub fn is_overdue(status: HandoffStatus, respond_by: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    status == HandoffStatus::Sent && respond_by.is_some_and(|deadline| now > deadline)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::*;
    use HandoffStatus::*;

    #[test]
    fn a_sent_handoff_can_be_accepted_or_declined_once() {
        assert_eq!(decide(Sent, Accept), Ok(Accepted));
        assert_eq!(decide(Sent, Decline), Ok(Declined));
        assert_eq!(decide(Accepted, Decline), Err(DecisionError::AlreadyDecided(Accepted)));
        assert_eq!(decide(Declined, Accept), Err(DecisionError::AlreadyDecided(Declined)));
    }

    #[test]
    fn clarification_keeps_the_handoff_open() {
        assert_eq!(decide(Sent, RequestClarification), Ok(Sent));
        assert_eq!(decide(Accepted, RequestClarification), Err(DecisionError::AlreadyDecided(Accepted)));
    }

    #[test]
    fn a_draft_cannot_be_answered() {
        for d in [Accept, Decline, RequestClarification] {
            assert_eq!(decide(Draft, d), Err(DecisionError::NotSent));
        }
    }

    #[test]
    fn a_sent_handoff_is_overdue_only_after_its_window() {
        let sent = DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z").unwrap().with_timezone(&Utc);
        let deadline = respond_by(sent, 3);
        assert_eq!(deadline, DateTime::parse_from_rfc3339("2026-03-05T09:00:00Z").unwrap().with_timezone(&Utc));
        assert!(!is_overdue(Sent, Some(deadline), deadline));
        assert!(is_overdue(Sent, Some(deadline), deadline + Duration::seconds(1)));
        assert!(!is_overdue(Accepted, Some(deadline), deadline + Duration::days(9)));
        assert!(!is_overdue(Draft, None, deadline + Duration::days(9)));
    }
}
