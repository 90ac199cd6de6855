//! Organizations: the tenants, and the entry point to everything inside one.

use super::inline::Inline;
use super::total_count::TotalCount;
use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::accounts::Account;
use super::api_tokens::ApiToken;
use super::context::{now, store, viewer};
use super::handoff_events::HandoffEventType;
use super::handoffs::{Handoff, list};
use super::ids::{Kind, encode};
use super::memberships::Membership;
use super::paging::page;
use super::partners::Partner;
use super::roles::RoleGql;
use super::scoping::in_organization;
use super::scorecard::{self, Scorecard};
use super::scorecard_enums::{BandGql, HandoffStatusGql};
use super::trust::{self, BucketGql, SignalGql, TrustPoint, TrustReport};
use super::trust_records::{self, Escalation, PartnerAsk, PartnerMeeting, PipelineMention, ScoreReview};
use super::working_agreement::WorkingAgreement;
use crate::domain::access::RULE_OWNERS;
use crate::domain::audit::Action;
use crate::domain::{DisplayName, Role, Slug};
use crate::error::{AppError, AppResult, field};
use crate::store::{audit, organizations};

/// One client company: a tenant. Visible only to its members.
pub struct Organization(pub organizations::Organization);

/// One client company: a tenant. Visible only to its members.
#[Object]
impl Organization {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Organization, self.0.id)
    }
    /// Display name, 1 to 200 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// URL name: lowercase letters, digits and hyphens, 3 to 40 characters.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// When the organization was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The caller's role here.
    async fn viewer_role(&self, ctx: &Context<'_>) -> AppResult<RoleGql> {
        Ok(viewer(ctx).require(self.0.id, &Role::ALL).await?.role().into())
    }
    /// Members in joining order. `first` defaults to 50, at most 100.
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor; not with `last`/`before`.")] after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor; not with `first`/`after`.")] before: Option<String>,
    ) -> AppResult<Connection<String, Membership, TotalCount>> {
        super::memberships::list(ctx, &self.0, page(first, after, last, before)?).await
    }
    /// The send gate's minimum score (9 unless changed; never below 9).
    async fn minimum_score_to_send(&self) -> i32 {
        i32::from(self.0.min_score_to_send)
    }
    /// Partners in creation order; archived ones only when asked.
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor; not with `last`/`before`.")] after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor; not with `first`/`after`.")] before: Option<String>,
        #[graphql(default_with = "Some(false)", desc = "Also list and count archived partners; left out by default.")]
        include_archived: Option<bool>,
    ) -> AppResult<Connection<String, Partner, TotalCount>> {
        super::partners::list(ctx, self.0.id, page(first, after, last, before)?, include_archived.unwrap_or(false))
            .await
    }
    /// Accounts in creation order, optionally of one seller; archived ones only when asked.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn accounts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor; not with `last`/`before`.")] after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor; not with `first`/`after`.")] before: Option<String>,
        #[graphql(desc = "Only the accounts of this seller (a user ID); `totalCount` counts the same.")]
        seller_id: Option<ID>,
        #[graphql(default_with = "Some(false)", desc = "Also list and count archived accounts; left out by default.")]
        include_archived: Option<bool>,
    ) -> AppResult<Connection<String, Account, TotalCount>> {
        super::accounts::list(
            ctx,
            self.0.id,
            page(first, after, last, before)?,
            seller_id,
            include_archived.unwrap_or(false),
        )
        .await
    }
    /// Handoffs the caller may see (a seller: sent handoffs addressed to them; a sales leader:
    /// every sent handoff), newest first unless `orderBy` says otherwise.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn handoffs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor, from a list in the same order; not with `last`/`before`.")]
        after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor, from a list in the same order; not with `first`/`after`.")]
        before: Option<String>,
        #[graphql(desc = "Only handoffs in this status.")] status: Option<HandoffStatusGql>,
        #[graphql(desc = "Only handoffs whose score falls in this band.")] band: Option<BandGql>,
        #[graphql(desc = "Only handoffs that bring this partner.")] partner_id: Option<ID>,
        #[graphql(desc = "Only handoffs about this account.")] account_id: Option<ID>,
        #[graphql(desc = "Only handoffs addressed to this seller (a user ID).")] seller_id: Option<ID>,
        #[graphql(desc = "Only handoffs whose owner is this member (a user ID).")] owner_id: Option<ID>,
        #[graphql(desc = "Only handoffs created by this partner marketer (a user ID).")] marketer_id: Option<ID>,
        #[graphql(desc = "Only handoffs sent at or after this time.")] sent_after: Option<DateTime<Utc>>,
        #[graphql(desc = "Only handoffs sent before this time.")] sent_before: Option<DateTime<Utc>>,
        #[graphql(
            desc = "The sort key and direction; newest created first if omitted (`SENT_AT` lists only sent handoffs)."
        )]
        order_by: Option<list::HandoffOrder>,
        #[graphql(default_with = "Some(false)", desc = "Also list archived handoffs; left out by default.")]
        include_archived: Option<bool>,
    ) -> AppResult<Connection<list::Cursor, Inline<Handoff>>> {
        let filters = list::Filters {
            status,
            band,
            partner_id,
            account_id,
            seller_id,
            owner_id,
            marketer_id,
            sent_after,
            sent_before,
            include_archived: include_archived.unwrap_or(false),
        };
        list::resolve(ctx, self.0.id, first, after, last, before, order_by, filters).await
    }
    /// "Grade your last three handoffs, not your best one": the last `lastN` (1 to 50) handoffs
    /// actually sent, by sent time, optionally of one partner or one partner marketer.
    async fn scorecard(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "Some(3)",
            desc = "How many of the latest sent handoffs to cover, 1 to 50 (default 3); archived ones never count."
        )]
        last_n: Option<i32>,
        #[graphql(desc = "Only handoffs that bring this partner.")] partner_id: Option<ID>,
        #[graphql(desc = "Only handoffs created by this partner marketer (a user ID).")] marketer_id: Option<ID>,
    ) -> AppResult<Scorecard> {
        let last_n = last_n.unwrap_or(3);
        scorecard::compute(ctx, viewer(ctx), self.0.id, last_n, partner_id, marketer_id).await
    }
    /// Partner asks sellers logged, most recent first. Archived ones only when asked.
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn partner_asks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor; not with `last`/`before`.")] after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor; not with `first`/`after`.")] before: Option<String>,
        #[graphql(default_with = "Some(false)", desc = "Also list archived partner asks; left out by default.")]
        include_archived: Option<bool>,
    ) -> AppResult<Connection<String, PartnerAsk>> {
        trust_records::list::<entity::partner_ask::Entity, _>(
            ctx,
            self.0.id,
            page(first, after, last, before)?,
            include_archived.unwrap_or(false),
            PartnerAsk,
        )
        .await
    }
    /// Partner meetings sellers took, most recent first. Archived ones only when asked.
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn partner_meetings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor; not with `last`/`before`.")] after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor; not with `first`/`after`.")] before: Option<String>,
        #[graphql(default_with = "Some(false)", desc = "Also list archived partner meetings; left out by default.")]
        include_archived: Option<bool>,
    ) -> AppResult<Connection<String, PartnerMeeting>> {
        trust_records::list::<entity::partner_meeting::Entity, _>(
            ctx,
            self.0.id,
            page(first, after, last, before)?,
            include_archived.unwrap_or(false),
            PartnerMeeting,
        )
        .await
    }
    /// Partner-influence mentions in forecast, pipeline and deal reviews, most recent first. Archived ones only when asked.
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn pipeline_mentions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor; not with `last`/`before`.")] after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor; not with `first`/`after`.")] before: Option<String>,
        #[graphql(default_with = "Some(false)", desc = "Also list archived pipeline mentions; left out by default.")]
        include_archived: Option<bool>,
    ) -> AppResult<Connection<String, PipelineMention>> {
        trust_records::list::<entity::pipeline_mention::Entity, _>(
            ctx,
            self.0.id,
            page(first, after, last, before)?,
            include_archived.unwrap_or(false),
            PipelineMention,
        )
        .await
    }
    /// Escalations raised, most recent first. Archived ones only when asked.
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn escalations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor; not with `last`/`before`.")] after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor; not with `first`/`after`.")] before: Option<String>,
        #[graphql(default_with = "Some(false)", desc = "Also list archived escalations; left out by default.")]
        include_archived: Option<bool>,
    ) -> AppResult<Connection<String, Escalation>> {
        trust_records::list::<entity::escalation::Entity, _>(
            ctx,
            self.0.id,
            page(first, after, last, before)?,
            include_archived.unwrap_or(false),
            Escalation,
        )
        .await
    }
    /// Score reviews held, most recent first. Archived ones only when asked.
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn score_reviews(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor; not with `last`/`before`.")] after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor; not with `first`/`after`.")] before: Option<String>,
        #[graphql(default_with = "Some(false)", desc = "Also list archived score reviews; left out by default.")]
        include_archived: Option<bool>,
    ) -> AppResult<Connection<String, ScoreReview>> {
        trust_records::list::<entity::score_review::Entity, _>(
            ctx,
            self.0.id,
            page(first, after, last, before)?,
            include_archived.unwrap_or(false),
            ScoreReview,
        )
        .await
    }
    /// Plays that belong to the organization rather than to any one packet, each with its reason:
    /// RENEGOTIATE_THE_RULE while no working agreement is signed by both sides, SCORE_IN_THE_OPEN
    /// while no score review happened within the agreed cadence (30 days when none is agreed).
    async fn rule_plays(&self, ctx: &Context<'_>) -> AppResult<Vec<scorecard::RulePlayGql>> {
        scorecard::organization_rule_plays(ctx, self.0.id).await
    }
    /// The latest version of the working agreement (DRAFT or AGREED); null before the first draft.
    async fn working_agreement(&self, ctx: &Context<'_>) -> AppResult<Option<WorkingAgreement>> {
        super::working_agreement::latest(ctx, self.0.id).await
    }
    /// The latest version both sides signed, which new handoffs and the send gate follow.
    async fn agreed_working_agreement(&self, ctx: &Context<'_>) -> AppResult<Option<WorkingAgreement>> {
        super::working_agreement::agreed(ctx, self.0.id).await
    }
    /// Every version of the working agreement, newest first.
    async fn working_agreement_history(&self, ctx: &Context<'_>) -> AppResult<Vec<WorkingAgreement>> {
        super::working_agreement::history(ctx, self.0.id).await
    }
    /// The six trust signals over the last `days` days (1 to 730) against the `days` before,
    /// optionally for one partner or one seller. ADMIN, PARTNER_MARKETER and SALES_LEADER.
    async fn trust_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "Some(90)",
            desc = "Days in the window ending now, 1 to 730 (default 90), compared with the same number of days before."
        )]
        days: Option<i32>,
        #[graphql(
            desc = "Only handoffs with this partner and records about it, escalations about its handoffs included."
        )]
        partner_id: Option<ID>,
        #[graphql(desc = "Only handoffs addressed to this seller (a user ID) and the records of this seller.")]
        seller_id: Option<ID>,
    ) -> AppResult<TrustReport> {
        trust::report(ctx, viewer(ctx), self.0.id, days.unwrap_or(90), partner_id, seller_id).await
    }
    /// One signal per calendar week or month in `[from, to)` (at most 400 points), for charts.
    /// ADMIN, PARTNER_MARKETER and SALES_LEADER.
    #[allow(clippy::too_many_arguments)]
    async fn trust_series(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signal to chart.")] signal: SignalGql,
        #[graphql(desc = "The width of each point: calendar weeks from Monday or calendar months, in UTC.")]
        bucket: BucketGql,
        #[graphql(desc = "Start of the span; the first bucket starts at or before it.")] from: DateTime<Utc>,
        #[graphql(desc = "End of the span, exclusive: after `from`, and at most 400 buckets away.")] to: DateTime<Utc>,
        #[graphql(
            desc = "Only handoffs with this partner and records about it, escalations about its handoffs included."
        )]
        partner_id: Option<ID>,
        #[graphql(desc = "Only handoffs addressed to this seller (a user ID) and the records of this seller.")]
        seller_id: Option<ID>,
    ) -> AppResult<Vec<TrustPoint>> {
        trust::series(ctx, self.0.id, signal, bucket, from, to, trust::scope_of(partner_id, seller_id)?).await
    }
    /// Webhook endpoints, oldest first. ADMIN only.
    async fn webhook_endpoints(&self, ctx: &Context<'_>) -> AppResult<Vec<super::webhooks::WebhookEndpoint>> {
        super::webhooks::endpoints(ctx, self.0.id).await
    }
    /// The organization's handoff events, oldest first, for clients that poll: those after `after`
    /// (an event's `cursor`), of `types` (all four by default), on handoffs the caller may see now.
    /// Events are kept 7 days unless configured otherwise; an older cursor is `BAD_USER_INPUT` and
    /// the client must resync. A log read in order, so it pages forward only.
    #[graphql(complexity = "super::paging::cost(first, child_complexity)")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many events to return, 0 to 100 (default 50).")] first: Option<i32>,
        #[graphql(desc = "An event's `cursor`: only later events; one older than the event retention is refused.")]
        after: Option<String>,
        #[graphql(desc = "Event types to return; all four if omitted or empty.")] types: Option<Vec<HandoffEventType>>,
    ) -> AppResult<Connection<String, super::handoff_events::HandoffEventGql>> {
        super::handoff_events::list(ctx, self.0.id, first, after, types).await
    }
    /// Invitations to this organization, newest first, closed ones included. ADMIN only.
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn invitations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor; not with `last`/`before`.")] after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor; not with `first`/`after`.")] before: Option<String>,
    ) -> AppResult<Connection<String, super::invitations::Invitation, TotalCount>> {
        super::invitations::list(ctx, self.0.id, page(first, after, last, before)?).await
    }
    /// Who changed members, invitations, API tokens, webhooks, the working agreement and settings,
    /// newest first. ADMIN only.
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor; not with `last`/`before`.")] after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor; not with `first`/`after`.")] before: Option<String>,
    ) -> AppResult<Connection<String, super::audit::AuditEvent>> {
        super::audit::list(ctx, self.0.id, page(first, after, last, before)?).await
    }
    /// API tokens of this organization, revoked ones included. ADMIN only.
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn api_tokens(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor; not with `last`/`before`.")] after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor; not with `first`/`after`.")] before: Option<String>,
    ) -> AppResult<Connection<String, ApiToken, TotalCount>> {
        super::api_tokens::list(ctx, self.0.id, page(first, after, last, before)?).await
    }
}

