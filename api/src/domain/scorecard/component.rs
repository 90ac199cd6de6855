/// The nine components every handoff should carry, in the scorecard's order. The order breaks ties
/// when picking the weakest components.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    TargetAccountLogic,
    PartnerContext,
    RelationshipPath,
    BuyerProblem,
    PartnerOffer,
    NextAction,
    Owner,
    AcceptanceCriteria,
    Proof,
}

impl Component {
    pub const ALL: [Component; 9] = [
        Component::TargetAccountLogic,
        Component::PartnerContext,
        Component::RelationshipPath,
        Component::BuyerProblem,
        Component::PartnerOffer,
        Component::NextAction,
        Component::Owner,
        Component::AcceptanceCriteria,
        Component::Proof,
    ];

    /// Position in the scorecard's order, 0 to 8.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The first five components: a weak one is a research gap ("rebuild the packet").
    pub fn is_research(self) -> bool {
        self.index() < 5
    }

    /// The stored and contract name, e.g. `TARGET_ACCOUNT_LOGIC`.
    pub fn code(self) -> &'static str {
        match self {
            Component::TargetAccountLogic => "TARGET_ACCOUNT_LOGIC",
            Component::PartnerContext => "PARTNER_CONTEXT",
            Component::RelationshipPath => "RELATIONSHIP_PATH",
            Component::BuyerProblem => "BUYER_PROBLEM",
            Component::PartnerOffer => "PARTNER_OFFER",
            Component::NextAction => "NEXT_ACTION",
            Component::Owner => "OWNER",
            Component::AcceptanceCriteria => "ACCEPTANCE_CRITERIA",
            Component::Proof => "PROOF",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_keep_the_table_order() {
        for (i, c) in Component::ALL.into_iter().enumerate() {
            assert_eq!(c.index(), i);
        }
        let research: Vec<_> = Component::ALL.into_iter().filter(|c| c.is_research()).collect();
        assert_eq!(research.last(), Some(&Component::PartnerOffer));
        assert_eq!(research.len(), 5);
    }
}
