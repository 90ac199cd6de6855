//! The `Handoff` type and the small types around it. Derived fields come from the domain rules.

use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::super::accounts::Account;
use super::super::context::{now, store};
use super::super::date::Date;
use super::super::ids::{Kind, encode};
use super::super::inline::Inline;
use super::super::loaders::{GradeHistoryLoader, ResponseLoader, UserLoader};
use super::super::organizations::Organization;
use super::super::partners::Partner;
use super::super::scorecard_enums::{BandGql, ComponentGql, DecisionGql, GradeGql, HandoffStatusGql, PlayGql};
use super::super::users::User;
use super::send_gate::SendBlocker;
use super::suggested::SuggestedGrade;
use crate::domain::scorecard::{
    Component, Grade, HandoffStatus, PlayTrigger as DomainTrigger, check_send, gaps, is_overdue, packet_plays,
};
use crate::error::{AppError, AppResult};
use crate::store::grades::GradeRow;
use crate::store::handoff_views::HandoffView;
use crate::store::handoffs::{self, proof_of, status_of};
use crate::store::responses::{self, ResponseRow};

/// A handoff from partner marketing to a seller, graded on nine components.
/// The view is shared: an event's handoff is read once and shown to every subscriber.
#[derive(Clone)]
pub struct Handoff {
    pub view: Arc<HandoffView>,
}

impl Handoff {
    pub fn new(view: HandoffView) -> Self {
        Self { view: Arc::new(view) }
    }

    fn row(&self) -> &handoffs::HandoffRow {
        &self.view.row
    }

    /// A person the handoff names, loaded with it.
    fn person(&self, id: Option<Uuid>) -> Option<Inline<User>> {
        self.view.person(id).map(|p| Inline(User(p.clone())))
    }

    async fn suggestions(&self, ctx: &Context<'_>) -> AppResult<Vec<crate::domain::scorecard::Suggestion>> {
        Ok(self.view.suggestions(store(ctx).conn(), now(ctx).date_naive()).await?)
    }

    /// The components graded higher than the packet supports (`gradeGaps`; the scorecard's
    /// count per grader).
    pub(crate) async fn gap_components(&self, ctx: &Context<'_>) -> AppResult<Vec<Component>> {
        Ok(gaps(&self.view.grade_set(), &self.suggestions(ctx).await?))
    }

    /// The key per-handoff lists are batched by.
    fn key(&self) -> (Uuid, Uuid) {
        (self.row().organization_id, self.row().id)
    }
}

pub async fn load_user(ctx: &Context<'_>, id: Option<Uuid>) -> AppResult<Option<User>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx.data_unchecked::<DataLoader<UserLoader>>().load_one(id).await?.map(User::from))
}

