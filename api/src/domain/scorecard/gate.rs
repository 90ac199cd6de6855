//! The send gate: whether a handoff may go out now, and if not, every reason why in words that say
//! what would fix it.

use chrono::{DateTime, Utc};

use super::lifecycle::{Frozen, editable};
use super::{Band, Component, Grade, GradeSet, HandoffStatus, respond_by};

/// What an organization asks of every handoff before it goes out: the agreed working agreement's
/// minimum score and required components, or the organization's own minimum when none is agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendRules {
    pub minimum_score: u8,
    pub required: Vec<Component>,
}

impl SendRules {
    /// The rules in force: an agreed working agreement's minimum and required components replace
    /// the organization's own minimum.
    pub fn in_force(organization_minimum: u8, agreed: Option<SendRules>) -> Self {
        agreed.unwrap_or(SendRules { minimum_score: organization_minimum, required: Vec::new() })
    }

    /// The check of a handoff graded `grades`; the rest of what the gate looks at is the caller's.
    pub fn check(&self, grades: &GradeSet, packet: Packet) -> SendCheck {
        SendCheck {
            score: grades.score(),
            minimum_score: self.minimum_score,
            required_missing: self.required.iter().copied().filter(|c| grades.get(*c) == Grade::Missing).collect(),
            has_seller: packet.has_seller,
            has_owner: packet.has_owner,
            has_next_action: packet.has_next_action,
            has_response_window: packet.response_window_days.is_some(),
        }
    }
}

/// Which of the people and terms a handoff must name before sending it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet {
    /// A seller is addressed, and is a SELLER of the organization.
    pub has_seller: bool,
    pub has_owner: bool,
    pub has_next_action: bool,
    pub response_window_days: Option<u16>,
}

/// Everything the gate decides a send on, gathered in one read of the locked handoff.
#[derive(Debug, Clone)]
pub struct SendFacts {
    pub status: HandoffStatus,
    pub archived: bool,
    pub grades: GradeSet,
    pub rules: SendRules,
    pub packet: Packet,
}

/// A send the gate let through: when it landed and when the seller's answer is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sending {
    pub sent_at: DateTime<Utc>,
    pub respond_by: DateTime<Utc>,
}

/// Why the gate refused a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendRefusal {
    /// Only a draft that is not archived is sent, once.
    Frozen(Frozen),
    /// The handoff is not ready; every blocker is listed.
    Blocked(Vec<SendBlocker>),
}

impl SendRefusal {
    pub fn message(&self) -> String {
        match self {
            SendRefusal::Frozen(frozen) => frozen.message().into(),
            SendRefusal::Blocked(blockers) => blocked_message(blockers),
        }
    }
}

/// The refusal of a handoff that is not ready, every blocker in one sentence.
pub fn blocked_message(blockers: &[SendBlocker]) -> String {
    let reasons: Vec<String> = blockers.iter().map(|b| b.describe()).collect();
    format!("the handoff cannot be sent yet: {}", reasons.join("; "))
}

/// Whether the handoff goes out `now`: an editable draft with no blocker. The answer is due a
/// response window after sending.
pub fn decide(facts: &SendFacts, now: DateTime<Utc>) -> Result<Sending, SendRefusal> {
    editable(facts.status, facts.archived).map_err(SendRefusal::Frozen)?;
    let blockers = check_send(facts.rules.check(&facts.grades, facts.packet));
    match facts.packet.response_window_days {
        Some(window) if blockers.is_empty() => Ok(Sending { sent_at: now, respond_by: respond_by(now, window) }),
        _ => Err(SendRefusal::Blocked(blockers)),
    }
}

/// What the send gate looks at.
#[derive(Debug, Clone)]
pub struct SendCheck {
    pub score: u8,
    /// The organization's minimum score to send (9 unless changed).
    pub minimum_score: u8,
    /// Components the working agreement requires that are graded MISSING.
    pub required_missing: Vec<Component>,
    pub has_seller: bool,
    pub has_owner: bool,
    pub has_next_action: bool,
    pub has_response_window: bool,
}

/// Why a handoff may not be sent yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendBlocker {
    /// The working agreement requires this component and it is MISSING.
    RequiredComponentMissing(Component),
    /// NOT_A_HANDOFF_YET never goes out: it reads as a lead dump.
    NotAHandoffYet,
    BelowMinimumScore {
        score: u8,
        minimum: u8,
    },
    NoSeller,
    NoOwner,
    NoNextAction,
    NoResponseWindow,
}

