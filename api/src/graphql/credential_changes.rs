//! Which documents may change sessions, memberships, API tokens, people or organizations: after
//! answering one, the executor clears this replica's credential cache, so the caller's next
//! request here sees the change even before the database's notice arrives. Mutations are assumed
//! to change credentials unless listed below, so a new mutation is safe before anyone thinks of
//! the cache.

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection};

/// Mutations that never change what authentication reads. (`login` and `signUp` open a session,
/// and `createApiToken` makes a token: nothing cached is wrong after them.)
pub const LEAVES_CREDENTIALS_ALONE: &[&str] = &[
    "signUp",
    "login",
    "inviteMember",
    "revokeInvitation",
    "createApiToken",
    "createPartner",
    "updatePartner",
    "archivePartner",
    "createAccount",
    "updateAccount",
    "archiveAccount",
    "confirmAccount",
    "createHandoff",
    "updateHandoff",
    "archiveHandoff",
    "gradeHandoff",
    "sendHandoff",
    "respondToHandoff",
    "logPartnerAsk",
    "logPartnerMeeting",
    "logPipelineMention",
    "raiseEscalation",
    "logScoreReview",
    "archiveTrustRecord",
    "draftWorkingAgreement",
    "signWorkingAgreement",
    "createWebhookEndpoint",
    "disableWebhookEndpoint",
    "redeliverWebhook",
];

/// Whether any mutation in the document selects a root field outside the list (a fragment at the
/// root counts as one: its fields are not looked into).
pub fn may_change_credentials(document: &ExecutableDocument) -> bool {
    document.operations.iter().filter(|(_, op)| op.node.ty == OperationType::Mutation).any(|(_, op)| {
        op.node.selection_set.node.items.iter().any(|item| match &item.node {
            Selection::Field(field) => !LEAVES_CREDENTIALS_ALONE.contains(&field.node.name.node.as_str()),
            _ => true,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::may_change_credentials;

    fn judge(query: &str) -> bool {
        may_change_credentials(&async_graphql::parser::parse_query(query).expect("the query parses"))
    }

    #[test]
    fn mutations_change_credentials_unless_listed() {
        assert!(judge("mutation { logout { ok } }"));
        assert!(judge("mutation { removeMember(input: {}) { ok } }"));
        assert!(judge("mutation { gradeHandoff(input: {}) { ok } logout { ok } }"));
        assert!(judge("mutation { ...F } fragment F on Mutation { gradeHandoff(input: {}) { ok } }"));
        assert!(judge("mutation { someFutureMutation { ok } }"));
        assert!(!judge("mutation { gradeHandoff(input: {}) { ok } sendHandoff(input: {}) { ok } }"));
        assert!(!judge("query { logout }"), "only mutations count");
    }

    #[test]
    fn every_listed_mutation_exists() {
        let sdl = crate::graphql::sdl();
        for name in super::LEAVES_CREDENTIALS_ALONE {
            assert!(sdl.contains(&format!("\t{name}(")), "{name} is not a mutation of the schema");
        }
    }
}
