use sea_orm::entity::prelude::*;

/// A member's role in one organization, stored as its contract name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")]
pub enum Role {
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "PARTNER_MARKETER")]
    PartnerMarketer,
    #[sea_orm(string_value = "SELLER")]
    Seller,
    #[sea_orm(string_value = "SALES_LEADER")]
    SalesLeader,
}
