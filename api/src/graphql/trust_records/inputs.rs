//! What logging a trust record takes, and what it answers.

use async_graphql::{ID, InputObject, SimpleObject};
use chrono::{DateTime, Utc};

use super::types::*;

/// A seller's ask for partner help. Give `accountId` for an account in the organization, or
/// `accountName` for one named anew.
#[derive(InputObject)]
pub struct LogPartnerAskInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// The seller who asked; a SELLER logs their own asks and omits it, a SALES_LEADER or ADMIN names the seller.
    pub seller_id: Option<ID>,
    /// The account, when it is in the organization.
    pub account_id: Option<ID>,
    /// The account's name, when it is not in the organization yet (1 to 200 characters).
    pub account_name: Option<String>,
    /// The partner asked about, if any.
    pub partner_id: Option<ID>,
    /// When the seller asked (default: now; never in the future, at most five years ago).
    pub asked_at: Option<DateTime<Utc>>,
    /// Free text, at most 2000 characters.
    pub note: Option<String>,
}

/// A seller's meeting with a partner.
#[derive(InputObject)]
pub struct LogPartnerMeetingInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// The seller who met; a SELLER logs their own meetings and omits it, others name the seller.
    pub seller_id: Option<ID>,
    /// The account the meeting was about.
    pub account_id: ID,
    /// The partner met.
    pub partner_id: ID,
    /// The handoff that led to the meeting, if any.
    pub handoff_id: Option<ID>,
    /// When the meeting took place (default: now; never in the future, at most five years ago).
    pub met_at: Option<DateTime<Utc>>,
    /// Free text, at most 2000 characters.
    pub note: Option<String>,
}

/// Partner influence mentioned in a forecast, pipeline or deal review; name an account, a partner or both.
#[derive(InputObject)]
pub struct LogPipelineMentionInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// Which review it came up in.
    pub review_kind: ReviewKind,
    /// The account discussed.
    pub account_id: Option<ID>,
    /// The partner mentioned.
    pub partner_id: Option<ID>,
    /// Whether partner marketing was in the room.
    pub partner_marketing_present: bool,
    /// When it was mentioned (default: now; never in the future, at most five years ago).
    pub mentioned_at: Option<DateTime<Utc>>,
    /// Free text, at most 2000 characters.
    pub note: Option<String>,
}

/// An escalation about a handoff, an account or a partner (at least one).
#[derive(InputObject)]
pub struct RaiseEscalationInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// What it is about.
    pub topic: EscalationTopic,
    /// The handoff it is about.
    pub handoff_id: Option<ID>,
    /// The account it is about.
    pub account_id: Option<ID>,
    /// The partner it is about.
    pub partner_id: Option<ID>,
    /// When it was raised (default: now; never in the future, at most five years ago).
    pub raised_at: Option<DateTime<Utc>>,
    /// Free text, at most 2000 characters.
    pub note: Option<String>,
}

/// A score review held inside the sales cadence.
#[derive(InputObject)]
pub struct LogScoreReviewInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// Members who attended (their user IDs); at least one.
    pub attendee_ids: Vec<ID>,
    /// When it happened (default: now; never in the future, at most five years ago).
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Free text, at most 2000 characters.
    pub note: Option<String>,
}

/// Archives any trust record by its ID.
#[derive(InputObject)]
pub struct ArchiveTrustRecordInput {
    /// The record's ID (a partner ask, meeting, pipeline mention, escalation or score review).
    pub id: ID,
}

/// The result of `logPartnerAsk`.
#[derive(SimpleObject)]
pub struct LogPartnerAskPayload {
    /// The logged ask.
    pub partner_ask: PartnerAsk,
}

/// The result of `logPartnerMeeting`.
#[derive(SimpleObject)]
pub struct LogPartnerMeetingPayload {
    /// The logged meeting.
    pub partner_meeting: PartnerMeeting,
}

/// The result of `logPipelineMention`.
#[derive(SimpleObject)]
pub struct LogPipelineMentionPayload {
    /// The logged mention.
    pub pipeline_mention: PipelineMention,
}

/// The result of `raiseEscalation`.
#[derive(SimpleObject)]
pub struct RaiseEscalationPayload {
    /// The escalation.
    pub escalation: Escalation,
}

/// The result of `logScoreReview`.
#[derive(SimpleObject)]
pub struct LogScoreReviewPayload {
    /// The logged review.
    pub score_review: ScoreReview,
}

/// The result of `archiveTrustRecord`.
#[derive(SimpleObject)]
pub struct ArchiveTrustRecordPayload {
    /// The archived record's ID.
    pub id: ID,
    /// When it was archived.
    pub archived_at: DateTime<Utc>,
}
