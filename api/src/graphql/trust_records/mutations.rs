//! Logging, raising and archiving trust records.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::super::accounts::member_with_role;
use super::super::context::{now, store};
use super::super::ids::{Kind, decode};
use super::super::scoping::{in_organization, owner_of};
use crate::auth::OrgScope;
use crate::domain::Role;
use crate::domain::access::{SCORE_REVIEWERS, SELLER_RECORDERS};
use crate::domain::text::{Note, ShortText};
use crate::error::{AppError, AppResult, field};
use crate::store::TenantTx;
use crate::store::tenant_table;
use crate::store::trust_records::{self as records, Logged};

use super::inputs::*;
use super::types::*;

/// When the event happened: the given time (never in the future nor over five years ago) or now.
fn happened_at(ctx: &Context<'_>, given: Option<DateTime<Utc>>, field_name: &'static str) -> AppResult<DateTime<Utc>> {
    crate::domain::text::happened_at(given, now(ctx)).map_err(field(field_name))
}

fn note(raw: &Option<String>) -> AppResult<Option<String>> {
    Note::optional_string(raw.as_deref()).map_err(field("note"))
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
    tenant_table::find::<entity::account::Entity>(tx, id).await?.ok_or(AppError::NotFound(Some(name)))?;
    Ok(Some(id))
}

async fn partner_in(tx: &TenantTx, raw: &Option<ID>, name: &'static str) -> AppResult<Option<Uuid>> {
    let Some(raw) = raw else { return Ok(None) };
    let id = decode(raw, Kind::Partner, name)?;
    tenant_table::find::<entity::partner::Entity>(tx, id).await?.ok_or(AppError::NotFound(Some(name)))?;
    Ok(Some(id))
}

async fn handoff_in(tx: &TenantTx, raw: &Option<ID>, name: &'static str) -> AppResult<Option<Uuid>> {
    let Some(raw) = raw else { return Ok(None) };
    let id = decode(raw, Kind::Handoff, name)?;
    tenant_table::find::<entity::handoff::Entity>(tx, id).await?.ok_or(AppError::NotFound(Some(name)))?;
    Ok(Some(id))
}

#[derive(Default)]
pub struct TrustRecordMutation;

#[Object]
impl TrustRecordMutation {
    /// A SELLER logs their own ask; a SALES_LEADER or ADMIN logs one for a named seller.
    async fn log_partner_ask(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and the ask: the seller, the account, the partner, when and a note.")]
        input: LogPartnerAskInput,
    ) -> AppResult<LogPartnerAskPayload> {
        let scope = in_organization(ctx, &input.organization_id, SELLER_RECORDERS).await?;
        let at = happened_at(ctx, input.asked_at, "askedAt")?;
        let note = note(&input.note)?;
        let account_name = ShortText::optional_string(input.account_name.as_deref()).map_err(field("accountName"))?;
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
        #[graphql(desc = "The organization and the meeting: the seller, the account, the partner, when and a note.")]
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
        #[graphql(
            desc = "The organization and the mention: the review, account or partner, who was present, when and a note."
        )]
        input: LogPipelineMentionInput,
    ) -> AppResult<LogPipelineMentionPayload> {
        let scope = in_organization(ctx, &input.organization_id, SELLER_RECORDERS).await?;
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
        #[graphql(desc = "The organization and the escalation: its topic, what it is about, when and a note.")]
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
        #[graphql(desc = "The organization and the review: who attended, when and a note.")] input: LogScoreReviewInput,
    ) -> AppResult<LogScoreReviewPayload> {
        let scope = in_organization(ctx, &input.organization_id, SCORE_REVIEWERS).await?;
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
        #[graphql(desc = "The record to archive.")] input: ArchiveTrustRecordInput,
    ) -> AppResult<ArchiveTrustRecordPayload> {
        let (kind, _) = super::super::ids::decode_any(&input.id, "id")?;
        let (scope, id) = owner_of(ctx, &input.id, kind, "id", &Role::ALL).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let at = now(ctx);
        let archived_at = match kind {
            Kind::PartnerAsk => archive_record::<entity::partner_ask::Entity>(&tx, &scope, id, at).await?,
            Kind::PartnerMeeting => archive_record::<entity::partner_meeting::Entity>(&tx, &scope, id, at).await?,
            Kind::PipelineMention => archive_record::<entity::pipeline_mention::Entity>(&tx, &scope, id, at).await?,
            Kind::Escalation => archive_record::<entity::escalation::Entity>(&tx, &scope, id, at).await?,
            Kind::ScoreReview => archive_record::<entity::score_review::Entity>(&tx, &scope, id, at).await?,
            _ => return Err(AppError::bad_input("id", "is not the ID of a trust record")),
        };
        tx.commit().await?;
        Ok(ArchiveTrustRecordPayload { id: input.id, archived_at: archived_at.unwrap_or(at) })
    }
}

/// Archives record `id` of table `T` for the member who logged it or an ADMIN; returns when it
/// was archived (the first time, if it was archived already).
async fn archive_record<T: records::Record>(
    tx: &TenantTx,
    scope: &OrgScope,
    id: Uuid,
    at: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>>
where
    T::Model: sea_orm::IntoActiveModel<T::ActiveModel>,
    T::ActiveModel: sea_orm::ActiveModelTrait<Entity = T> + Send,
{
    let row = records::find::<T>(tx, id).await?.ok_or(AppError::NotFound(Some("id")))?;
    if scope.role() != Role::Admin && T::logged_by(&row) != scope.user_id() {
        return Err(AppError::Forbidden("only the member who logged it or an ADMIN may archive it".into()));
    }
    Ok(T::archived_at(&records::archive::<T>(tx, row, at).await?))
}