#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// The organization with this slug, or null unless the caller is a member.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's slug, its URL name.")] slug: String,
    ) -> AppResult<Option<Organization>> {
        // The row is read with its slug (kept in memory) and shown only to a member: at most one
        // statement, no transaction.
        let Some(org) = organizations::by_slug_kept(store(ctx), &slug).await? else { return Ok(None) };
        if viewer(ctx).scope_in(org.id).await?.is_none() {
            return Ok(None);
        }
        Ok(Some(Organization(org)))
    }
}

/// A new organization; its creator becomes its first ADMIN.
#[derive(InputObject)]
pub struct CreateOrganizationInput {
    /// Display name, 1 to 200 characters.
    pub name: String,
    /// Lowercase letters, digits and hyphens, 3 to 40 characters; a taken slug is a `CONFLICT`.
    pub slug: String,
}

/// The result of `createOrganization`.
#[derive(SimpleObject)]
pub struct CreateOrganizationPayload {
    /// The new organization; the caller is its ADMIN.
    pub organization: Organization,
}

/// Organization settings that shape the acceptance rules.
#[derive(InputObject)]
pub struct UpdateOrganizationSettingsInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// The send gate's minimum score, 9 to 18 (a NOT_A_HANDOFF_YET handoff never goes out).
    pub minimum_score_to_send: Option<i32>,
}

