//! The scorecard's enums as the contract names them, mirrored from the domain.

use async_graphql::Enum;

use crate::domain::scorecard as domain;

/// The nine components of a handoff, in the scorecard's order.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Component", remote = "domain::Component")]
pub enum ComponentGql {
    /// Why this account, why now, and which seller owns it today.
    TargetAccountLogic,
    /// Who the partner is, what they sell, and why they matter for this account.
    PartnerContext,
    /// Who knows whom, how warm the path is, and how the introduction happens.
    RelationshipPath,
    /// The customer problem this partner motion addresses, in the buyer's words.
    BuyerProblem,
    /// What the partner is ready to do in the next two weeks.
    PartnerOffer,
    /// The single move the seller is asked to take.
    NextAction,
    /// Who runs the next move: one name, not a team alias.
    Owner,
    /// What counts as accepted or declined, and by when.
    AcceptanceCriteria,
    /// Evidence a seller can verify in five minutes.
    Proof,
}

/// How well a component is done.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Grade", remote = "domain::Grade")]
pub enum GradeGql {
    /// 2 points: specific, current, actionable without a clarifying call.
    Strong,
    /// 1 point: exists but generic, stale, or needs interpretation.
    Weak,
    /// 0 points: absent, assumed, or in someone's head.
    Missing,
}

/// What a score means.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Band", remote = "domain::Band")]
pub enum BandGql {
    /// 15–18: scale the motion and track acceptance rate.
    SalesReady,
    /// 9–14: rebuild the two weakest components before the next handoff.
    FixBeforeVolume,
    /// 0–8: restart from target account logic and acceptance criteria.
    NotAHandoffYet,
}

/// How to raise the score.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Play", remote = "domain::Play")]
pub enum PlayGql {
    /// A research gap in the first five components: rebuild the packet, not the pitch.
    RebuildThePacket,
    /// Next action or owner is weak: one named move with one named owner.
    ShrinkTheAsk,
    /// Acceptance criteria are missing or no working agreement is agreed: a leadership conversation.
    RenegotiateTheRule,
    /// Scores are not reviewed inside the sales cadence.
    ScoreInTheOpen,
}

/// Where a handoff is in its life.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "HandoffStatus", remote = "domain::HandoffStatus")]
pub enum HandoffStatusGql {
    /// Being built; only partner marketers and admins see it.
    Draft,
    /// Landed with the seller, waiting for a decision.
    Sent,
    /// The seller accepted it.
    Accepted,
    /// The seller declined it.
    Declined,
}

/// A seller's answer to a handoff.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Decision", remote = "domain::Decision")]
pub enum DecisionGql {
    /// Final: the seller acts on it.
    Accept,
    /// Final: the seller will not act on it; may name the components that failed them.
    Decline,
    /// The packet was incomplete; the handoff stays open.
    RequestClarification,
}
