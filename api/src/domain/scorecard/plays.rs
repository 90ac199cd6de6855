use super::{Component, Grade, GradeSet};

/// How to raise the score (the seed's "How to raise the score").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Play {
    /// A research gap: one of the first five components is weak or missing.
    RebuildThePacket,
    /// Next action or owner is weak or missing: one named move, one named owner.
    ShrinkTheAsk,
    /// Acceptance criteria are missing, or there is no agreed working agreement.
    RenegotiateTheRule,
    /// Scores have not been reviewed inside the sales cadence.
    ScoreInTheOpen,
}

/// A play and the components that triggered it (empty when an organization-level fact did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayTrigger {
    pub play: Play,
    pub components: Vec<Component>,
}

/// Facts outside the packet that two plays depend on. `None` means the organization does not
/// record that fact, and the play is not triggered by it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlayContext {
    /// Whether the organization has an agreed working agreement.
    pub working_agreement_agreed: Option<bool>,
    /// Whether a score review happened within the agreed cadence.
    pub scores_reviewed_in_cadence: Option<bool>,
}

/// A play that belongs to the organization, not to one packet, and why it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RulePlay {
    pub play: Play,
    pub reason: &'static str,
}

/// The plays one handoff's own grades call for: a packet is judged by what it holds, never by
/// the organization's habits.
pub fn packet_plays(grades: &GradeSet) -> Vec<PlayTrigger> {
    plays(grades, &PlayContext::default())
}

/// The plays the organization's facts call for, each with its reason.
pub fn rule_plays(context: &PlayContext) -> Vec<RulePlay> {
    let mut out = Vec::new();
    if context.working_agreement_agreed == Some(false) {
        let reason = "no working agreement is signed by both partner marketing and sales";
        out.push(RulePlay { play: Play::RenegotiateTheRule, reason });
    }
    if context.scores_reviewed_in_cadence == Some(false) {
        let reason = "sales leadership has not reviewed handoff scores within the agreed cadence";
        out.push(RulePlay { play: Play::ScoreInTheOpen, reason });
    }
    out
}