/// A handoff from partner marketing to a seller, graded on nine components.
#[Object]
impl Handoff {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Handoff, self.row().id)
    }
    /// A short name for the handoff, 1 to 200 characters.
    async fn title(&self) -> &str {
        &self.row().title
    }
    /// Where the handoff is in its life: DRAFT, SENT, ACCEPTED or DECLINED.
    async fn status(&self) -> HandoffStatusGql {
        status_of(self.row()).into()
    }
    /// When the handoff was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row().created_at
    }
    /// When the handoff last changed, grades included.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row().updated_at
    }
    /// When it landed with the seller.
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.row().sent_at
    }
    /// `sentAt` plus the response window.
    async fn respond_by(&self) -> Option<DateTime<Utc>> {
        self.row().respond_by
    }
    /// When the seller accepted or declined.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.row().decided_at
    }
    /// Sent, undecided, and past `respondBy`: silence, the loudest distrust signal.
    async fn overdue(&self, ctx: &Context<'_>) -> bool {
        is_overdue(status_of(self.row()), self.row().respond_by, now(ctx))
    }
    /// When it was archived; archived handoffs leave lists and scorecards but keep their history.
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.row().archived_at
    }
    /// When the server's overdue sweep first found it past `respondBy` without a decision.
    async fn overdue_at(&self) -> Option<DateTime<Utc>> {
        self.row().overdue_at
    }

    /// Sum of the nine grades' points, 0 to 18.
    async fn score(&self) -> i32 {
        i32::from(self.view.grade_set().score())
    }
    /// The band `score` falls in.
    async fn band(&self) -> BandGql {
        self.view.grade_set().band().into()
    }
    /// What the band says to do next, in plain words.
    async fn band_guidance(&self) -> &'static str {
        self.view.grade_set().band().guidance()
    }
    /// The two lowest-graded components that are not STRONG, weakest first (ties in the table's
    /// order); fewer, or none, when fewer fall short.
    async fn weakest_components(&self) -> Vec<ComponentGql> {
        self.view.grade_set().weakest().into_iter().map(Into::into).collect()
    }
    /// The plays that would raise this handoff's score, from its own grades only (an 18/18 handoff
    /// has none). The organization's own plays are `Organization.rulePlays`.
    async fn plays(&self) -> Vec<PlayGql> {
        packet_plays(&self.view.grade_set()).into_iter().map(|t| t.play.into()).collect()
    }
    /// Each play with the components that triggered it.
    async fn play_triggers(&self) -> Vec<PlayTrigger> {
        packet_plays(&self.view.grade_set()).into_iter().map(PlayTrigger::from).collect()
    }
    /// For each component, the grade the packet itself supports and why: the seed's Strong test
    /// read against the packet's fields, judged on the day it was sent (today while a draft).
    /// docs/scorecard.md, "What the packet supports", has every test.
    async fn suggested_grades(&self, ctx: &Context<'_>) -> AppResult<Vec<SuggestedGrade>> {
        Ok(self.suggestions(ctx).await?.into_iter().map(SuggestedGrade::from).collect())
    }
    /// The components graded higher than the packet supports (`suggestedGrades`), in the table's
    /// order.
    async fn grade_gaps(&self, ctx: &Context<'_>) -> AppResult<Vec<ComponentGql>> {
        Ok(self.gap_components(ctx).await?.into_iter().map(Into::into).collect())
    }
    /// What stands between this handoff and sending it, each with a code and what would clear it:
    /// a score below the minimum (with the gap), components the agreed working agreement requires
    /// that are MISSING, and a missing seller, owner, next action or response window. Empty when
    /// `sendHandoff` would pass, and for a handoff no longer a DRAFT (nothing is left to send).
    async fn send_blockers(&self, ctx: &Context<'_>) -> AppResult<Vec<SendBlocker>> {
        let row = self.row();
        if status_of(row) != HandoffStatus::Draft || row.archived_at.is_some() {
            return Ok(Vec::new());
        }
        let check = self.view.send_check(store(ctx).conn()).await?;
        Ok(check_send(check).into_iter().map(SendBlocker).collect())
    }
    /// Always nine, in the table's order; a component never graded is MISSING.
    async fn grades(&self) -> Vec<Inline<ComponentGrade>> {
        Component::ALL
            .into_iter()
            .map(|c| {
                Inline(match self.view.current_grade(c) {
                    Some(row) => ComponentGrade::graded(row.clone(), self.view.person(Some(row.graded_by)).cloned()),
                    None => ComponentGrade::ungraded(c),
                })
            })
            .collect()
    }
    /// Every grading, oldest first, optionally of one component. Re-grading keeps the history.
    #[graphql(complexity = "super::super::paging::UNPAGED_LIST_ROWS * child_complexity + 1")]
    async fn grade_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the gradings of this component; all when omitted.")] component: Option<ComponentGql>,
    ) -> AppResult<Vec<ComponentGrade>> {
        let rows = ctx.data_unchecked::<DataLoader<GradeHistoryLoader>>().load_one(self.key()).await?;
        let component: Option<Component> = component.map(Into::into);
        Ok(rows
            .unwrap_or_default()
            .iter()
            .filter(|row| component.is_none_or(|c| Component::from(row.component) == c))
            .map(|row| ComponentGrade::graded(Arc::new(row.clone()), None))
            .collect())
    }
    /// The seller's answers, oldest first.
    #[graphql(complexity = "super::super::paging::UNPAGED_LIST_ROWS * child_complexity + 1")]
    async fn responses(&self, ctx: &Context<'_>) -> AppResult<Vec<HandoffResponse>> {
        let rows = ctx.data_unchecked::<DataLoader<ResponseLoader>>().load_one(self.key()).await?;
        Ok(rows.unwrap_or_default().into_iter().map(HandoffResponse).collect())
    }

    /// The organization the handoff belongs to.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        Ok(Organization(self.view.organization(store(ctx).conn()).await?.clone()))
    }
    /// The account the handoff is about.
    async fn account(&self) -> AppResult<Inline<Account>> {
        self.view.account.clone().map(|a| Inline(Account(a))).ok_or_else(|| AppError::internal(MissingRow("account")))
    }
    /// The partner the handoff brings.
    async fn partner(&self) -> AppResult<Inline<Partner>> {
        self.view.partner.clone().map(|p| Inline(Partner(p))).ok_or_else(|| AppError::internal(MissingRow("partner")))
    }
    /// The addressed seller.
    async fn seller(&self) -> Option<Inline<User>> {
        self.person(self.row().seller_id)
    }
    /// The partner marketer who created it.
    async fn created_by(&self) -> Option<Inline<User>> {
        self.person(Some(self.row().created_by))
    }

    /// Target account logic: why this account.
    async fn why_this_account(&self) -> Option<&str> {
        self.row().why_this_account.as_deref()
    }
    /// Target account logic: why now.
    async fn why_now(&self) -> Option<&str> {
        self.row().why_now.as_deref()
    }
    /// Partner context: who the partner is and why they fit, in a sentence a seller can repeat.
    async fn partner_context(&self) -> Option<&str> {
        self.row().partner_context.as_deref()
    }
    /// Relationship path: the named person on the partner's side.
    async fn partner_person(&self) -> Option<&str> {
        self.row().partner_person.as_deref()
    }
    /// Relationship path: the named person on our side.
    async fn our_person(&self) -> Option<&str> {
        self.row().our_person.as_deref()
    }
    /// Relationship path: the specific thread that connects them.
    async fn connecting_thread(&self) -> Option<&str> {
        self.row().connecting_thread.as_deref()
    }
    /// The buyer's problem, in the buyer's words.
    async fn buyer_problem(&self) -> Option<&str> {
        self.row().buyer_problem.as_deref()
    }
    /// Partner offer: what the partner will do (a teardown, a benchmark, a workshop…).
    async fn offer_description(&self) -> Option<&str> {
        self.row().offer_description.as_deref()
    }
    /// Partner offer: by when.
    async fn offer_available_by(&self) -> Option<Date> {
        self.row().offer_available_by.map(Date)
    }
    /// Partner offer: already agreed with the partner.
    async fn offer_agreed_with_partner(&self) -> bool {
        self.row().offer_agreed_with_partner
    }
    /// The one move the seller is asked to take.
    async fn next_action(&self) -> Option<&str> {
        self.row().next_action.as_deref()
    }
    /// When the next action is due.
    async fn next_action_due_by(&self) -> Option<Date> {
        self.row().next_action_due_by.map(Date)
    }
    /// The one named person who runs the next move.
    async fn owner(&self) -> Option<Inline<User>> {
        self.person(self.row().owner_id)
    }
    /// Acceptance criteria: what counts as accepted.
    async fn acceptance_definition(&self) -> Option<&str> {
        self.row().acceptance_definition.as_deref()
    }
    /// Acceptance criteria: days the seller has to decide.
    async fn response_window_days(&self) -> Option<i32> {
        self.row().response_window_days.map(i32::from)
    }
    /// Sources a seller can verify in five minutes.
    async fn proof(&self) -> Vec<ProofLink> {
        proof_of(self.row()).into_iter().map(|p| ProofLink { label: p.label, url: p.url }).collect()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("a handoff's {0} row is missing")]
