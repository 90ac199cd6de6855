/// A member's role in one organization (SPEC "Tenancy and roles").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Manages members, API tokens and organization settings.
    Admin,
    /// Builds, grades and sends handoffs; manages partners and accounts.
    PartnerMarketer,
    /// Receives handoffs addressed to them and responds.
    Seller,
    /// Owns the working agreement; sees everything; edits no packet.
    SalesLeader,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::PartnerMarketer, Role::Seller, Role::SalesLeader];
}

impl Role {
    /// The role's name in the API contract (e.g. `PARTNER_MARKETER`).
    pub fn contract_name(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::PartnerMarketer => "PARTNER_MARKETER",
            Role::Seller => "SELLER",
            Role::SalesLeader => "SALES_LEADER",
        }
    }
}
