//! Handoff inputs, and turning them into a packet. Create and update share one patch: create
//! starts from an empty packet, update from the stored one.

use async_graphql::{ID, InputObject, MaybeUndefined};

use super::super::accounts::member_with_role;
use super::super::date::Date;
use super::super::scorecard_enums::{ComponentGql, DecisionGql, GradeGql};
use crate::domain::Role;
use crate::domain::text::{ProofLink, optional_text, response_window_days};
use crate::error::{AppError, AppResult};
use crate::store::TenantTx;
use crate::store::handoffs::HandoffContent;

const LONG_TEXT: usize = 4000;
const NAME_TEXT: usize = 200;

/// A labelled source a seller can verify.
#[derive(InputObject, Clone)]
pub struct ProofLinkInput {
    /// What the link shows, 1 to 200 characters.
    pub label: String,
    /// An http(s) link.
    pub url: String,
}

/// A new handoff, created as a DRAFT. Everything but the account, partner and title may be filled
/// in later; the send gate checks what must be there.
#[derive(InputObject)]
pub struct CreateHandoffInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// The account the handoff is about; must not be archived.
    pub account_id: ID,
    /// The partner the handoff brings; must not be archived.
    pub partner_id: ID,
    /// 1 to 200 characters.
    pub title: String,
    /// The addressed seller (a member with role SELLER); defaults to the account's seller.
    pub seller_id: Option<ID>,
    /// Owner: the one member who runs the next move.
    pub owner_id: Option<ID>,
    /// Next action: the single move the seller is asked to take.
    pub next_action: Option<String>,
    /// Next action: when it is due.
    pub next_action_due_by: Option<Date>,
    /// Acceptance criteria: days the seller has to decide, 1 to 90.
    pub response_window_days: Option<i32>,
    /// Acceptance criteria: what counts as accepted.
    pub acceptance_definition: Option<String>,
    /// Target account logic: why this account.
    pub why_this_account: Option<String>,
    /// Target account logic: why now.
    pub why_now: Option<String>,
    /// Partner context: who the partner is and why they fit, in a sentence a seller can repeat.
    pub partner_context: Option<String>,
    /// Relationship path: the named person on the partner's side.
    pub partner_person: Option<String>,
    /// Relationship path: the named person on our side.
    pub our_person: Option<String>,
    /// Relationship path: the thread that connects them.
    pub connecting_thread: Option<String>,
    /// In the buyer's words.
    pub buyer_problem: Option<String>,
    /// Partner offer: what the partner will do (a teardown, a benchmark, a workshop…).
    pub offer_description: Option<String>,
    /// Partner offer: by when.
    pub offer_available_by: Option<Date>,
    /// Partner offer: already agreed with the partner (default false).
    #[graphql(default = false)]
    pub offer_agreed_with_partner: bool,
    /// Proof: sources a seller can verify in five minutes, at most 20 links.
    pub proof: Option<Vec<ProofLinkInput>>,
}

