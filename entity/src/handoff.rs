use sea_orm::entity::prelude::*;

use crate::codes::*;

/// A handoff with the content of its nine components. `score` and `band` are derived from the
/// current grades and stored so lists can filter and sort by them.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "handoffs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub account_id: Uuid,
    pub partner_id: Uuid,
    /// The addressed seller.
    pub seller_id: Option<Uuid>,
    pub created_by: Uuid,
    pub title: String,
    /// DRAFT, SENT, ACCEPTED or DECLINED.
    pub status: HandoffStatus,
    pub score: i16,
    pub band: Band,
    pub why_this_account: Option<String>,
    pub why_now: Option<String>,
    pub partner_context: Option<String>,
    pub partner_person: Option<String>,
    pub our_person: Option<String>,
    pub connecting_thread: Option<String>,
    pub buyer_problem: Option<String>,
    pub offer_description: Option<String>,
    pub offer_available_by: Option<Date>,
    pub offer_agreed_with_partner: bool,
    pub next_action: Option<String>,
    pub next_action_due_by: Option<Date>,
    pub owner_id: Option<Uuid>,
    pub acceptance_definition: Option<String>,
    pub response_window_days: Option<i16>,
    /// A JSON list of `{ "label": …, "url": … }`.
    #[sea_orm(column_type = "Json")]
    pub proof: ProofLinks,
    pub sent_at: Option<DateTimeUtc>,
    pub respond_by: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    /// When the overdue job first found it past `respond_by` without a decision.
    pub overdue_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
