//! The packet: what a handoff says about each of the nine components, as stored.

use entity::codes::{ProofLink as StoredLink, ProofLinks};
use entity::handoff;
use sea_orm::Set;

use super::HandoffRow;
use crate::domain::text::ProofLink;
use crate::store::{StoreError, codes};

/// The packet as a handoff row stores it.
pub use crate::domain::scorecard::PacketContent as HandoffContent;

impl HandoffContent {
    pub fn of(row: &HandoffRow) -> Result<Self, StoreError> {
        Ok(Self {
            why_this_account: row.why_this_account.clone(),
            why_now: row.why_now.clone(),
            partner_context: row.partner_context.clone(),
            partner_person: row.partner_person.clone(),
            our_person: row.our_person.clone(),
            connecting_thread: row.connecting_thread.clone(),
            buyer_problem: row.buyer_problem.clone(),
            offer_description: row.offer_description.clone(),
            offer_available_by: row.offer_available_by,
            offer_agreed_with_partner: row.offer_agreed_with_partner,
            next_action: row.next_action.clone(),
            next_action_due_by: row.next_action_due_by,
            owner_id: row.owner_id,
            acceptance_definition: row.acceptance_definition.clone(),
            response_window_days: codes::optional_number(
                "handoffs",
                row.id,
                "response_window_days",
                row.response_window_days,
            )?,
            proof: proof_of(row),
        })
    }

    pub(in crate::store) fn apply(self, active: &mut handoff::ActiveModel) {
        active.why_this_account = Set(self.why_this_account);
        active.why_now = Set(self.why_now);
        active.partner_context = Set(self.partner_context);
        active.partner_person = Set(self.partner_person);
        active.our_person = Set(self.our_person);
        active.connecting_thread = Set(self.connecting_thread);
        active.buyer_problem = Set(self.buyer_problem);
        active.offer_description = Set(self.offer_description);
        active.offer_available_by = Set(self.offer_available_by);
        active.offer_agreed_with_partner = Set(self.offer_agreed_with_partner);
        active.next_action = Set(self.next_action);
        active.next_action_due_by = Set(self.next_action_due_by);
        active.owner_id = Set(self.owner_id);
        active.acceptance_definition = Set(self.acceptance_definition);
        active.response_window_days = Set(self.response_window_days.map(|d| d as i16));
        active.proof =
            Set(ProofLinks(self.proof.into_iter().map(|p| StoredLink { label: p.label, url: p.url }).collect()));
    }
}

/// The proof list stored with a handoff.
pub fn proof_of(row: &HandoffRow) -> Vec<ProofLink> {
    row.proof.0.iter().map(|p| ProofLink { label: p.label.clone(), url: p.url.clone() }).collect()
}
