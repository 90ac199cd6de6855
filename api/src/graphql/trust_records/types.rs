//! The five trust records as GraphQL objects.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::super::accounts::Account;
use super::super::handoffs::types::load_user;
use super::super::ids::{Kind, encode};
use super::super::loaders::{AccountLoader, PartnerLoader};
use super::super::partners::Partner;
use super::super::users::User;
use crate::error::AppResult;
use entity::codes::ReviewKind as StoredReviewKind;

async fn load_account(ctx: &Context<'_>, organization: Uuid, id: Option<Uuid>) -> AppResult<Option<Account>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx.data_unchecked::<DataLoader<AccountLoader>>().load_one((organization, id)).await?.map(Account::from))
}

async fn load_partner(ctx: &Context<'_>, organization: Uuid, id: Option<Uuid>) -> AppResult<Option<Partner>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx.data_unchecked::<DataLoader<PartnerLoader>>().load_one((organization, id)).await?.map(Partner::from))
}

/// A seller asked for partner help on an account.
pub struct PartnerAsk(pub entity::partner_ask::Model);

/// A seller asked for partner help on an account.
#[Object]
impl PartnerAsk {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::PartnerAsk, self.0.id)
    }
    /// The seller who asked.
    async fn seller(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        load_user(ctx, Some(self.0.seller_id)).await
    }
    /// The account, when it exists in the organization.
    async fn account(&self, ctx: &Context<'_>) -> AppResult<Option<Account>> {
        load_account(ctx, self.0.organization_id, self.0.account_id).await
    }
    /// The account's name as the seller gave it, for an account not yet in the organization.
    async fn account_name(&self) -> Option<&str> {
        self.0.account_name.as_deref()
    }
    /// The partner the seller asked about, if any.
    async fn partner(&self, ctx: &Context<'_>) -> AppResult<Option<Partner>> {
        load_partner(ctx, self.0.organization_id, self.0.partner_id).await
    }
    /// Whether partner marketing had already sent a handoff on this account before the ask
    /// (derived from the handoffs, not typed in). Asks on accounts it had not brought are the
    /// SELLER_INITIATED_ASKS signal.
    async fn brought_by_partner_marketing(&self) -> bool {
        self.0.brought_by_partner_marketing
    }
    /// When the seller asked.
    async fn asked_at(&self) -> DateTime<Utc> {
        self.0.asked_at
    }
    /// Free text.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Who logged it.
    async fn logged_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        load_user(ctx, Some(self.0.logged_by)).await
    }
    /// When it was archived; archived records leave lists and signals.
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// A seller took a meeting with a partner on an account.
pub struct PartnerMeeting(pub entity::partner_meeting::Model);

/// A seller took a meeting with a partner on an account.
#[Object]
impl PartnerMeeting {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::PartnerMeeting, self.0.id)
    }
    /// The seller who took the meeting.
    async fn seller(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        load_user(ctx, Some(self.0.seller_id)).await
    }
    /// The account the meeting was about.
    async fn account(&self, ctx: &Context<'_>) -> AppResult<Option<Account>> {
        load_account(ctx, self.0.organization_id, Some(self.0.account_id)).await
    }
    /// The partner met.
    async fn partner(&self, ctx: &Context<'_>) -> AppResult<Option<Partner>> {
        load_partner(ctx, self.0.organization_id, Some(self.0.partner_id)).await
    }
    /// The handoff that led to the meeting, if any.
    async fn handoff_id(&self) -> Option<ID> {
        self.0.handoff_id.map(|id| encode(Kind::Handoff, id))
    }
    /// When the meeting took place.
    async fn met_at(&self) -> DateTime<Utc> {
        self.0.met_at
    }
    /// Free text.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Who logged it.
    async fn logged_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        load_user(ctx, Some(self.0.logged_by)).await
    }
    /// When it was archived; archived records leave lists and signals.
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// The kind of review partner influence came up in.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ReviewKind {
    /// A forecast call.
    Forecast,
    /// A pipeline review.
    Pipeline,
    /// A deal review.
    DealReview,
}

/// The stored kind, spelled as the contract spells it.
impl From<ReviewKind> for StoredReviewKind {
    fn from(kind: ReviewKind) -> Self {
        match kind {
            ReviewKind::Forecast => StoredReviewKind::Forecast,
            ReviewKind::Pipeline => StoredReviewKind::Pipeline,
            ReviewKind::DealReview => StoredReviewKind::DealReview,
        }
    }
}

