//! The working agreement's rules: what a version may say (minimum score 9 to 18, a review cadence
//! of 1 to 365 days), what a new version inherits from the latest one, which side a role signs
//! for, and who may sign (each side once, two different people, nothing after AGREED).

use std::ops::RangeInclusive;

use uuid::Uuid;

use super::Role;
use super::error::InvalidInput;
use super::scorecard::Component;
use super::text::{LongText, response_window_days};

/// The minimum score to send a version may set: never below WORTH_A_CONVERSATION.
pub const MINIMUM_SCORE_RANGE: RangeInclusive<u8> = 9..=18;
/// Days between score reviews a version may set.
pub const REVIEW_CADENCE_RANGE: RangeInclusive<u16> = 1..=365;
/// Score reviews are expected this often when no agreed version says otherwise.
pub const DEFAULT_REVIEW_CADENCE_DAYS: u16 = 30;

/// What one version of the agreement says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub required_components: Vec<Component>,
    pub acceptance_definition: Option<String>,
    pub response_window_days: Option<u16>,
    pub min_score_to_send: u8,
    pub influence_language: Option<String>,
    pub score_review_cadence_days: Option<u16>,
}

/// What a new version changes, as given; `None` keeps the latest version's term.
#[derive(Debug, Clone, Default)]
pub struct TermChanges {
    pub required_components: Option<Vec<Component>>,
    pub acceptance_definition: Option<String>,
    pub response_window_days: Option<i32>,
    pub minimum_score_to_send: Option<i32>,
    pub influence_language: Option<String>,
    pub score_review_cadence_days: Option<i32>,
}

/// Which term a refused change was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    AcceptanceDefinition,
    ResponseWindowDays,
    MinimumScoreToSend,
    InfluenceLanguage,
    ScoreReviewCadenceDays,
}

/// The next version's terms: each change checked, everything not changed inherited from `latest`,
/// and with no earlier version the organization's own minimum score to send.
pub fn next_version(
    latest: Option<&Terms>,
    organization_minimum: u8,
    changes: TermChanges,
) -> Result<Terms, (Term, InvalidInput)> {
    let text = |given: Option<String>, before: Option<&String>, term: Term| match given {
        Some(t) => LongText::optional_string(Some(&t)).map_err(|e| (term, e)),
        None => Ok(before.cloned()),
    };
    let min_score_to_send = match changes.minimum_score_to_send {
        Some(m) => minimum_score(m).map_err(|e| (Term::MinimumScoreToSend, e))?,
        None => latest.map_or(organization_minimum, |l| l.min_score_to_send),
    };
    let response_window_days = match changes.response_window_days {
        Some(d) => Some(response_window_days(d).map_err(|e| (Term::ResponseWindowDays, e))?),
        None => latest.and_then(|l| l.response_window_days),
    };
    let score_review_cadence_days = match changes.score_review_cadence_days {
        Some(d) => Some(review_cadence(d).map_err(|e| (Term::ScoreReviewCadenceDays, e))?),
        None => latest.and_then(|l| l.score_review_cadence_days),
    };
    Ok(Terms {
        required_components: changes
            .required_components
            .or_else(|| latest.map(|l| l.required_components.clone()))
            .unwrap_or_default(),
        acceptance_definition: text(
            changes.acceptance_definition,
            latest.and_then(|l| l.acceptance_definition.as_ref()),
            Term::AcceptanceDefinition,
        )?,
        response_window_days,
        min_score_to_send,
        influence_language: text(
            changes.influence_language,
            latest.and_then(|l| l.influence_language.as_ref()),
            Term::InfluenceLanguage,
        )?,
        score_review_cadence_days,
    })
}

/// A minimum score to send as given: 9 to 18.
pub fn minimum_score(given: i32) -> Result<u8, InvalidInput> {
    u8::try_from(given)
        .ok()
        .filter(|m| MINIMUM_SCORE_RANGE.contains(m))
        .ok_or_else(|| InvalidInput::new("must be between 9 and 18"))
}

fn review_cadence(given: i32) -> Result<u16, InvalidInput> {
    u16::try_from(given)
        .ok()
        .filter(|d| REVIEW_CADENCE_RANGE.contains(d))
        .ok_or_else(|| InvalidInput::new("must be between 1 and 365 days"))
}

/// Days between score reviews: the agreed version's cadence, or the default when none is agreed or
/// it sets none.
pub fn review_cadence_days(agreed: Option<&Terms>) -> u16 {
    agreed.and_then(|t| t.score_review_cadence_days).unwrap_or(DEFAULT_REVIEW_CADENCE_DAYS)
}

/// Which side of the agreement a signature is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    PartnerMarketing,
    Sales,
}

impl Side {
    /// The side a member signs for: a SALES_LEADER for sales, a partner marketer or admin for
    /// partner marketing.
    pub fn of(role: Role) -> Side {
        if role == Role::SalesLeader { Side::Sales } else { Side::PartnerMarketing }
    }

    pub fn name(self) -> &'static str {
        match self {
            Side::PartnerMarketing => "partner marketing",
            Side::Sales => "sales",
        }
    }
}

/// Why a signature is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignRefusal {
    /// Both sides signed: the version is agreed and its signatures never change.
    AlreadyAgreed,
    /// This side signed already; a side signs once.
    SideSigned,
    /// The signer signed the other side: one person never signs both.
    SameSigner,
}

