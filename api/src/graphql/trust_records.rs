//! What sellers and sales leaders log: partner asks, partner meetings, pipeline mentions,
//! escalations and score reviews. These feed the trust signals.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::accounts::{Account, member_with_role};
use super::context::{now, store};
use super::handoffs::types::load_user;
use super::ids::{Kind, decode, encode};
use super::loaders::{AccountLoader, PartnerLoader};
use super::partners::Partner;
use super::scoping::{in_organization, owner_of};
use super::users::User;
use crate::auth::OrgScope;
use crate::domain::Role;
use crate::domain::text::optional_text;
use crate::error::{AppError, AppResult, field};
use crate::store::trust_records::{self as records, Logged};
use crate::store::{TenantTx, accounts, handoffs, partners};
use entity::codes::ReviewKind as StoredReviewKind;

async fn load_account(ctx: &Context<'_>, organization: Uuid, id: Option<Uuid>) -> AppResult<Option<Account>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx.data_unchecked::<DataLoader<AccountLoader>>().load_one((organization, id)).await?.map(Account))
}

async fn load_partner(ctx: &Context<'_>, organization: Uuid, id: Option<Uuid>) -> AppResult<Option<Partner>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx.data_unchecked::<DataLoader<PartnerLoader>>().load_one((organization, id)).await?.map(Partner))
}

/// A seller asked for partner help on an account.
pub struct PartnerAsk(pub records::asks::Row);

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
pub struct PartnerMeeting(pub records::meetings::Row);

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
pub struct PipelineMention(pub records::mentions::Row);

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
pub struct Escalation(pub records::escalations::Row);

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
pub struct ScoreReview(pub records::score_reviews::Row);

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
        let loader = ctx.data_unchecked::<DataLoader<super::loaders::UserLoader>>();
        let found = loader.load_many(ids.iter().copied()).await?;
        Ok(ids.iter().filter_map(|id| found.get(id).cloned().map(User)).collect())
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

/// When the event happened: the given time (never in the future nor over five years ago) or now.
fn happened_at(ctx: &Context<'_>, given: Option<DateTime<Utc>>, field_name: &'static str) -> AppResult<DateTime<Utc>> {
    crate::domain::text::happened_at(given, now(ctx)).map_err(field(field_name))
}

fn note(raw: &Option<String>) -> AppResult<Option<String>> {
    optional_text(raw.as_deref(), 2000).map_err(field("note"))
}

/// The seller a record is about: SELLERs log for themselves; other roles name a SELLER.
async fn seller_for(tx: &TenantTx, scope: &OrgScope, raw: &Option<ID>) -> AppResult<Uuid> {
    match (scope.role(), raw) {
        (Role::Seller, None) => Ok(scope.user_id()),
        (Role::Seller, Some(raw)) => {
            let id = decode(raw, Kind::User, "sellerId")?;
            if id != scope.user_id() {
                return Err(AppError::Forbidden("a seller logs only their own asks and meetings".into()));
            }
            Ok(id)
        }
        (_, Some(raw)) => member_with_role(tx, raw, "sellerId", &[Role::Seller]).await,
        (_, None) => Err(AppError::bad_input("sellerId", "name the seller")),
    }
}

async fn account_in(tx: &TenantTx, raw: &Option<ID>, name: &'static str) -> AppResult<Option<Uuid>> {
    let Some(raw) = raw else { return Ok(None) };
    let id = decode(raw, Kind::Account, name)?;
    accounts::find(tx, id).await?.ok_or(AppError::NotFound(Some(name)))?;
    Ok(Some(id))
}

async fn partner_in(tx: &TenantTx, raw: &Option<ID>, name: &'static str) -> AppResult<Option<Uuid>> {
    let Some(raw) = raw else { return Ok(None) };
    let id = decode(raw, Kind::Partner, name)?;
    partners::find(tx, id).await?.ok_or(AppError::NotFound(Some(name)))?;
    Ok(Some(id))
}

async fn handoff_in(tx: &TenantTx, raw: &Option<ID>, name: &'static str) -> AppResult<Option<Uuid>> {
    let Some(raw) = raw else { return Ok(None) };
    let id = decode(raw, Kind::Handoff, name)?;
    handoffs::find(tx, id).await?.ok_or(AppError::NotFound(Some(name)))?;
    Ok(Some(id))
}

#[derive(Default)]
pub struct TrustRecordMutation;

