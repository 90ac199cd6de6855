//! The working agreement between partner marketing and sales, made before handoffs move.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::accounts::Account;
use super::context::{now, store};
use super::handoffs::types::load_user;
use super::scoping::{in_organization, read_in};
use super::scorecard_enums::ComponentGql;
use super::users::User;
use crate::domain::Role;
use crate::domain::access::AGREEMENT_PARTIES;
use crate::domain::audit::Action;
use crate::domain::working_agreement::{Side, Term, TermChanges, may_sign, next_version};
use crate::error::{AppError, AppResult};
use crate::store::tenant_table;
use crate::store::working_agreements::{self, AgreementRow};
use crate::store::{accounts, audit, organizations};

/// Whether both sides have signed a version.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AgreementStatus {
    /// Not yet signed by both a partner marketer (or admin) and a sales leader.
    Draft,
    /// Signed by both sides; new handoffs follow it.
    Agreed,
}

/// One version of the working agreement.
pub struct WorkingAgreement(pub AgreementRow);

/// One version of the working agreement: what a handoff must include, what acceptance means, the
/// response window, the minimum score to send, the partner-influence language and the cadence of
/// score reviews. Agreed only when both sides signed this version; a change makes a new version.
#[Object]
impl WorkingAgreement {
    /// 1 for the first version, then 2, 3…
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// DRAFT until both sides signed this version.
    async fn status(&self) -> AgreementStatus {
        if self.0.agreed_at.is_some() { AgreementStatus::Agreed } else { AgreementStatus::Draft }
    }
    /// The target accounts sales had confirmed when this version was drafted.
    async fn confirmed_accounts(&self, ctx: &Context<'_>) -> AppResult<Vec<Account>> {
        let ids = &self.0.confirmed_account_ids.0;
        let scope = super::context::viewer(ctx).require(self.0.organization_id, &Role::ALL).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let rows = tenant_table::find_many::<entity::account::Entity>(&tx, ids).await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(Account::from).collect())
    }
    /// Components a handoff must not be missing to be sent.
    async fn required_components(&self) -> Vec<ComponentGql> {
        working_agreements::required_components(&self.0).into_iter().map(Into::into).collect()
    }
    /// What counts as accepted; new handoffs take it as their default.
    async fn acceptance_definition(&self) -> Option<&str> {
        self.0.acceptance_definition.as_deref()
    }
    /// Days a seller has to decide; new handoffs take it as their default.
    async fn response_window_days(&self) -> Option<i32> {
        self.0.response_window_days.map(i32::from)
    }
    /// The send gate's minimum score while this version is the agreed one.
    async fn minimum_score_to_send(&self) -> i32 {
        i32::from(self.0.min_score_to_send)
    }
    /// The agreed partner-influence language for CRM and pipeline review.
    async fn influence_language(&self) -> Option<&str> {
        self.0.influence_language.as_deref()
    }
    /// How often, in days, sales leadership reviews handoff scores.
    async fn score_review_cadence_days(&self) -> Option<i32> {
        self.0.score_review_cadence_days.map(i32::from)
    }
    /// Who drafted this version.
    async fn drafted_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        load_user(ctx, Some(self.0.drafted_by)).await
    }
    /// The partner marketer or admin who signed for partner marketing.
    async fn partner_marketing_signed_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        load_user(ctx, self.0.marketing_signed_by).await
    }
    /// When partner marketing signed.
    async fn partner_marketing_signed_at(&self) -> Option<DateTime<Utc>> {
        self.0.marketing_signed_at
    }
    /// The sales leader who signed for sales.
    async fn sales_signed_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        load_user(ctx, self.0.sales_signed_by).await
    }
    /// When sales signed.
    async fn sales_signed_at(&self) -> Option<DateTime<Utc>> {
        self.0.sales_signed_at
    }
    /// When the second signature made it agreed.
    async fn agreed_at(&self) -> Option<DateTime<Utc>> {
        self.0.agreed_at
    }
    /// When this version was drafted.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A new version of the working agreement. Omitted fields carry over from the latest version.
#[derive(InputObject)]
pub struct DraftWorkingAgreementInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// Components a handoff must not be missing to be sent.
    pub required_components: Option<Vec<ComponentGql>>,
    /// What counts as accepted (at most 4000 characters).
    pub acceptance_definition: Option<String>,
    /// Days a seller has to decide, 1 to 90.
    pub response_window_days: Option<i32>,
    /// The send gate's minimum score, 9 to 18 (default: the organization's setting).
    pub minimum_score_to_send: Option<i32>,
    /// Partner-influence language for CRM and pipeline review (at most 4000 characters).
    pub influence_language: Option<String>,
    /// How often, in days, sales leadership reviews handoff scores (1 to 365).
    pub score_review_cadence_days: Option<i32>,
}

/// The result of `draftWorkingAgreement`.
#[derive(SimpleObject)]
pub struct DraftWorkingAgreementPayload {
    /// The new, unsigned version.
    pub working_agreement: WorkingAgreement,
}

/// Signs the latest version for the caller's side.
#[derive(InputObject)]
pub struct SignWorkingAgreementInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// The version being signed; it must be the latest.
    pub version: i32,
}

