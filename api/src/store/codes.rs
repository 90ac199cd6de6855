//! The domain's values and the codes the tables store, converted both ways. The database spells
//! its codes in `entity::codes`, the API in the domain; a test below keeps the two spellings equal.

use entity::codes as stored;

use crate::domain::Role;
use crate::domain::audit::Action;
use crate::domain::scorecard::{Band, Component, Decision, Grade, HandoffStatus};
use crate::domain::trust::EscalationTopic;

macro_rules! same_values {
    ($domain:ident => $stored:ty { $($variant:ident),+ $(,)? }) => {
        impl From<$domain> for $stored {
            fn from(value: $domain) -> Self {
                match value {
                    $($domain::$variant => Self::$variant,)+
                }
            }
        }

        impl From<$stored> for $domain {
            fn from(value: $stored) -> Self {
                type Stored = $stored;
                match value {
                    $(Stored::$variant => $domain::$variant,)+
                }
            }
        }
    };
}

same_values!(HandoffStatus => stored::HandoffStatus { Draft, Sent, Accepted, Declined });
same_values!(Band => stored::Band { SalesReady, FixBeforeVolume, NotAHandoffYet });
same_values!(Component => stored::Component {
    TargetAccountLogic, PartnerContext, RelationshipPath, BuyerProblem, PartnerOffer, NextAction, Owner,
    AcceptanceCriteria, Proof,
});
same_values!(Grade => stored::Grade { Strong, Weak, Missing });
same_values!(Decision => stored::Decision { Accept, Decline, RequestClarification });
same_values!(EscalationTopic => stored::EscalationTopic { WhichAccount, WhichPartner, WorthReading });
same_values!(Role => entity::Role { Admin, PartnerMarketer, Seller, SalesLeader });
same_values!(Action => stored::AuditAction {
    SettingsChanged, InvitationSent, InvitationAccepted, InvitationRevoked, MemberRoleChanged, MemberRemoved,
    ApiTokenCreated, ApiTokenRevoked, WebhookCreated, WebhookDisabled, AgreementDrafted, AgreementSigned,
});

/// Stored component codes as the domain's components.
pub fn components(stored: &stored::Components) -> Vec<Component> {
    stored.0.iter().map(|c| Component::from(*c)).collect()
}

/// Domain components as a stored list.
pub fn stored_components(components: &[Component]) -> stored::Components {
    stored::Components(components.iter().map(|c| (*c).into()).collect())
}

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;
    use sea_orm::Iterable;

    use super::*;

    /// Every stored code reads back as the domain value the API names with the same code.
    fn same_spelling<S, D>(code: impl Fn(D) -> String)
    where
        S: ActiveEnum<Value = String> + Iterable + Copy,
        D: From<S>,
    {
        for value in S::iter() {
            assert_eq!(value.to_value(), code(D::from(value)));
        }
    }

    #[test]
    fn the_database_and_the_api_spell_every_code_alike() {
        same_spelling::<stored::HandoffStatus, HandoffStatus>(|v| v.code().into());
        same_spelling::<stored::Band, Band>(|v| v.code().into());
        same_spelling::<stored::Component, Component>(|v| v.code().into());
        same_spelling::<stored::Grade, Grade>(|v| v.code().into());
        same_spelling::<stored::EscalationTopic, EscalationTopic>(|v| v.code().into());
        same_spelling::<entity::Role, Role>(|v| v.contract_name().into());
        same_spelling::<stored::AuditAction, Action>(|v| v.name().into());
        same_spelling::<stored::Decision, Decision>(|v| v.code().into());
    }
}
