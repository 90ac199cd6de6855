//! Handoff inputs, and turning them into a packet. Create and update share one packet input:
//! create applies it to an empty packet (or the agreement's defaults), update to the stored one.

use async_graphql::{ID, InputObject, MaybeUndefined};

use super::super::accounts::member_with_role;
use super::super::date::Date;
use super::super::scorecard_enums::{ComponentGql, DecisionGql, GradeGql};
use crate::domain::InvalidInput;
use crate::domain::Role;
use crate::domain::text::{LongText, ProofLink, ShortText, response_window_days};
use crate::error::{AppError, AppResult};
use crate::store::TenantTx;
use crate::store::handoffs::HandoffContent;

/// A labelled source a seller can verify.
#[derive(InputObject, Clone)]
pub struct ProofLinkInput {
    /// What the link shows, 1 to 200 characters.
    pub label: String,
    /// An http(s) link.
    pub url: String,
}

/// The packet: what a handoff says for each of the nine components. Creating and updating a handoff
/// take the same fields. Creating, an omitted or `null` field is empty (or the agreed working
/// agreement's default); updating, an omitted field stays and `null` clears it.
#[derive(InputObject, Default)]
pub struct PacketInput {
    /// Owner: the one member who runs the next move.
    pub owner_id: MaybeUndefined<ID>,
    /// Next action: the single move the seller is asked to take.
    pub next_action: MaybeUndefined<String>,
    /// Next action: when it is due.
    pub next_action_due_by: MaybeUndefined<Date>,
    /// Acceptance criteria: days the seller has to decide, 1 to 90.
    pub response_window_days: MaybeUndefined<i32>,
    /// Acceptance criteria: what counts as accepted.
    pub acceptance_definition: MaybeUndefined<String>,
    /// Target account logic: why this account.
    pub why_this_account: MaybeUndefined<String>,
    /// Target account logic: why now.
    pub why_now: MaybeUndefined<String>,
    /// Partner context: who the partner is and why they fit, in a sentence a seller can repeat.
    pub partner_context: MaybeUndefined<String>,
    /// Relationship path: the named person on the partner's side.
    pub partner_person: MaybeUndefined<String>,
    /// Relationship path: the named person on our side.
    pub our_person: MaybeUndefined<String>,
    /// Relationship path: the thread that connects them.
    pub connecting_thread: MaybeUndefined<String>,
    /// The buyer's problem, in the buyer's words.
    pub buyer_problem: MaybeUndefined<String>,
    /// Partner offer: what the partner will do (a teardown, a benchmark, a workshop…).
    pub offer_description: MaybeUndefined<String>,
    /// Partner offer: by when.
    pub offer_available_by: MaybeUndefined<Date>,
    /// Proof: sources a seller can verify in five minutes, at most 20 links (updating replaces
    /// the list).
    pub proof: MaybeUndefined<Vec<ProofLinkInput>>,
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
    #[graphql(flatten)]
    pub packet: PacketInput,
    /// Partner offer: already agreed with the partner (default false).
    #[graphql(default = false)]
    pub offer_agreed_with_partner: bool,
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
    #[graphql(flatten)]
    pub packet: PacketInput,
    /// Partner offer: already agreed with the partner. Omit to keep.
    pub offer_agreed_with_partner: Option<bool>,
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

impl PacketInput {
    /// Creating, `null` means the same as omitting: the field starts empty or at its default.
    pub fn nulls_as_omitted(self) -> Self {
        fn omitted<T>(value: MaybeUndefined<T>) -> MaybeUndefined<T> {
            if value.is_null() { MaybeUndefined::Undefined } else { value }
        }
        Self {
            owner_id: omitted(self.owner_id),
            next_action: omitted(self.next_action),
            next_action_due_by: omitted(self.next_action_due_by),
            response_window_days: omitted(self.response_window_days),
            acceptance_definition: omitted(self.acceptance_definition),
            why_this_account: omitted(self.why_this_account),
            why_now: omitted(self.why_now),
            partner_context: omitted(self.partner_context),
            partner_person: omitted(self.partner_person),
            our_person: omitted(self.our_person),
            connecting_thread: omitted(self.connecting_thread),
            buyer_problem: omitted(self.buyer_problem),
            offer_description: omitted(self.offer_description),
            offer_available_by: omitted(self.offer_available_by),
            proof: omitted(self.proof),
        }
    }

    /// Applies the changes to `content`, parsing every value; the owner must be a member.
    pub async fn apply(self, tx: &TenantTx, mut content: HandoffContent) -> AppResult<HandoffContent> {
        type Parse = fn(Option<&str>) -> Result<Option<String>, InvalidInput>;
        let (long, name): (Parse, Parse) = (LongText::optional_string, ShortText::optional_string);
        for (slot, value, field, parse) in [
            (&mut content.next_action, self.next_action, "nextAction", long),
            (&mut content.acceptance_definition, self.acceptance_definition, "acceptanceDefinition", long),
            (&mut content.why_this_account, self.why_this_account, "whyThisAccount", long),
            (&mut content.why_now, self.why_now, "whyNow", long),
            (&mut content.partner_context, self.partner_context, "partnerContext", long),
            (&mut content.partner_person, self.partner_person, "partnerPerson", name),
            (&mut content.our_person, self.our_person, "ourPerson", name),
            (&mut content.connecting_thread, self.connecting_thread, "connectingThread", long),
            (&mut content.buyer_problem, self.buyer_problem, "buyerProblem", long),
            (&mut content.offer_description, self.offer_description, "offerDescription", long),
        ] {
            match value {
                MaybeUndefined::Undefined => {}
                MaybeUndefined::Null => *slot = None,
                MaybeUndefined::Value(text) => {
                    *slot = parse(Some(&text)).map_err(|e| AppError::bad_input(field, e))?;
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
