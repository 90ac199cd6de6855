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

/// The role an API token acts with now: the lower of the role it was made with and its maker's
/// current role. Roles are not nested (an ADMIN may not sign the sales side of the working
/// agreement, a SALES_LEADER may), so only ADMIN ranks above another: a token made as ADMIN
/// shrinks to what its maker holds now, any other token acts only while its maker holds its role.
pub fn token_role(token: Role, maker: Role) -> Option<Role> {
    match (token, maker) {
        (token, maker) if token == maker => Some(token),
        (Role::Admin, maker) => Some(maker),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_acts_with_more_than_its_maker_holds_now() {
        assert_eq!(token_role(Role::Seller, Role::Admin), None, "an ADMIN holds no seller's rights");
        assert_eq!(token_role(Role::SalesLeader, Role::Admin), None, "nor a sales leader's");
        assert_eq!(token_role(Role::Admin, Role::Admin), Some(Role::Admin));
        assert_eq!(token_role(Role::Admin, Role::Seller), Some(Role::Seller), "shrinks with a demotion");
        assert_eq!(token_role(Role::Seller, Role::Seller), Some(Role::Seller));
        assert_eq!(token_role(Role::Seller, Role::PartnerMarketer), None);
        assert_eq!(token_role(Role::SalesLeader, Role::Seller), None);
        for token in Role::ALL {
            for maker in Role::ALL {
                if let Some(role) = token_role(token, maker) {
                    assert_eq!(role, maker, "{token:?} by {maker:?} acts with the maker's role at most");
                }
            }
        }
    }
}
