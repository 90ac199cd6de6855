use super::{Band, Component, Grade, GradeSet};

/// What an organization asks of every handoff before it goes out: the agreed working agreement's
/// minimum score and required components, or the organization's own minimum when none is agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendRules {
    pub minimum_score: u8,
    pub required: Vec<Component>,
}

impl SendRules {
    /// The check of a handoff graded `grades`; the rest of what the gate looks at is the caller's.
    pub fn check(&self, grades: &GradeSet, packet: Packet) -> SendCheck {
        SendCheck {
            score: grades.score(),
            minimum_score: self.minimum_score,
            required_missing: self.required.iter().copied().filter(|c| grades.get(*c) == Grade::Missing).collect(),
            has_seller: packet.has_seller,
            has_owner: packet.has_owner,
            has_next_action: packet.has_next_action,
            has_response_window: packet.has_response_window,
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
    pub has_response_window: bool,
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
        let packet = Packet { has_seller: true, has_owner: true, has_next_action: false, has_response_window: true };
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
}