#[Object]
impl TrustRecordMutation {
    /// A SELLER logs their own ask; a SALES_LEADER or ADMIN logs one for a named seller.
    async fn log_partner_ask(&self, ctx: &Context<'_>, input: LogPartnerAskInput) -> AppResult<LogPartnerAskPayload> {
        let scope =
            in_organization(ctx, &input.organization_id, &[Role::Seller, Role::SalesLeader, Role::Admin]).await?;
        let at = happened_at(ctx, input.asked_at, "askedAt")?;
        let note = note(&input.note)?;
        let account_name = optional_text(input.account_name.as_deref(), 200).map_err(field("accountName"))?;
        if input.account_id.is_some() == account_name.is_some() {
            return Err(AppError::bad_input("accountId", "give either accountId or accountName"));
        }
        let tx = store(ctx).tenant(&scope).await?;
        let seller_id = seller_for(&tx, &scope, &input.seller_id).await?;
        let new = records::NewAsk {
            seller_id,
            account_id: account_in(&tx, &input.account_id, "accountId").await?,
            account_name,
            partner_id: partner_in(&tx, &input.partner_id, "partnerId").await?,
        };
        let row = records::add_ask(&tx, new, Logged { note, at }, now(ctx)).await?;
        tx.commit().await?;
        Ok(LogPartnerAskPayload { partner_ask: PartnerAsk(row) })
    }

    /// A SELLER logs their own meeting; a PARTNER_MARKETER, SALES_LEADER or ADMIN logs one for a named seller.
    async fn log_partner_meeting(
        &self,
        ctx: &Context<'_>,
        input: LogPartnerMeetingInput,
    ) -> AppResult<LogPartnerMeetingPayload> {
        let scope = in_organization(ctx, &input.organization_id, &Role::ALL).await?;
        let at = happened_at(ctx, input.met_at, "metAt")?;
        let note = note(&input.note)?;
        let tx = store(ctx).tenant(&scope).await?;
        let seller_id = seller_for(&tx, &scope, &input.seller_id).await?;
        let new = records::NewMeeting {
            seller_id,
            account_id: account_in(&tx, &Some(input.account_id.clone()), "accountId").await?.unwrap_or_default(),
            partner_id: partner_in(&tx, &Some(input.partner_id.clone()), "partnerId").await?.unwrap_or_default(),
            handoff_id: handoff_in(&tx, &input.handoff_id, "handoffId").await?,
        };
        let row = records::add_meeting(&tx, new, Logged { note, at }, now(ctx)).await?;
        tx.commit().await?;
        Ok(LogPartnerMeetingPayload { partner_meeting: PartnerMeeting(row) })
    }

    /// SELLER, SALES_LEADER or ADMIN.
    async fn log_pipeline_mention(
        &self,
        ctx: &Context<'_>,
        input: LogPipelineMentionInput,
    ) -> AppResult<LogPipelineMentionPayload> {
        let scope =
            in_organization(ctx, &input.organization_id, &[Role::Seller, Role::SalesLeader, Role::Admin]).await?;
        let at = happened_at(ctx, input.mentioned_at, "mentionedAt")?;
        let note = note(&input.note)?;
        if input.account_id.is_none() && input.partner_id.is_none() {
            return Err(AppError::bad_input("accountId", "name the account, the partner, or both"));
        }
        let tx = store(ctx).tenant(&scope).await?;
        let new = records::NewMention {
            review_kind: input.review_kind.into(),
            account_id: account_in(&tx, &input.account_id, "accountId").await?,
            partner_id: partner_in(&tx, &input.partner_id, "partnerId").await?,
            partner_marketing_present: input.partner_marketing_present,
        };
        let row = records::add_mention(&tx, new, Logged { note, at }, now(ctx)).await?;
        tx.commit().await?;
        Ok(LogPipelineMentionPayload { pipeline_mention: PipelineMention(row) })
    }

    /// Any member.
    async fn raise_escalation(
        &self,
        ctx: &Context<'_>,
        input: RaiseEscalationInput,
    ) -> AppResult<RaiseEscalationPayload> {
        let scope = in_organization(ctx, &input.organization_id, &Role::ALL).await?;
        let at = happened_at(ctx, input.raised_at, "raisedAt")?;
        let note = note(&input.note)?;
        if input.handoff_id.is_none() && input.account_id.is_none() && input.partner_id.is_none() {
            return Err(AppError::bad_input("handoffId", "name the handoff, the account or the partner it is about"));
        }
        let tx = store(ctx).tenant(&scope).await?;
        let new = records::NewEscalation {
            handoff_id: handoff_in(&tx, &input.handoff_id, "handoffId").await?,
            account_id: account_in(&tx, &input.account_id, "accountId").await?,
            partner_id: partner_in(&tx, &input.partner_id, "partnerId").await?,
            topic: input.topic.into(),
        };
        let row = records::add_escalation(&tx, new, Logged { note, at }, now(ctx)).await?;
        tx.commit().await?;
        Ok(RaiseEscalationPayload { escalation: Escalation(row) })
    }

