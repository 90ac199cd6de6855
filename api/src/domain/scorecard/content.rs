//! The packet: what a handoff says for each of the nine components.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::text::ProofLink;

/// The content of the nine components, as a draft holds it and an import reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PacketContent {
    pub why_this_account: Option<String>,
    pub why_now: Option<String>,
    pub partner_context: Option<String>,
    pub partner_person: Option<String>,
    pub our_person: Option<String>,
    pub connecting_thread: Option<String>,
    pub buyer_problem: Option<String>,
    pub offer_description: Option<String>,
    pub offer_available_by: Option<NaiveDate>,
    pub offer_agreed_with_partner: bool,
    pub next_action: Option<String>,
    pub next_action_due_by: Option<NaiveDate>,
    pub owner_id: Option<Uuid>,
    pub acceptance_definition: Option<String>,
    pub response_window_days: Option<u16>,
    pub proof: Vec<ProofLink>,
}
