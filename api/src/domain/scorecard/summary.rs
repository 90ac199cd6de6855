use super::grades::weakest_by_points;
use super::{Band, Component, Grade, GradeSet, PlayContext, PlayTrigger, plays};

/// The scorecard over several handoffs ("grade your last three handoffs, not your best one").
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardSummary {
    pub handoff_count: usize,
    /// `None` when there are no handoffs.
    pub average_score: Option<f64>,
    pub band: Option<Band>,
    /// Average points per component, in the table's order; `None` when there are no handoffs.
    pub component_averages: Option<[f64; 9]>,
    /// The two components with the lowest average points, weakest first (ties by table order).
    pub weakest: Vec<Component>,
    /// Plays for the components read at their nearest grade, plus organization-level plays.
    pub plays: Vec<PlayTrigger>,
}

pub fn summarize(handoffs: &[GradeSet], context: &PlayContext) -> ScorecardSummary {
    if handoffs.is_empty() {
        // Only organization-level facts can trigger a play without handoffs.
        let all_strong = GradeSet::from_pairs(Component::ALL.map(|c| (c, Grade::Strong)));
        return ScorecardSummary {
            handoff_count: 0,
            average_score: None,
            band: None,
            component_averages: None,
            weakest: Vec::new(),
            plays: plays(&all_strong, context),
        };
    }
    let n = handoffs.len() as f64;
    let averages = Component::ALL.map(|c| handoffs.iter().map(|h| f64::from(h.get(c).points())).sum::<f64>() / n);
    let average_score = handoffs.iter().map(|h| f64::from(h.score())).sum::<f64>() / n;
    let typical = GradeSet::from_pairs(Component::ALL.map(|c| (c, Grade::nearest(averages[c.index()]))));
    ScorecardSummary {
        handoff_count: handoffs.len(),
        average_score: Some(average_score),
        band: Some(Band::for_average(average_score)),
        component_averages: Some(averages),
        weakest: weakest_by_points(&averages),
        plays: plays(&typical, context),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scorecard::Play;
    use Component::*;
    use Grade::*;

    fn set(changes: &[(Component, Grade)]) -> GradeSet {
        GradeSet::from_pairs(Component::ALL.map(|c| (c, Strong)).into_iter().chain(changes.iter().copied()))
    }

    #[test]
    fn no_handoffs_means_no_numbers_and_no_division() {
        let s = summarize(&[], &PlayContext::default());
        assert_eq!(s.handoff_count, 0);
        assert_eq!(s.average_score, None);
        assert_eq!(s.band, None);
        assert!(s.weakest.is_empty() && s.plays.is_empty());
        let unagreed = PlayContext { working_agreement_agreed: Some(false), ..PlayContext::default() };
        assert_eq!(summarize(&[], &unagreed).plays[0].play, Play::RenegotiateTheRule);
    }

    #[test]
    fn three_handoffs_average_their_scores_and_components() {
        // Scores 18, 14 (two weak), 8 (proof and owner missing, five research weak... see below).
        let a = set(&[]);
        let b = set(&[(Proof, Weak), (Owner, Weak), (BuyerProblem, Missing)]);
        let c = set(&[
            (Proof, Missing),
            (Owner, Missing),
            (BuyerProblem, Missing),
            (PartnerOffer, Missing),
            (NextAction, Missing),
        ]);
        assert_eq!((a.score(), b.score(), c.score()), (18, 14, 8));
        let s = summarize(&[a, b, c], &PlayContext::default());
        assert_eq!(s.handoff_count, 3);
        let avg = s.average_score.unwrap();
        assert!((avg - 40.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.band, Some(Band::FixBeforeVolume));
        let averages = s.component_averages.unwrap();
        assert!((averages[Proof.index()] - 1.0).abs() < 1e-9);
        assert!((averages[BuyerProblem.index()] - 2.0 / 3.0).abs() < 1e-9);
        assert!((averages[Owner.index()] - 1.0).abs() < 1e-9);
        // BuyerProblem 0.67 is weakest; Owner and Proof tie at 1.0 and Owner comes first.
        assert_eq!(s.weakest, vec![BuyerProblem, Owner]);
        let played: Vec<_> = s.plays.iter().map(|p| (p.play, p.components.clone())).collect();
        assert_eq!(
            played,
            vec![
                (Play::RebuildThePacket, vec![BuyerProblem, PartnerOffer]),
                (Play::ShrinkTheAsk, vec![NextAction, Owner])
            ]
        );
    }

    #[test]
    fn an_average_below_nine_is_not_a_handoff_yet() {
        let eight = set(&[
            (Proof, Missing),
            (Owner, Missing),
            (BuyerProblem, Missing),
            (PartnerOffer, Missing),
            (NextAction, Missing),
        ]);
        let nine = set(&[
            (Proof, Missing),
            (Owner, Missing),
            (BuyerProblem, Missing),
            (PartnerOffer, Missing),
            (NextAction, Weak),
        ]);
        let s = summarize(&[eight, eight, nine], &PlayContext::default());
        assert_eq!(s.band, Some(Band::NotAHandoffYet));
    }
}
