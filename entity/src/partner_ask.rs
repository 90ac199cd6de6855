use sea_orm::entity::prelude::*;

/// A seller asked for partner help on an account.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_asks")]
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
    /// The account, when it exists here.
    pub account_id: Option<Uuid>,
    /// The account's name, when it was named anew.
    pub account_name: Option<String>,
    pub partner_id: Option<Uuid>,
    /// Whether partner marketing had sent a handoff on that account before the ask (derived).
    pub brought_by_partner_marketing: bool,
    pub asked_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