/// The plays for one set of grades and the organization's facts, in the seed's order (the
/// scorecard's view; a single handoff uses `packet_plays`).
pub fn plays(grades: &GradeSet, context: &PlayContext) -> Vec<PlayTrigger> {
    let below_strong = |c: &Component| grades.get(*c) != Grade::Strong;
    let mut out = Vec::new();

    let research: Vec<_> = Component::ALL.into_iter().filter(|c| c.is_research()).filter(below_strong).collect();
    if !research.is_empty() {
        out.push(PlayTrigger { play: Play::RebuildThePacket, components: research });
    }

    let ask: Vec<_> = [Component::NextAction, Component::Owner].into_iter().filter(below_strong).collect();
    if !ask.is_empty() {
        out.push(PlayTrigger { play: Play::ShrinkTheAsk, components: ask });
    }

    let criteria_missing = grades.get(Component::AcceptanceCriteria) == Grade::Missing;
    if criteria_missing || context.working_agreement_agreed == Some(false) {
        let components = if criteria_missing { vec![Component::AcceptanceCriteria] } else { Vec::new() };
        out.push(PlayTrigger { play: Play::RenegotiateTheRule, components });
    }

    if context.scores_reviewed_in_cadence == Some(false) {
        out.push(PlayTrigger { play: Play::ScoreInTheOpen, components: Vec::new() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Component::*;
    use Grade::*;

    fn all_strong() -> GradeSet {
        GradeSet::from_pairs(Component::ALL.map(|c| (c, Strong)))
    }

    fn with(set: GradeSet, changes: &[(Component, Grade)]) -> GradeSet {
        GradeSet::from_pairs(set.iter().chain(changes.iter().copied()))
    }

    const NO_FACTS: PlayContext = PlayContext { working_agreement_agreed: None, scores_reviewed_in_cadence: None };

    #[test]
    fn a_strong_packet_needs_no_play() {
        assert!(plays(&all_strong(), &NO_FACTS).is_empty());
        let agreed = PlayContext { working_agreement_agreed: Some(true), scores_reviewed_in_cadence: Some(true) };
        assert!(plays(&all_strong(), &agreed).is_empty());
    }

    #[test]
    fn a_weak_or_missing_research_component_rebuilds_the_packet() {
        for c in [TargetAccountLogic, PartnerContext, RelationshipPath, BuyerProblem, PartnerOffer] {
            for g in [Weak, Missing] {
                let got = plays(&with(all_strong(), &[(c, g)]), &NO_FACTS);
                assert_eq!(got, vec![PlayTrigger { play: Play::RebuildThePacket, components: vec![c] }], "{c:?} {g:?}");
            }
        }
        let two = plays(&with(all_strong(), &[(PartnerOffer, Weak), (PartnerContext, Missing)]), &NO_FACTS);
        assert_eq!(two[0].components, vec![PartnerContext, PartnerOffer]);
    }

    #[test]
    fn a_weak_next_action_or_owner_shrinks_the_ask() {
        for c in [NextAction, Owner] {
            let got = plays(&with(all_strong(), &[(c, Weak)]), &NO_FACTS);
            assert_eq!(got, vec![PlayTrigger { play: Play::ShrinkTheAsk, components: vec![c] }]);
        }
        let both = plays(&with(all_strong(), &[(Owner, Missing), (NextAction, Weak)]), &NO_FACTS);
        assert_eq!(both[0].components, vec![NextAction, Owner]);
    }

    #[test]
    fn missing_acceptance_criteria_renegotiate_the_rule_but_weak_ones_do_not() {
        let missing = plays(&with(all_strong(), &[(AcceptanceCriteria, Missing)]), &NO_FACTS);
        assert_eq!(missing, vec![PlayTrigger { play: Play::RenegotiateTheRule, components: vec![AcceptanceCriteria] }]);
        assert!(plays(&with(all_strong(), &[(AcceptanceCriteria, Weak)]), &NO_FACTS).is_empty());
    }

    #[test]
    fn no_agreed_working_agreement_renegotiates_the_rule() {
        let context = PlayContext { working_agreement_agreed: Some(false), ..NO_FACTS };
        assert_eq!(
            plays(&all_strong(), &context),
            vec![PlayTrigger { play: Play::RenegotiateTheRule, components: vec![] }]
        );
    }

    #[test]
    fn scores_not_reviewed_in_cadence_score_in_the_open() {
        let context = PlayContext { scores_reviewed_in_cadence: Some(false), ..NO_FACTS };
        assert_eq!(
            plays(&all_strong(), &context),
            vec![PlayTrigger { play: Play::ScoreInTheOpen, components: vec![] }]
        );
    }

    #[test]
    fn a_handoff_is_judged_by_its_own_grades_and_the_organization_by_its_facts() {
        assert!(packet_plays(&all_strong()).is_empty(), "18/18 needs no play, whatever the organization does");
        let missing = packet_plays(&with(all_strong(), &[(AcceptanceCriteria, Missing)]));
        assert_eq!(missing, vec![PlayTrigger { play: Play::RenegotiateTheRule, components: vec![AcceptanceCriteria] }]);
        let neither = PlayContext { working_agreement_agreed: Some(false), scores_reviewed_in_cadence: Some(false) };
        let rules: Vec<_> = rule_plays(&neither).into_iter().map(|r| r.play).collect();
        assert_eq!(rules, vec![Play::RenegotiateTheRule, Play::ScoreInTheOpen]);
        assert!(
            rule_plays(&PlayContext { working_agreement_agreed: Some(true), scores_reviewed_in_cadence: Some(true) })
                .is_empty()
        );
        assert!(rule_plays(&NO_FACTS).is_empty());
    }

    #[test]
    fn weak_proof_alone_triggers_no_play() {
        assert!(plays(&with(all_strong(), &[(Proof, Missing)]), &NO_FACTS).is_empty());
    }

    #[test]
    fn an_empty_packet_triggers_every_packet_play_in_order() {
        let got: Vec<_> = plays(&GradeSet::default(), &NO_FACTS).into_iter().map(|t| t.play).collect();
        assert_eq!(got, vec![Play::RebuildThePacket, Play::ShrinkTheAsk, Play::RenegotiateTheRule]);
    }
}
