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
/// current role. An ADMIN's token keeps its own role; a token made as ADMIN shrinks to what its
/// maker holds now. Other roles are not ranked against each other (a SELLER is not a lesser
/// PARTNER_MARKETER), so a token whose maker moved to another such role acts with none.
pub fn token_role(token: Role, maker: Role) -> Option<Role> {
    match (token, maker) {
        (token, Role::Admin) => Some(token),
        (Role::Admin, maker) => Some(maker),
        (token, maker) if token == maker => Some(token),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_acts_with_more_than_its_maker_holds_now() {
        assert_eq!(token_role(Role::Seller, Role::Admin), Some(Role::Seller));
        assert_eq!(token_role(Role::Admin, Role::Admin), Some(Role::Admin));
        assert_eq!(token_role(Role::Admin, Role::Seller), Some(Role::Seller), "shrinks with a demotion");
        assert_eq!(token_role(Role::Seller, Role::Seller), Some(Role::Seller));
        assert_eq!(token_role(Role::Seller, Role::PartnerMarketer), None);
        assert_eq!(token_role(Role::SalesLeader, Role::Seller), None);
        for token in Role::ALL {
            for maker in Role::ALL {
                if let Some(role) = token_role(token, maker) {
                    assert!(role == maker || maker == Role::Admin, "{token:?} by {maker:?} gave {role:?}");
                }
            }
        }
    }
}
