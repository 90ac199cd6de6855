use async_graphql::Enum;

/// A member's role in one organization.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Role", remote = "crate::domain::Role")]
pub enum RoleGql {
    /// Manages members, API tokens and organization settings.
    Admin,
    /// Builds, grades and sends handoffs; manages partners and accounts.
    PartnerMarketer,
    /// Receives handoffs addressed to them and accepts, declines or asks for clarification.
    Seller,
    /// Owns the working agreement and acceptance rules; sees everything; edits no packet.
    SalesLeader,
}