/// The result of `signWorkingAgreement`.
#[derive(SimpleObject)]
pub struct SignWorkingAgreementPayload {
    /// The signed version; AGREED once both sides have signed it.
    pub working_agreement: WorkingAgreement,
}

#[derive(Default)]
pub struct WorkingAgreementMutation;

#[Object]
impl WorkingAgreementMutation {
    /// PARTNER_MARKETER, SALES_LEADER or ADMIN: either side drafts. Every change is a new version.
    async fn draft_working_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The organization and the terms that change; omitted terms carry over from the latest version."
        )]
        input: DraftWorkingAgreementInput,
    ) -> AppResult<DraftWorkingAgreementPayload> {
        let scope = in_organization(ctx, &input.organization_id, AGREEMENT_PARTIES).await?;
        let changes = TermChanges {
            required_components: input.required_components.map(|list| list.into_iter().map(Into::into).collect()),
            acceptance_definition: input.acceptance_definition,
            response_window_days: input.response_window_days,
            minimum_score_to_send: input.minimum_score_to_send,
            influence_language: input.influence_language,
            score_review_cadence_days: input.score_review_cadence_days,
        };
        let tx = store(ctx).tenant(&scope).await?;
        let latest = working_agreements::lock_latest(&tx).await?;
        let organization = organizations::get(&tx).await?;
        let before = latest.as_ref().map(working_agreements::terms_of).transpose()?;
        let minimum = working_agreements::organization_minimum(organization.id, organization.min_score_to_send)?;
        let terms = next_version(before.as_ref(), minimum, changes)
            .map_err(|(term, invalid)| AppError::bad_input(term_field(term), invalid.0))?;
        let confirmed = accounts::confirmed_ids(&tx).await?;
        let row = working_agreements::draft(&tx, latest.as_ref(), terms, confirmed, now(ctx)).await?;
        let detail = format!("version {}", row.version);
        audit::record(&tx, Action::AgreementDrafted, Some(row.id), detail, Utc::now()).await?;
        tx.commit().await?;
        Ok(DraftWorkingAgreementPayload { working_agreement: WorkingAgreement(row) })
    }

    /// A PARTNER_MARKETER or ADMIN signs for partner marketing, a SALES_LEADER for sales. The
    /// version is agreed when both have signed it. `CONFLICT` when the side signed already, when
    /// the caller signed the other side (one person never signs both, whatever roles or tokens
    /// they hold), or when the version is agreed (its signatures never change).
    async fn sign_working_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and the version to sign, which must be the latest.")]
        input: SignWorkingAgreementInput,
    ) -> AppResult<SignWorkingAgreementPayload> {
        let scope = in_organization(ctx, &input.organization_id, AGREEMENT_PARTIES).await?;
        let side = Side::of(scope.role());
        let tx = store(ctx).tenant(&scope).await?;
        let latest = working_agreements::lock_latest(&tx).await?.ok_or(AppError::NotFound(Some("version")))?;
        if latest.version != input.version {
            return Err(AppError::conflict(
                Some("version"),
                format!("version {} is not the latest; the latest is {}", input.version, latest.version),
            ));
        }
        may_sign(side, scope.user_id(), latest.marketing_signed_by, latest.sales_signed_by)
            .map_err(|refusal| AppError::conflict(Some("version"), refusal.message()))?;
        let row = working_agreements::sign(&tx, latest, side, now(ctx)).await?;
        let detail = format!("version {} for {}", row.version, side.name());
        audit::record(&tx, Action::AgreementSigned, Some(row.id), detail, Utc::now()).await?;
        tx.commit().await?;
        Ok(SignWorkingAgreementPayload { working_agreement: WorkingAgreement(row) })
    }
}

/// The input field a refused term came in.
fn term_field(term: Term) -> &'static str {
    match term {
        Term::AcceptanceDefinition => "acceptanceDefinition",
        Term::ResponseWindowDays => "responseWindowDays",
        Term::MinimumScoreToSend => "minimumScoreToSend",
        Term::InfluenceLanguage => "influenceLanguage",
        Term::ScoreReviewCadenceDays => "scoreReviewCadenceDays",
    }
}

/// `Organization.workingAgreement`: the latest version, agreed or not.
pub async fn latest(ctx: &Context<'_>, organization_id: Uuid) -> AppResult<Option<WorkingAgreement>> {
    read_in(ctx, organization_id, &Role::ALL, async |tx| {
        Ok(working_agreements::latest(tx).await?.map(WorkingAgreement))
    })
    .await
}

/// `Organization.agreedWorkingAgreement`: the latest version both sides signed.
pub async fn agreed(ctx: &Context<'_>, organization_id: Uuid) -> AppResult<Option<WorkingAgreement>> {
    read_in(ctx, organization_id, &Role::ALL, async |tx| {
        Ok(working_agreements::agreed(tx).await?.map(WorkingAgreement))
    })
    .await
}

/// `Organization.workingAgreementHistory`: every version, newest first.
pub async fn history(ctx: &Context<'_>, organization_id: Uuid) -> AppResult<Vec<WorkingAgreement>> {
    read_in(ctx, organization_id, &Role::ALL, async |tx| {
        Ok(working_agreements::history(tx).await?.into_iter().map(WorkingAgreement).collect())
    })
    .await
}
