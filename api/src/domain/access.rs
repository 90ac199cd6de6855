//! Who may do what with handoffs and their surroundings (SPEC "Tenancy and roles").

use uuid::Uuid;

use super::Role;

/// Roles that build and send handoffs and manage partners and accounts.
pub const PACKET_WRITERS: &[Role] = &[Role::Admin, Role::PartnerMarketer];
/// Roles that grade handoffs (sales leadership grades in the open).
pub const GRADERS: &[Role] = &[Role::Admin, Role::PartnerMarketer, Role::SalesLeader];
/// Roles that change the organization's acceptance rules, such as the minimum score to send.
pub const RULE_OWNERS: &[Role] = &[Role::Admin, Role::SalesLeader];

/// Roles that manage members, invitations, API tokens, webhooks and read the audit trail.
pub const ADMINS: &[Role] = &[Role::Admin];
/// Roles that log asks, meetings and pipeline mentions: sellers their own, sales leadership and
/// admins for a named seller.
pub const SELLER_RECORDERS: &[Role] = &[Role::Seller, Role::SalesLeader, Role::Admin];
/// Roles that import files of trust records: the records name any seller, so not sellers.
pub const RECORD_IMPORTERS: &[Role] = &[Role::SalesLeader, Role::Admin];
/// Roles that log score reviews.
pub const SCORE_REVIEWERS: &[Role] = &[Role::SalesLeader, Role::Admin];
/// Roles that read the trust signals: they describe the whole organization (every seller's
/// behaviour), so they are for the people who run the motion, not for individual sellers.
pub const TRUST_READERS: &[Role] = &[Role::Admin, Role::PartnerMarketer, Role::SalesLeader];

/// Roles that draft and sign the working agreement: both sides of it.
pub const AGREEMENT_PARTIES: &[Role] = &[Role::PartnerMarketer, Role::SalesLeader, Role::Admin];

/// Which handoffs a member sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffVisibility {
    /// Partner marketers and admins: every handoff, drafts included.
    All,
    /// Sales leaders: every handoff that has been sent.
    SentOnly,
    /// Sellers: sent handoffs addressed to them.
    SentAddressedTo(Uuid),
}

pub fn handoff_visibility(role: Role, user_id: Uuid) -> HandoffVisibility {
    match role {
        Role::Admin | Role::PartnerMarketer => HandoffVisibility::All,
        Role::SalesLeader => HandoffVisibility::SentOnly,
        Role::Seller => HandoffVisibility::SentAddressedTo(user_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_sees_its_share_of_handoffs() {
        let me = Uuid::now_v7();
        assert_eq!(handoff_visibility(Role::Admin, me), HandoffVisibility::All);
        assert_eq!(handoff_visibility(Role::PartnerMarketer, me), HandoffVisibility::All);
        assert_eq!(handoff_visibility(Role::SalesLeader, me), HandoffVisibility::SentOnly);
        assert_eq!(handoff_visibility(Role::Seller, me), HandoffVisibility::SentAddressedTo(me));
    }

    #[test]
    fn sales_leaders_grade_but_do_not_write_packets() {
        assert!(GRADERS.contains(&Role::SalesLeader));
        assert!(!PACKET_WRITERS.contains(&Role::SalesLeader));
        assert!(!GRADERS.contains(&Role::Seller));
    }
}
