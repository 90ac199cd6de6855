//! Handoff events as values: what happened to which handoff, and when. A change records its event
//! in its own transaction (`store::events`); fan-out to subscribers and webhooks reads the stored
//! events (`crate::events`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Days events are kept unless configured otherwise.
pub const DEFAULT_RETENTION_DAYS: i64 = 7;

/// What happened to a handoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandoffEventKind {
    /// Sent: it landed with the seller.
    Landed,
    /// The seller accepted, declined or asked for clarification.
    Responded,
    /// Someone graded it.
    Graded,
    /// It passed `respondBy` without a decision.
    Overdue,
}

impl HandoffEventKind {
    pub const ALL: [HandoffEventKind; 4] =
        [HandoffEventKind::Landed, HandoffEventKind::Responded, HandoffEventKind::Graded, HandoffEventKind::Overdue];

    /// The contract name, e.g. `LANDED`.
    pub fn code(self) -> &'static str {
        match self {
            HandoffEventKind::Landed => "LANDED",
            HandoffEventKind::Responded => "RESPONDED",
            HandoffEventKind::Graded => "GRADED",
            HandoffEventKind::Overdue => "OVERDUE",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One event: which handoff, what happened, when. Subscribers read the handoff themselves, with
/// their own current rights, before delivering it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffEvent {
    pub organization_id: Uuid,
    pub handoff_id: Uuid,
    pub kind: HandoffEventKind,
    pub at: DateTime<Utc>,
    /// The seller's answer a RESPONDED event reports.
    pub response_id: Option<Uuid>,
}

impl HandoffEvent {
    pub fn new(organization_id: Uuid, handoff_id: Uuid, kind: HandoffEventKind, at: DateTime<Utc>) -> Self {
        Self { organization_id, handoff_id, kind, at, response_id: None }
    }

    /// A RESPONDED event reporting the answer `response_id`.
    pub fn responded(organization_id: Uuid, handoff_id: Uuid, response_id: Uuid, at: DateTime<Utc>) -> Self {
        Self {
            response_id: Some(response_id),
            ..Self::new(organization_id, handoff_id, HandoffEventKind::Responded, at)
        }
    }
}

/// A stored event: its place in commit order and its id (the webhook idempotency key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: i64,
    pub id: Uuid,
    pub event: HandoffEvent,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_contract_names() {
        for kind in HandoffEventKind::ALL {
            assert_eq!(HandoffEventKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(HandoffEventKind::from_code("landed"), None);
    }
}