/// Changes to a DRAFT handoff. Omitted fields stay; `null` clears a field that may be empty.
#[derive(InputObject)]
pub struct UpdateHandoffInput {
    /// The handoff's ID; it must be a DRAFT and not archived.
    pub handoff_id: ID,
    /// 1 to 200 characters; omit to keep it.
    pub title: Option<String>,
    /// The account the handoff is about (not archived); omit to keep it.
    pub account_id: Option<ID>,
    /// The partner the handoff brings (not archived); omit to keep it.
    pub partner_id: Option<ID>,
    /// The addressed seller, a member with role SELLER; omit to keep them.
    pub seller_id: Option<ID>,
    /// Owner: the one member who runs the next move. Omit to keep; `null` clears.
    pub owner_id: MaybeUndefined<ID>,
    /// Next action: the single move the seller is asked to take. Omit to keep; `null` clears.
    pub next_action: MaybeUndefined<String>,
    /// Next action: when it is due. Omit to keep; `null` clears.
    pub next_action_due_by: MaybeUndefined<Date>,
    /// Acceptance criteria: days the seller has to decide, 1 to 90. Omit to keep; `null` clears.
    pub response_window_days: MaybeUndefined<i32>,
    /// Acceptance criteria: what counts as accepted. Omit to keep; `null` clears.
    pub acceptance_definition: MaybeUndefined<String>,
    /// Target account logic: why this account. Omit to keep; `null` clears.
    pub why_this_account: MaybeUndefined<String>,
    /// Target account logic: why now. Omit to keep; `null` clears.
    pub why_now: MaybeUndefined<String>,
    /// Partner context: who the partner is and why they fit. Omit to keep; `null` clears.
    pub partner_context: MaybeUndefined<String>,
    /// Relationship path: the named person on the partner's side. Omit to keep; `null` clears.
    pub partner_person: MaybeUndefined<String>,
    /// Relationship path: the named person on our side. Omit to keep; `null` clears.
    pub our_person: MaybeUndefined<String>,
    /// Relationship path: the thread that connects them. Omit to keep; `null` clears.
    pub connecting_thread: MaybeUndefined<String>,
    /// The buyer's problem, in the buyer's words. Omit to keep; `null` clears.
    pub buyer_problem: MaybeUndefined<String>,
    /// Partner offer: what the partner will do. Omit to keep; `null` clears.
    pub offer_description: MaybeUndefined<String>,
    /// Partner offer: by when. Omit to keep; `null` clears.
    pub offer_available_by: MaybeUndefined<Date>,
    /// Partner offer: already agreed with the partner. Omit to keep.
    pub offer_agreed_with_partner: Option<bool>,
    /// Proof: at most 20 links, replacing the current list. Omit to keep; `null` clears.
    pub proof: MaybeUndefined<Vec<ProofLinkInput>>,
}

/// One component's new grade.
#[derive(InputObject)]
pub struct ComponentGradeInput {
    /// The component to grade.
    pub component: ComponentGql,
    /// Its new grade.
    pub grade: GradeGql,
    /// Why, in a few words (at most 2000 characters).
    pub note: Option<String>,
}

/// New grades for any subset of the nine components.
#[derive(InputObject)]
pub struct GradeHandoffInput {
    /// The handoff's ID.
    pub handoff_id: ID,
    /// At least one, each component at most once.
    pub grades: Vec<ComponentGradeInput>,
}

/// Sends a DRAFT to its seller, if it passes the send gate.
#[derive(InputObject)]
pub struct SendHandoffInput {
    /// The handoff's ID.
    pub handoff_id: ID,
}

/// Archives a handoff.
#[derive(InputObject)]
pub struct ArchiveHandoffInput {
    /// The handoff's ID.
    pub handoff_id: ID,
}

/// The addressed seller's answer.
#[derive(InputObject)]
pub struct RespondToHandoffInput {
    /// The handoff's ID.
    pub handoff_id: ID,
    /// ACCEPT and DECLINE are final; REQUEST_CLARIFICATION leaves the handoff open.
    pub decision: DecisionGql,
    /// Why, in the seller's words (at most 2000 characters).
    pub reason: Option<String>,
    /// With DECLINE: the components that failed the seller, so declines feed back into grading.
    pub failed_components: Option<Vec<ComponentGql>>,
}

/// The packet fields of either input, as changes to apply.
pub struct PacketPatch {
    pub owner_id: MaybeUndefined<ID>,
    pub next_action: MaybeUndefined<String>,
    pub next_action_due_by: MaybeUndefined<Date>,
    pub response_window_days: MaybeUndefined<i32>,
    pub acceptance_definition: MaybeUndefined<String>,
    pub why_this_account: MaybeUndefined<String>,
    pub why_now: MaybeUndefined<String>,
    pub partner_context: MaybeUndefined<String>,
    pub partner_person: MaybeUndefined<String>,
    pub our_person: MaybeUndefined<String>,
    pub connecting_thread: MaybeUndefined<String>,
    pub buyer_problem: MaybeUndefined<String>,
    pub offer_description: MaybeUndefined<String>,
    pub offer_available_by: MaybeUndefined<Date>,
    pub offer_agreed_with_partner: Option<bool>,
    pub proof: MaybeUndefined<Vec<ProofLinkInput>>,
}

fn given<T>(value: Option<T>) -> MaybeUndefined<T> {
    value.map_or(MaybeUndefined::Undefined, MaybeUndefined::Value)
}

