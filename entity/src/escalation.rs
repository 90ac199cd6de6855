use sea_orm::entity::prelude::*;

use crate::codes::*;

/// A disagreement raised about a handoff, an account or a partner.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "escalations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// Who logged it.
    pub logged_by: Uuid,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
    pub handoff_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    /// WHICH_ACCOUNT, WHICH_PARTNER or WORTH_READING.
    pub topic: EscalationTopic,
    pub raised_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
