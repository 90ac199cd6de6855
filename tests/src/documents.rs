//! The GraphQL documents the suite sends more than once, each named for its operation. A test with
//! a document of its own keeps it beside its assertions.

/// `createPartner`, answering the new partner's id.
pub const CREATE_PARTNER: &str = "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { partner { id } } }";

/// `createAccount`, answering the new account's id.
pub const CREATE_ACCOUNT: &str = "mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } } }";

/// `createHandoff`, answering the new draft's id.
pub const CREATE_HANDOFF: &str = "mutation($i: CreateHandoffInput!) { createHandoff(input: $i) { handoff { id } } }";

/// `updateHandoff`, answering the changed draft's id.
pub const UPDATE_HANDOFF: &str = "mutation($i: UpdateHandoffInput!) { updateHandoff(input: $i) { handoff { id } } }";

/// `gradeHandoff`, answering the new score and band.
pub const GRADE_HANDOFF: &str =
    "mutation($i: GradeHandoffInput!) { gradeHandoff(input: $i) { handoff { score band } } }";

/// `sendHandoff`, answering the status and deadlines.
pub const SEND_HANDOFF: &str =
    "mutation($i: SendHandoffInput!) { sendHandoff(input: $i) { handoff { status sentAt respondBy } } }";

/// `respondToHandoff`, answering the status.
pub const RESPOND_TO_HANDOFF: &str =
    "mutation($i: RespondToHandoffInput!) { respondToHandoff(input: $i) { handoff { status } } }";

/// A handoff by its ID through `node`: status, score and band.
pub const HANDOFF_NODE: &str = "query($id: ID!) { node(id: $id) { ... on Handoff { status score band } } }";

/// `inviteMember` with its whole payload.
pub const INVITE: &str = "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token delivery invitation { id email role status expiresAt } } }";

/// `acceptInvitation` with the new membership.
pub const ACCEPT: &str = "mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { membership { role organization { slug } user { id } } } }";