impl SendBlocker {
    /// What is missing, in a sentence that says what would fix it.
    pub fn describe(self) -> String {
        match self {
            SendBlocker::NotAHandoffYet => {
                "the score is in NOT_A_HANDOFF_YET (0 to 8), which never goes out: rebuild the packet".into()
            }
            SendBlocker::BelowMinimumScore { score, minimum } => format!(
                "the score {score} is {} short of the minimum score to send ({minimum})",
                points(minimum.saturating_sub(score))
            ),
            SendBlocker::RequiredComponentMissing(c) => {
                format!("the working agreement requires {} and it is graded MISSING", c.code())
            }
            SendBlocker::NoSeller => "no seller is addressed (`sellerId` must name a SELLER)".into(),
            SendBlocker::NoOwner => "no owner is named (`ownerId`)".into(),
            SendBlocker::NoNextAction => "no next action is set (`nextAction`)".into(),
            SendBlocker::NoResponseWindow => "no response window is set (`responseWindowDays`)".into(),
        }
    }

    /// Points still needed to reach the minimum score, for a score below it.
    pub fn gap(self) -> Option<u8> {
        match self {
            SendBlocker::BelowMinimumScore { score, minimum } => Some(minimum.saturating_sub(score)),
            _ => None,
        }
    }
}

fn points(n: u8) -> String {
    if n == 1 { "1 point".into() } else { format!("{n} points") }
}

