use sea_orm::entity::prelude::*;

/// A seller took a meeting with a partner on an account.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// Who logged it.
    pub logged_by: Uuid,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
    pub seller_id: Uuid,
    pub account_id: Uuid,
    pub partner_id: Uuid,
    pub handoff_id: Option<Uuid>,
    pub met_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