impl PacketPatch {
    pub fn of_create(input: &CreateHandoffInput) -> Self {
        Self {
            owner_id: given(input.owner_id.clone()),
            next_action: given(input.next_action.clone()),
            next_action_due_by: given(input.next_action_due_by),
            response_window_days: given(input.response_window_days),
            acceptance_definition: given(input.acceptance_definition.clone()),
            why_this_account: given(input.why_this_account.clone()),
            why_now: given(input.why_now.clone()),
            partner_context: given(input.partner_context.clone()),
            partner_person: given(input.partner_person.clone()),
            our_person: given(input.our_person.clone()),
            connecting_thread: given(input.connecting_thread.clone()),
            buyer_problem: given(input.buyer_problem.clone()),
            offer_description: given(input.offer_description.clone()),
            offer_available_by: given(input.offer_available_by),
            offer_agreed_with_partner: Some(input.offer_agreed_with_partner),
            proof: given(input.proof.clone()),
        }
    }

    pub fn of_update(input: UpdateHandoffInput) -> Self {
        Self {
            owner_id: input.owner_id,
            next_action: input.next_action,
            next_action_due_by: input.next_action_due_by,
            response_window_days: input.response_window_days,
            acceptance_definition: input.acceptance_definition,
            why_this_account: input.why_this_account,
            why_now: input.why_now,
            partner_context: input.partner_context,
            partner_person: input.partner_person,
            our_person: input.our_person,
            connecting_thread: input.connecting_thread,
            buyer_problem: input.buyer_problem,
            offer_description: input.offer_description,
            offer_available_by: input.offer_available_by,
            offer_agreed_with_partner: input.offer_agreed_with_partner,
            proof: input.proof,
        }
    }

    /// Applies the changes to `content`, parsing every value; the owner must be a member.
    pub async fn apply(self, tx: &TenantTx, mut content: HandoffContent) -> AppResult<HandoffContent> {
        for (slot, value, field, max) in [
            (&mut content.next_action, self.next_action, "nextAction", LONG_TEXT),
            (&mut content.acceptance_definition, self.acceptance_definition, "acceptanceDefinition", LONG_TEXT),
            (&mut content.why_this_account, self.why_this_account, "whyThisAccount", LONG_TEXT),
            (&mut content.why_now, self.why_now, "whyNow", LONG_TEXT),
            (&mut content.partner_context, self.partner_context, "partnerContext", LONG_TEXT),
            (&mut content.partner_person, self.partner_person, "partnerPerson", NAME_TEXT),
            (&mut content.our_person, self.our_person, "ourPerson", NAME_TEXT),
            (&mut content.connecting_thread, self.connecting_thread, "connectingThread", LONG_TEXT),
            (&mut content.buyer_problem, self.buyer_problem, "buyerProblem", LONG_TEXT),
            (&mut content.offer_description, self.offer_description, "offerDescription", LONG_TEXT),
        ] {
            match value {
                MaybeUndefined::Undefined => {}
                MaybeUndefined::Null => *slot = None,
                MaybeUndefined::Value(text) => {
                    *slot = optional_text(Some(&text), max).map_err(|e| AppError::bad_input(field, e))?;
                }
            }
        }
        for (slot, value) in [
            (&mut content.next_action_due_by, self.next_action_due_by),
            (&mut content.offer_available_by, self.offer_available_by),
        ] {
            if !value.is_undefined() {
                *slot = value.take().map(|d| d.0);
            }
        }
        if let Some(agreed) = self.offer_agreed_with_partner {
            content.offer_agreed_with_partner = agreed;
        }
        match self.response_window_days {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => content.response_window_days = None,
            MaybeUndefined::Value(days) => {
                content.response_window_days =
                    Some(response_window_days(days).map_err(|e| AppError::bad_input("responseWindowDays", e))?);
            }
        }
        match self.proof {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => content.proof = Vec::new(),
            MaybeUndefined::Value(items) => {
                if items.len() > 20 {
                    return Err(AppError::bad_input("proof", "holds at most 20 links"));
                }
                content.proof = items
                    .iter()
                    .map(|p| ProofLink::parse(&p.label, &p.url))
                    .collect::<Result<_, _>>()
                    .map_err(|e| AppError::bad_input("proof", e))?;
            }
        }
        match self.owner_id {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => content.owner_id = None,
            // One named person, not a team alias: the owner is a member of the organization.
            MaybeUndefined::Value(raw) => {
                content.owner_id = Some(member_with_role(tx, &raw, "ownerId", &Role::ALL).await?)
            }
        }
        Ok(content)
    }
}