/// Every reason the handoff may not be sent; empty means it may go.
pub fn check_send(check: SendCheck) -> Vec<SendBlocker> {
    let mut blockers = Vec::new();
    if Band::for_score(check.score) == Band::NotAHandoffYet {
        blockers.push(SendBlocker::NotAHandoffYet);
    }
    if check.score < check.minimum_score {
        blockers.push(SendBlocker::BelowMinimumScore { score: check.score, minimum: check.minimum_score });
    }
    blockers.extend(check.required_missing.iter().map(|c| SendBlocker::RequiredComponentMissing(*c)));
    for (present, blocker) in [
        (check.has_seller, SendBlocker::NoSeller),
        (check.has_owner, SendBlocker::NoOwner),
        (check.has_next_action, SendBlocker::NoNextAction),
        (check.has_response_window, SendBlocker::NoResponseWindow),
    ] {
        if !present {
            blockers.push(blocker);
        }
    }
    blockers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(score: u8, minimum_score: u8) -> SendCheck {
        SendCheck {
            score,
            minimum_score,
            required_missing: Vec::new(),
            has_seller: true,
            has_owner: true,
            has_next_action: true,
            has_response_window: true,
        }
    }

    #[test]
    fn a_complete_handoff_at_the_minimum_may_be_sent() {
        assert!(check_send(complete(9, 9)).is_empty());
        assert!(check_send(complete(18, 9)).is_empty());
    }

    #[test]
    fn a_score_of_8_is_never_sent() {
        assert_eq!(
            check_send(complete(8, 9)),
            vec![SendBlocker::NotAHandoffYet, SendBlocker::BelowMinimumScore { score: 8, minimum: 9 }]
        );
    }

    #[test]
    fn a_raised_minimum_holds_back_a_fix_before_volume_handoff() {
        assert_eq!(check_send(complete(12, 13)), vec![SendBlocker::BelowMinimumScore { score: 12, minimum: 13 }]);
        assert!(check_send(complete(13, 13)).is_empty());
    }

    #[test]
    fn a_component_the_agreement_requires_must_not_be_missing() {
        let check = SendCheck { required_missing: vec![Component::Proof], ..complete(16, 9) };
        assert_eq!(check_send(check), vec![SendBlocker::RequiredComponentMissing(Component::Proof)]);
    }

    #[test]
    fn the_gap_is_what_the_score_lacks_of_the_minimum() {
        let blockers = check_send(complete(10, 13));
        assert_eq!(blockers[0].gap(), Some(3));
        assert!(blockers[0].describe().contains("3 points short of the minimum score to send (13)"));
        assert_eq!(SendBlocker::NoOwner.gap(), None);
    }

    #[test]
    fn rules_check_the_required_components_against_the_grades() {
        let grades = GradeSet::from_pairs(
            Component::ALL
                .into_iter()
                .map(|c| (c, Grade::Strong))
                .chain([(Component::Proof, Grade::Missing), (Component::Owner, Grade::Weak)]),
        );
        let rules = SendRules { minimum_score: 12, required: vec![Component::Proof, Component::Owner] };
        let packet =
            Packet { has_seller: true, has_owner: true, has_next_action: false, response_window_days: Some(5) };
        assert_eq!(
            check_send(rules.check(&grades, packet)),
            vec![SendBlocker::RequiredComponentMissing(Component::Proof), SendBlocker::NoNextAction]
        );
    }

    #[test]
    fn missing_seller_owner_next_action_or_window_each_block() {
        let check = SendCheck {
            has_seller: false,
            has_owner: false,
            has_next_action: false,
            has_response_window: false,
            ..complete(16, 9)
        };
        assert_eq!(
            check_send(check),
            vec![SendBlocker::NoSeller, SendBlocker::NoOwner, SendBlocker::NoNextAction, SendBlocker::NoResponseWindow]
        );
    }

    fn ready(status: HandoffStatus, score_grade: Grade) -> SendFacts {
        SendFacts {
            status,
            archived: false,
            grades: GradeSet::from_pairs(Component::ALL.into_iter().map(|c| (c, score_grade))),
            rules: SendRules::in_force(9, None),
            packet: Packet { has_seller: true, has_owner: true, has_next_action: true, response_window_days: Some(5) },
        }
    }

    #[test]
    fn a_ready_draft_is_sent_with_its_answer_due_a_window_later() {
        let now = "2026-03-02T09:00:00Z".parse().unwrap();
        let sending = decide(&ready(HandoffStatus::Draft, Grade::Strong), now).unwrap();
        assert_eq!(sending.sent_at, now);
        assert_eq!(sending.respond_by, "2026-03-07T09:00:00Z".parse::<DateTime<Utc>>().unwrap());
    }

    #[test]
    fn the_gate_refuses_archived_sent_and_unready_handoffs() {
        let now = Utc::now();
        let archived = SendFacts { archived: true, ..ready(HandoffStatus::Draft, Grade::Strong) };
        assert_eq!(decide(&archived, now), Err(SendRefusal::Frozen(Frozen::Archived)));
        assert_eq!(decide(&ready(HandoffStatus::Sent, Grade::Strong), now), Err(SendRefusal::Frozen(Frozen::Sent)));
        let weak = decide(&ready(HandoffStatus::Draft, Grade::Missing), now).unwrap_err();
        assert_eq!(
            weak,
            SendRefusal::Blocked(vec![
                SendBlocker::NotAHandoffYet,
                SendBlocker::BelowMinimumScore { score: 0, minimum: 9 }
            ])
        );
        assert!(weak.message().contains("9 points short"), "{}", weak.message());
    }

    #[test]
    fn an_agreed_minimum_and_required_components_replace_the_organizations_minimum() {
        let agreed = SendRules { minimum_score: 14, required: vec![Component::Proof] };
        let mut facts = ready(HandoffStatus::Draft, Grade::Weak);
        facts.rules = SendRules::in_force(9, Some(agreed));
        let Err(SendRefusal::Blocked(blockers)) = decide(&facts, Utc::now()) else { panic!("sent below 14") };
        assert_eq!(blockers, vec![SendBlocker::BelowMinimumScore { score: 9, minimum: 14 }]);
        facts.grades = GradeSet::from_pairs(
            Component::ALL.into_iter().map(|c| (c, Grade::Strong)).chain([(Component::Proof, Grade::Missing)]),
        );
        let Err(SendRefusal::Blocked(blockers)) = decide(&facts, Utc::now()) else { panic!("sent without proof") };
        assert_eq!(blockers, vec![SendBlocker::RequiredComponentMissing(Component::Proof)]);
    }

    #[test]
    fn without_a_response_window_nothing_is_due_and_nothing_is_sent() {
        let mut facts = ready(HandoffStatus::Draft, Grade::Strong);
        facts.packet.response_window_days = None;
        assert_eq!(decide(&facts, Utc::now()), Err(SendRefusal::Blocked(vec![SendBlocker::NoResponseWindow])));
    }
}