    /// SALES_LEADER or ADMIN.
    async fn log_score_review(
        &self,
        ctx: &Context<'_>,
        input: LogScoreReviewInput,
    ) -> AppResult<LogScoreReviewPayload> {
        let scope = in_organization(ctx, &input.organization_id, &[Role::SalesLeader, Role::Admin]).await?;
        let at = happened_at(ctx, input.reviewed_at, "reviewedAt")?;
        let note = note(&input.note)?;
        if input.attendee_ids.is_empty() || input.attendee_ids.len() > 100 {
            return Err(AppError::bad_input("attendeeIds", "name 1 to 100 attendees"));
        }
        let tx = store(ctx).tenant(&scope).await?;
        let mut attendees = Vec::with_capacity(input.attendee_ids.len());
        for raw in &input.attendee_ids {
            attendees.push(member_with_role(&tx, raw, "attendeeIds", &Role::ALL).await?);
        }
        attendees.dedup();
        let row = records::add_score_review(&tx, &attendees, Logged { note, at }, now(ctx)).await?;
        tx.commit().await?;
        Ok(LogScoreReviewPayload { score_review: ScoreReview(row) })
    }

    /// The member who logged the record, or an ADMIN. Archived records leave lists and signals.
    async fn archive_trust_record(
        &self,
        ctx: &Context<'_>,
        input: ArchiveTrustRecordInput,
    ) -> AppResult<ArchiveTrustRecordPayload> {
        let (kind, _) = super::ids::decode_any(&input.id, "id")?;
        let (scope, id) = owner_of(ctx, &input.id, kind, "id", &Role::ALL).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let missing = || AppError::NotFound(Some("id"));
        let may = |logged_by: Uuid| scope.role() == Role::Admin || logged_by == scope.user_id();
        let refuse = || AppError::Forbidden("only the member who logged it or an ADMIN may archive it".into());
        let at = now(ctx);
        let archived_at = match kind {
            Kind::PartnerAsk => {
                let row = records::asks::find(&tx, id).await?.ok_or_else(missing)?;
                if !may(row.logged_by) {
                    return Err(refuse());
                }
                records::asks::archive(&tx, row, at).await?.archived_at
            }
            Kind::PartnerMeeting => {
                let row = records::meetings::find(&tx, id).await?.ok_or_else(missing)?;
                if !may(row.logged_by) {
                    return Err(refuse());
                }
                records::meetings::archive(&tx, row, at).await?.archived_at
            }
            Kind::PipelineMention => {
                let row = records::mentions::find(&tx, id).await?.ok_or_else(missing)?;
                if !may(row.logged_by) {
                    return Err(refuse());
                }
                records::mentions::archive(&tx, row, at).await?.archived_at
            }
            Kind::Escalation => {
                let row = records::escalations::find(&tx, id).await?.ok_or_else(missing)?;
                if !may(row.logged_by) {
                    return Err(refuse());
                }
                records::escalations::archive(&tx, row, at).await?.archived_at
            }
            Kind::ScoreReview => {
                let row = records::score_reviews::find(&tx, id).await?.ok_or_else(missing)?;
                if !may(row.logged_by) {
                    return Err(refuse());
                }
                records::score_reviews::archive(&tx, row, at).await?.archived_at
            }
            _ => return Err(AppError::bad_input("id", "is not the ID of a trust record")),
        };
        tx.commit().await?;
        Ok(ArchiveTrustRecordPayload { id: input.id, archived_at: archived_at.unwrap_or(at) })
    }
}

/// `Organization.<records>`: one page of a record type, most recent first.
macro_rules! record_list {
    ($name:ident, $module:ident, $node:ident) => {
        pub async fn $name(
            ctx: &Context<'_>,
            organization_id: Uuid,
            first: Option<i32>,
            after: Option<String>,
            last: Option<i32>,
            before: Option<String>,
            include_archived: bool,
        ) -> AppResult<async_graphql::connection::Connection<String, $node>> {
            let page = super::paging::page(first, after, last, before)?;
            let scope = super::context::viewer(ctx).require(organization_id, &Role::ALL).await?;
            let tx = store(ctx).tenant(&scope).await?;
            let (rows, has_next) = records::$module::list(&tx, include_archived, page).await?;
            tx.commit().await?;
            Ok(super::paging::connection(rows, has_next, page, |r| r.id, $node))
        }
    };
}

record_list!(list_asks, asks, PartnerAsk);
record_list!(list_meetings, meetings, PartnerMeeting);
record_list!(list_mentions, mentions, PipelineMention);
record_list!(list_escalations, escalations, Escalation);
record_list!(list_score_reviews, score_reviews, ScoreReview);