impl SignRefusal {
    pub fn message(self) -> &'static str {
        match self {
            SignRefusal::AlreadyAgreed => "this version is agreed; its signatures do not change (draft a new version)",
            SignRefusal::SideSigned => "your side signed this version already",
            SignRefusal::SameSigner => "you signed the other side; each side needs a different person",
        }
    }
}

/// Whether `signer` may sign `side` of a version with the given signatures.
pub fn may_sign(
    side: Side,
    signer: Uuid,
    marketing_signed_by: Option<Uuid>,
    sales_signed_by: Option<Uuid>,
) -> Result<(), SignRefusal> {
    let (mine, other) = match side {
        Side::PartnerMarketing => (marketing_signed_by, sales_signed_by),
        Side::Sales => (sales_signed_by, marketing_signed_by),
    };
    match (mine, other) {
        (Some(_), Some(_)) => Err(SignRefusal::AlreadyAgreed),
        (Some(_), None) => Err(SignRefusal::SideSigned),
        (None, Some(other)) if other == signer => Err(SignRefusal::SameSigner),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(changes: TermChanges) -> Result<Terms, (Term, InvalidInput)> {
        next_version(None, 9, changes)
    }

    #[test]
    fn a_first_version_takes_the_organizations_minimum_and_nothing_else() {
        let terms = first(TermChanges::default()).unwrap();
        assert_eq!(terms.min_score_to_send, 9);
        assert!(terms.required_components.is_empty());
        assert_eq!((terms.response_window_days, terms.score_review_cadence_days), (None, None));
        assert_eq!(review_cadence_days(Some(&terms)), DEFAULT_REVIEW_CADENCE_DAYS);
    }

    #[test]
    fn a_new_version_inherits_every_term_it_does_not_change() {
        let latest = first(TermChanges {
            required_components: Some(vec![Component::Proof]),
            acceptance_definition: Some("a meeting booked".into()),
            response_window_days: Some(5),
            minimum_score_to_send: Some(13),
            influence_language: Some("partner-sourced".into()),
            score_review_cadence_days: Some(14),
        })
        .unwrap();
        let next =
            next_version(Some(&latest), 9, TermChanges { response_window_days: Some(3), ..TermChanges::default() })
                .unwrap();
        assert_eq!(next, Terms { response_window_days: Some(3), ..latest.clone() });
        assert_eq!(review_cadence_days(Some(&next)), 14);
        // Blank text clears a term rather than keeping the old one.
        let cleared =
            next_version(Some(&latest), 9, TermChanges { influence_language: Some("  ".into()), ..Default::default() })
                .unwrap();
        assert_eq!(cleared.influence_language, None);
    }

    #[test]
    fn out_of_range_terms_are_refused_naming_the_term() {
        for (changes, term) in [
            (TermChanges { minimum_score_to_send: Some(8), ..Default::default() }, Term::MinimumScoreToSend),
            (TermChanges { minimum_score_to_send: Some(19), ..Default::default() }, Term::MinimumScoreToSend),
            (TermChanges { minimum_score_to_send: Some(-265), ..Default::default() }, Term::MinimumScoreToSend),
            (TermChanges { score_review_cadence_days: Some(0), ..Default::default() }, Term::ScoreReviewCadenceDays),
            (TermChanges { score_review_cadence_days: Some(366), ..Default::default() }, Term::ScoreReviewCadenceDays),
            (TermChanges { response_window_days: Some(91), ..Default::default() }, Term::ResponseWindowDays),
            (
                TermChanges { acceptance_definition: Some("x".repeat(4001)), ..Default::default() },
                Term::AcceptanceDefinition,
            ),
        ] {
            assert_eq!(first(changes).unwrap_err().0, term);
        }
        assert_eq!(minimum_score(18), Ok(18));
    }

    #[test]
    fn a_sales_leader_signs_for_sales_and_everyone_else_for_partner_marketing() {
        assert_eq!(Side::of(Role::SalesLeader), Side::Sales);
        assert_eq!(Side::of(Role::PartnerMarketer), Side::PartnerMarketing);
        assert_eq!(Side::of(Role::Admin), Side::PartnerMarketing);
    }

    #[test]
    fn each_side_signs_once_by_a_different_person_and_never_after_agreement() {
        let (ana, lee) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(may_sign(Side::PartnerMarketing, ana, None, None), Ok(()));
        assert_eq!(may_sign(Side::Sales, lee, Some(ana), None), Ok(()));
        assert_eq!(may_sign(Side::PartnerMarketing, lee, Some(ana), None), Err(SignRefusal::SideSigned));
        assert_eq!(may_sign(Side::Sales, ana, Some(ana), None), Err(SignRefusal::SameSigner));
        assert_eq!(may_sign(Side::PartnerMarketing, ana, None, Some(ana)), Err(SignRefusal::SameSigner));
        assert_eq!(may_sign(Side::Sales, lee, Some(ana), Some(lee)), Err(SignRefusal::AlreadyAgreed));
        assert_eq!(may_sign(Side::PartnerMarketing, lee, Some(ana), Some(lee)), Err(SignRefusal::AlreadyAgreed));
    }
}