impl From<StoredReviewKind> for ReviewKind {
    fn from(kind: StoredReviewKind) -> Self {
        match kind {
            StoredReviewKind::Forecast => ReviewKind::Forecast,
            StoredReviewKind::Pipeline => ReviewKind::Pipeline,
            StoredReviewKind::DealReview => ReviewKind::DealReview,
        }
    }
}

/// Partner influence came up in a forecast, pipeline or deal review.
pub struct PipelineMention(pub entity::pipeline_mention::Model);

/// Partner influence came up in a forecast, pipeline or deal review.
#[Object]
impl PipelineMention {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::PipelineMention, self.0.id)
    }
    /// Which review it came up in.
    async fn review_kind(&self) -> ReviewKind {
        self.0.review_kind.into()
    }
    /// The account discussed, if any.
    async fn account(&self, ctx: &Context<'_>) -> AppResult<Option<Account>> {
        load_account(ctx, self.0.organization_id, self.0.account_id).await
    }
    /// The partner mentioned, if any.
    async fn partner(&self, ctx: &Context<'_>) -> AppResult<Option<Partner>> {
        load_partner(ctx, self.0.organization_id, self.0.partner_id).await
    }
    /// Whether partner marketing was in the room (mentions without it are the PIPELINE_LANGUAGE signal).
    async fn partner_marketing_present(&self) -> bool {
        self.0.partner_marketing_present
    }
    /// When it was mentioned.
    async fn mentioned_at(&self) -> DateTime<Utc> {
        self.0.mentioned_at
    }
    /// Free text.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Who logged it.
    async fn logged_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        load_user(ctx, Some(self.0.logged_by)).await
    }
    /// When it was archived; archived records leave lists and signals.
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// What an escalation is about.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::trust::EscalationTopic")]
pub enum EscalationTopic {
    /// Which account a handoff should go to: a healthy disagreement.
    WhichAccount,
    /// Which partner fits: a healthy disagreement.
    WhichPartner,
    /// Whether partner handoffs are worth reading at all: trust is burning.
    WorthReading,
}

/// A disagreement raised about a handoff, an account or a partner.
pub struct Escalation(pub entity::escalation::Model);

/// A disagreement raised about a handoff, an account or a partner.
#[Object]
impl Escalation {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Escalation, self.0.id)
    }
    /// What it is about.
    async fn topic(&self) -> EscalationTopic {
        crate::domain::trust::EscalationTopic::from(self.0.topic).into()
    }
    /// The handoff it is about, if any.
    async fn handoff_id(&self) -> Option<ID> {
        self.0.handoff_id.map(|id| encode(Kind::Handoff, id))
    }
    /// The account it is about, if any.
    async fn account(&self, ctx: &Context<'_>) -> AppResult<Option<Account>> {
        load_account(ctx, self.0.organization_id, self.0.account_id).await
    }
    /// The partner it is about, if any.
    async fn partner(&self, ctx: &Context<'_>) -> AppResult<Option<Partner>> {
        load_partner(ctx, self.0.organization_id, self.0.partner_id).await
    }
    /// When it was raised.
    async fn raised_at(&self) -> DateTime<Utc> {
        self.0.raised_at
    }
    /// Free text.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Who raised it.
    async fn raised_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        load_user(ctx, Some(self.0.logged_by)).await
    }
    /// When it was archived; archived records leave lists and signals.
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}

/// Sales leadership reviewed handoff scores inside the sales cadence.
pub struct ScoreReview(pub entity::score_review::Model);

/// Sales leadership reviewed handoff scores inside the sales cadence.
#[Object]
impl ScoreReview {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::ScoreReview, self.0.id)
    }
    /// When the review happened.
    async fn reviewed_at(&self) -> DateTime<Utc> {
        self.0.reviewed_at
    }
    /// Who attended.
    async fn attendees(&self, ctx: &Context<'_>) -> AppResult<Vec<User>> {
        let ids = &self.0.attendees.0;
        let loader = ctx.data_unchecked::<DataLoader<super::super::loaders::UserLoader>>();
        let found = loader.load_many(ids.iter().copied()).await?;
        Ok(ids.iter().filter_map(|id| found.get(id).cloned().map(User::from)).collect())
    }
    /// Free text.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Who logged it.
    async fn logged_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        load_user(ctx, Some(self.0.logged_by)).await
    }
    /// When it was archived; archived records leave lists and signals.
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }
}