struct MissingRow(&'static str);

/// One component's grade.
pub struct ComponentGrade {
    component: Component,
    /// The grading; `None` for a component never graded.
    graded: Option<Arc<GradeRow>>,
    /// The grader when already loaded with the handoff; otherwise loaded on demand.
    grader: Option<Arc<crate::store::users::User>>,
}

impl ComponentGrade {
    fn graded(row: Arc<GradeRow>, grader: Option<Arc<crate::store::users::User>>) -> Self {
        Self { component: row.component.into(), graded: Some(row), grader }
    }

    fn ungraded(component: Component) -> Self {
        Self { component, graded: None, grader: None }
    }

    fn current(&self) -> Grade {
        self.graded.as_ref().map_or(Grade::Missing, |row| row.grade.into())
    }
}

/// One component's grade: what it is, who gave it, when and why.
#[Object]
impl ComponentGrade {
    /// The graded component.
    async fn component(&self) -> ComponentGql {
        self.component.into()
    }
    /// The grade; MISSING for a component never graded.
    async fn grade(&self) -> GradeGql {
        self.current().into()
    }
    /// 2, 1 or 0.
    async fn points(&self) -> i32 {
        i32::from(self.current().points())
    }
    /// Why the grader chose this grade.
    async fn note(&self) -> Option<&str> {
        self.graded.as_ref().and_then(|row| row.note.as_deref())
    }
    /// Who graded it; null for a component never graded.
    async fn graded_by(&self, ctx: &Context<'_>) -> AppResult<Option<Inline<User>>> {
        match (&self.grader, &self.graded) {
            (Some(user), _) => Ok(Some(Inline(User(user.clone())))),
            (None, Some(row)) => Ok(load_user(ctx, Some(row.graded_by)).await?.map(Inline)),
            (None, None) => Ok(None),
        }
    }
    /// When it was graded; null for a component never graded.
    async fn graded_at(&self) -> Option<DateTime<Utc>> {
        self.graded.as_ref().map(|row| row.graded_at)
    }
}

/// A play and the components that triggered it (none when an organization-level fact did).
#[derive(SimpleObject)]
pub struct PlayTrigger {
    /// The play.
    pub play: PlayGql,
    /// The components that triggered it; empty when an organization-level fact did.
    pub components: Vec<ComponentGql>,
}

impl From<DomainTrigger> for PlayTrigger {
    fn from(t: DomainTrigger) -> Self {
        Self { play: t.play.into(), components: t.components.into_iter().map(Into::into).collect() }
    }
}

/// A labelled source a seller can verify.
#[derive(SimpleObject)]
pub struct ProofLink {
    /// What the link shows.
    pub label: String,
    /// An http(s) link.
    pub url: String,
}

/// A seller's answer to a handoff.
#[derive(Clone)]
pub struct HandoffResponse(pub ResponseRow);

/// A seller's answer to a handoff.
#[Object]
impl HandoffResponse {
    /// The seller's answer.
    async fn decision(&self) -> DecisionGql {
        responses::decision_of(&self.0).into()
    }
    /// Why, in the seller's words.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Components the seller said failed them (declines only).
    async fn failed_components(&self) -> Vec<ComponentGql> {
        responses::failed_components_of(&self.0).into_iter().map(Into::into).collect()
    }
    /// The seller who answered.
    async fn seller(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        load_user(ctx, Some(self.0.seller_id)).await
    }
    /// When the seller answered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
