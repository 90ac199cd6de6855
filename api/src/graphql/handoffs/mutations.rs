//! Building, grading, sending and answering handoffs.

use std::collections::HashSet;

use async_graphql::{Context, ID, Object, SimpleObject};
use uuid::Uuid;

use super::super::accounts::member_with_role;
use super::super::context::{now, record_event, store, wake_subscribers};
use super::super::ids::{Kind, decode};
use super::super::scoping::{in_organization, owner_of};
use super::inputs::{
    ArchiveHandoffInput, CreateHandoffInput, GradeHandoffInput, RespondToHandoffInput, SendHandoffInput,
    UpdateHandoffInput,
};
use super::types::Handoff;
use crate::domain::Role;
use crate::domain::access::{GRADERS, PACKET_WRITERS};
use crate::domain::events::{HandoffEvent, HandoffEventKind};
use crate::domain::scorecard::{
    Component, Decision, DecisionError, Frozen, HandoffStatus, SendRefusal, decide, editable, gate,
};
use crate::domain::text::{Note, ShortText};
use crate::error::{AppError, AppResult, field};
use crate::store::grades::{self, NewGrade};
use crate::store::handoffs::{self, Addressing, HandoffContent, HandoffRow, status_of};
use crate::store::tenant_table;
use crate::store::{TenantTx, accounts, handoff_views, responses, working_agreements};

macro_rules! payload {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(SimpleObject)]
        pub struct $name {
            /// The handoff after the change.
            pub handoff: Handoff,
        }
    };
}
payload!(CreateHandoffPayload, "The new draft.");
payload!(UpdateHandoffPayload, "The changed draft.");
payload!(ArchiveHandoffPayload, "The archived handoff.");
payload!(GradeHandoffPayload, "The handoff with its new grades, score and band.");
payload!(SendHandoffPayload, "The handoff, landed: `sentAt` and `respondBy` are set.");
payload!(RespondToHandoffPayload, "The handoff after the seller's answer.");

/// The handoff as the caller now sees it, with everything its fields need.
async fn view(tx: &TenantTx, id: Uuid) -> AppResult<Handoff> {
    let row =
        tenant_table::find::<entity::handoff::Entity>(tx, id).await?.ok_or(AppError::NotFound(Some("handoffId")))?;
    let mut views = handoff_views::load(tx, vec![row]).await?;
    Ok(Handoff::new(views.remove(0)))
}

async fn locked(tx: &TenantTx, id: Uuid) -> AppResult<HandoffRow> {
    handoffs::find_for_update(tx, id).await?.ok_or(AppError::NotFound(Some("handoffId")))
}

async fn usable_account(tx: &TenantTx, raw: &ID) -> AppResult<accounts::Account> {
    let id = decode(raw, Kind::Account, "accountId")?;
    let account =
        tenant_table::find::<entity::account::Entity>(tx, id).await?.ok_or(AppError::NotFound(Some("accountId")))?;
    if account.archived_at.is_some() {
        return Err(AppError::bad_input("accountId", "the account is archived"));
    }
    Ok(account)
}

async fn usable_partner(tx: &TenantTx, raw: &ID) -> AppResult<Uuid> {
    let id = decode(raw, Kind::Partner, "partnerId")?;
    let partner =
        tenant_table::find::<entity::partner::Entity>(tx, id).await?.ok_or(AppError::NotFound(Some("partnerId")))?;
    if partner.archived_at.is_some() {
        return Err(AppError::bad_input("partnerId", "the partner is archived"));
    }
    Ok(partner.id)
}

fn frozen(frozen: Frozen) -> AppError {
    AppError::conflict(Some("handoffId"), frozen.message())
}

#[derive(Default)]
pub struct HandoffMutation;