/// The result of `updateOrganizationSettings`.
#[derive(SimpleObject)]
pub struct UpdateOrganizationSettingsPayload {
    /// The organization with its new settings.
    pub organization: Organization,
}

#[derive(Default)]
pub struct OrganizationMutation;

#[Object]
impl OrganizationMutation {
    /// Any logged-in person may create an organization (API tokens may not).
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new organization's name and slug.")] input: CreateOrganizationInput,
    ) -> AppResult<CreateOrganizationPayload> {
        let user_id = viewer(ctx).require_session()?;
        let name = DisplayName::parse(&input.name).map_err(field("name"))?;
        let slug = Slug::parse(&input.slug).map_err(field("slug"))?;
        let tx = store(ctx).begin().await?;
        let org = organizations::create_with_admin(&tx, name, &slug, user_id, now(ctx)).await?;
        tx.commit().await.map_err(crate::store::StoreError::from)?;
        Ok(CreateOrganizationPayload { organization: Organization(org) })
    }

    /// ADMIN or SALES_LEADER.
    async fn update_organization_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and the settings to change.")] input: UpdateOrganizationSettingsInput,
    ) -> AppResult<UpdateOrganizationSettingsPayload> {
        let scope = in_organization(ctx, &input.organization_id, RULE_OWNERS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let mut org = organizations::get(&tx).await?;
        if let Some(minimum) = input.minimum_score_to_send {
            let minimum = u8::try_from(minimum)
                .ok()
                .filter(|m| (9..=18).contains(m))
                .ok_or_else(|| AppError::bad_input("minimumScoreToSend", "must be between 9 and 18"))?;
            org = organizations::set_min_score_to_send(&tx, minimum).await?;
            let detail = format!("minimumScoreToSend {minimum}");
            audit::record(&tx, Action::SettingsChanged, None, detail, Utc::now()).await?;
        }
        tx.commit().await?;
        Ok(UpdateOrganizationSettingsPayload { organization: Organization(org) })
    }
}
