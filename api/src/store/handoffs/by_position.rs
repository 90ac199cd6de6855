//! A handoff row read by column position (`store::by_position`): lists read them fifty at a time.

use entity::handoff::{self, Column as C};
use sea_orm::DbErr;
use sea_orm::sqlx::types::Json;

use super::HandoffRow;
use crate::store::by_position::{ByPosition, Reader};

impl ByPosition for HandoffRow {
    type Entity = handoff::Entity;

    fn columns() -> Vec<C> {
        vec![
            C::Id,
            C::OrganizationId,
            C::AccountId,
            C::PartnerId,
            C::SellerId,
            C::CreatedBy,
            C::Title,
            C::Status,
            C::Score,
            C::Band,
            C::WhyThisAccount,
            C::WhyNow,
            C::PartnerContext,
            C::PartnerPerson,
            C::OurPerson,
            C::ConnectingThread,
            C::BuyerProblem,
            C::OfferDescription,
            C::OfferAvailableBy,
            C::OfferAgreedWithPartner,
            C::NextAction,
            C::NextActionDueBy,
            C::OwnerId,
            C::AcceptanceDefinition,
            C::ResponseWindowDays,
            C::Proof,
            C::SentAt,
            C::RespondBy,
            C::DecidedAt,
            C::OverdueAt,
            C::CreatedAt,
            C::UpdatedAt,
            C::ArchivedAt,
        ]
    }

    fn decode(row: &mut Reader<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.next()?,
            organization_id: row.next()?,
            account_id: row.next()?,
            partner_id: row.next()?,
            seller_id: row.next()?,
            created_by: row.next()?,
            title: row.next()?,
            status: row.code()?,
            score: row.next()?,
            band: row.code()?,
            why_this_account: row.next()?,
            why_now: row.next()?,
            partner_context: row.next()?,
            partner_person: row.next()?,
            our_person: row.next()?,
            connecting_thread: row.next()?,
            buyer_problem: row.next()?,
            offer_description: row.next()?,
            offer_available_by: row.next()?,
            offer_agreed_with_partner: row.next()?,
            next_action: row.next()?,
            next_action_due_by: row.next()?,
            owner_id: row.next()?,
            acceptance_definition: row.next()?,
            response_window_days: row.next()?,
            proof: row.next::<Json<_>>()?.0,
            sent_at: row.maybe_time()?,
            respond_by: row.maybe_time()?,
            decided_at: row.maybe_time()?,
            overdue_at: row.maybe_time()?,
            created_at: row.time()?,
            updated_at: row.time()?,
            archived_at: row.maybe_time()?,
        })
    }
}