#[Object]
impl HandoffMutation {
    /// PARTNER_MARKETER or ADMIN. Creates a DRAFT addressed to the account's seller unless
    /// `sellerId` names another SELLER.
    async fn create_handoff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization, account, partner and title, and any part of the packet known so far.")]
        input: CreateHandoffInput,
    ) -> AppResult<CreateHandoffPayload> {
        let scope = in_organization(ctx, &input.organization_id, PACKET_WRITERS).await?;
        let title = ShortText::required_string(&input.title).map_err(field("title"))?;
        let tx = store(ctx).tenant(&scope).await?;
        let account = usable_account(&tx, &input.account_id).await?;
        let partner_id = usable_partner(&tx, &input.partner_id).await?;
        let seller_id = match &input.seller_id {
            Some(raw) => member_with_role(&tx, raw, "sellerId", &[Role::Seller]).await?,
            None => account.seller_id,
        };
        // Acceptance criteria default to the agreed working agreement's.
        let defaults = match working_agreements::agreed(&tx).await? {
            Some(a) => {
                let terms = working_agreements::terms_of(&a)?;
                HandoffContent {
                    acceptance_definition: terms.acceptance_definition,
                    response_window_days: terms.response_window_days,
                    ..HandoffContent::default()
                }
            }
            None => HandoffContent::default(),
        };
        let defaults = HandoffContent { offer_agreed_with_partner: input.offer_agreed_with_partner, ..defaults };
        let content = input.packet.nulls_as_omitted().apply(&tx, defaults).await?;
        let addressing = Addressing { title, account_id: account.id, partner_id, seller_id: Some(seller_id) };
        let row = handoffs::create(&tx, addressing, content, now(ctx)).await?;
        let handoff = view(&tx, row.id).await?;
        tx.commit().await?;
        Ok(CreateHandoffPayload { handoff })
    }

    /// PARTNER_MARKETER or ADMIN, drafts only: a sent handoff is immutable apart from its grades.
    async fn update_handoff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft and the fields to change.")] input: UpdateHandoffInput,
    ) -> AppResult<UpdateHandoffPayload> {
        let (scope, id) = owner_of(ctx, &input.handoff_id, Kind::Handoff, "handoffId", PACKET_WRITERS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let row = locked(&tx, id).await?;
        editable(status_of(&row), row.archived_at.is_some()).map_err(frozen)?;
        let title = match &input.title {
            Some(t) => ShortText::required_string(t).map_err(field("title"))?,
            None => row.title.clone(),
        };
        let account = match &input.account_id {
            Some(raw) => Some(usable_account(&tx, raw).await?),
            None => None,
        };
        let partner_id = match &input.partner_id {
            Some(raw) => usable_partner(&tx, raw).await?,
            None => row.partner_id,
        };
        // A new account brings its own seller unless the input names one.
        let seller_id = match (&input.seller_id, &account) {
            (Some(raw), _) => Some(member_with_role(&tx, raw, "sellerId", &[Role::Seller]).await?),
            (None, Some(account)) => Some(account.seller_id),
            (None, None) => row.seller_id,
        };
        let account_id = account.map_or(row.account_id, |a| a.id);
        let stored = HandoffContent::of(&row)?;
        let agreed = input.offer_agreed_with_partner.unwrap_or(stored.offer_agreed_with_partner);
        let content = input.packet.apply(&tx, HandoffContent { offer_agreed_with_partner: agreed, ..stored }).await?;
        let addressing = Addressing { title, account_id, partner_id, seller_id };
        handoffs::update_draft(&tx, row, addressing, content, now(ctx)).await?;
        let handoff = view(&tx, id).await?;
        tx.commit().await?;
        Ok(UpdateHandoffPayload { handoff })
    }

    /// PARTNER_MARKETER or ADMIN, drafts only: what was sent stays on the record (and in "the last
    /// three"). An archived draft leaves lists; nothing is deleted.
    async fn archive_handoff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft to archive.")] input: ArchiveHandoffInput,
    ) -> AppResult<ArchiveHandoffPayload> {
        let (scope, id) = owner_of(ctx, &input.handoff_id, Kind::Handoff, "handoffId", PACKET_WRITERS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let row = locked(&tx, id).await?;
        if status_of(&row) != HandoffStatus::Draft {
            return Err(AppError::conflict(
                Some("handoffId"),
                "only a draft can be archived; a sent handoff stays on the record",
            ));
        }
        tenant_table::archive::<entity::handoff::Entity>(&tx, row, now(ctx)).await?;
        let handoff = view(&tx, id).await?;
        tx.commit().await?;
        Ok(ArchiveHandoffPayload { handoff })
    }

    /// PARTNER_MARKETER, SALES_LEADER or ADMIN. Grades any subset of the components; every grade
    /// records who and when, and earlier grades stay in the history.
    async fn grade_handoff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The handoff to grade and the grades to record.")] input: GradeHandoffInput,
    ) -> AppResult<GradeHandoffPayload> {
        let (scope, id) = owner_of(ctx, &input.handoff_id, Kind::Handoff, "handoffId", GRADERS).await?;
        if input.grades.is_empty() {
            return Err(AppError::bad_input("grades", "must hold at least one grade"));
        }
        let mut seen = HashSet::new();
        let mut new = Vec::with_capacity(input.grades.len());
        for g in input.grades {
            let component: Component = g.component.into();
            if !seen.insert(component) {
                return Err(AppError::bad_input("grades", format!("grades {} twice", component.code())));
            }
            let note = Note::optional_string(g.note.as_deref()).map_err(field("note"))?;
            new.push(NewGrade { component, grade: g.grade.into(), note });
        }
        let tx = store(ctx).tenant(&scope).await?;
        let row = locked(&tx, id).await?;
        if row.archived_at.is_some() {
            return Err(frozen(Frozen::Archived));
        }
        let now = now(ctx);
        grades::add(&tx, &row, new, now).await?;
        // The view of the locked row reads the grades once, the new ones included; the score is
        // stored from them and the answer built without reading the handoff again.
        let mut current = handoff_views::load(&tx, vec![row]).await?.remove(0);
        let set = current.grade_set();
        current.row = handoffs::set_score(&tx, current.row.clone(), set.score(), set.band(), now).await?;
        let handoff = Handoff::new(current);
        let event = HandoffEvent::new(scope.organization_id(), id, HandoffEventKind::Graded, now);
        record_event(&tx, &event, None).await?;
        tx.commit().await?;
        wake_subscribers(ctx).await;
        Ok(GradeHandoffPayload { handoff })
    }

    /// PARTNER_MARKETER or ADMIN. The send gate refuses a handoff below the minimum score to send
    /// (never NOT_A_HANDOFF_YET), missing a component the agreed working agreement requires, or
    /// without a seller, owner, next action or response window: `SEND_BLOCKED`, with every blocker
    /// in `extensions.blockers` as `Handoff.sendBlockers` lists them.
    async fn send_handoff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The draft to send.")] input: SendHandoffInput,
    ) -> AppResult<SendHandoffPayload> {
        let (scope, id) = owner_of(ctx, &input.handoff_id, Kind::Handoff, "handoffId", PACKET_WRITERS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let (mut current, facts) =
            handoff_views::for_send(&tx, id).await?.ok_or(AppError::NotFound(Some("handoffId")))?;
        let sending = gate::decide(&facts, now(ctx)).map_err(|refusal| match refusal {
            SendRefusal::Blocked(blockers) => AppError::SendBlocked(blockers),
            SendRefusal::Frozen(f) => frozen(f),
        })?;
        if !handoffs::mark_sent(&tx, &mut current.row, sending).await? {
            return Err(AppError::conflict(Some("handoffId"), "the handoff was sent already"));
        }
        let event = HandoffEvent::new(scope.organization_id(), id, HandoffEventKind::Landed, sending.sent_at);
        record_event(&tx, &event, None).await?;
        tx.commit().await?;
        wake_subscribers(ctx).await;
        Ok(SendHandoffPayload { handoff: Handoff::new(current) })
    }

    /// The addressed seller only. ACCEPT and DECLINE are final (a second one is a `CONFLICT`);
    /// REQUEST_CLARIFICATION is recorded and leaves the handoff open.
    async fn respond_to_handoff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The handoff, the seller's decision and reason, and any components that failed.")]
        input: RespondToHandoffInput,
    ) -> AppResult<RespondToHandoffPayload> {
        let (scope, id) = owner_of(ctx, &input.handoff_id, Kind::Handoff, "handoffId", &Role::ALL).await?;
        let decision: Decision = input.decision.into();
        let failed: Vec<Component> = input.failed_components.unwrap_or_default().into_iter().map(Into::into).collect();
        if !failed.is_empty() && decision != Decision::Decline {
            return Err(AppError::bad_input("failedComponents", "only a DECLINE names failed components"));
        }
        let reason = Note::optional_string(input.reason.as_deref()).map_err(field("reason"))?;
        let tx = store(ctx).tenant(&scope).await?;
        let row = locked(&tx, id).await?;
        if scope.role() != Role::Seller || row.seller_id != Some(scope.user_id()) {
            return Err(AppError::Forbidden("only the addressed seller may respond to a handoff".into()));
        }
        if row.archived_at.is_some() {
            return Err(frozen(Frozen::Archived));
        }
        let next = decide(status_of(&row), decision).map_err(|e| match e {
            DecisionError::NotSent => AppError::conflict(Some("handoffId"), "the handoff has not been sent"),
            DecisionError::AlreadyDecided(s) => {
                AppError::conflict(Some("decision"), format!("the handoff was already {}", s.code()))
            }
        })?;
        let now = now(ctx);
        let response = responses::add(&tx, &row, decision, reason, &failed, now).await?;
        if next.is_final() && !handoffs::mark_decided(&tx, id, next, now).await? {
            return Err(AppError::conflict(Some("decision"), "the handoff was decided already"));
        }
        let handoff = view(&tx, id).await?;
        let event = HandoffEvent::responded(scope.organization_id(), id, response.id, now);
        record_event(&tx, &event, Some(&response)).await?;
        tx.commit().await?;
        wake_subscribers(ctx).await;
        Ok(RespondToHandoffPayload { handoff })
    }
}
