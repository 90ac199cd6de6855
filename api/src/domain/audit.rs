//! What the audit trail records: changes to who may do what, and to the rules everyone works by.

/// One kind of audited change; its name is what `AuditEvent.action` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SettingsChanged,
    InvitationSent,
    InvitationAccepted,
    InvitationRevoked,
    MemberRoleChanged,
    MemberRemoved,
    ApiTokenCreated,
    ApiTokenRevoked,
    WebhookCreated,
    WebhookDisabled,
    AgreementDrafted,
    AgreementSigned,
    /// An ADMIN downloaded the organization's data (`GET /exports/…`).
    OrganizationExported,
    /// A member imported a file of history (handoffs or trust records).
    OrganizationImported,
    /// A member made a signed link to the client report.
    ReportLinkCreated,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::SettingsChanged => "organization.settings_changed",
            Action::InvitationSent => "invitation.sent",
            Action::InvitationAccepted => "invitation.accepted",
            Action::InvitationRevoked => "invitation.revoked",
            Action::MemberRoleChanged => "member.role_changed",
            Action::MemberRemoved => "member.removed",
            Action::ApiTokenCreated => "api_token.created",
            Action::ApiTokenRevoked => "api_token.revoked",
            Action::WebhookCreated => "webhook.created",
            Action::WebhookDisabled => "webhook.disabled",
            Action::AgreementDrafted => "agreement.drafted",
            Action::AgreementSigned => "agreement.signed",
            Action::OrganizationExported => "organization.exported",
            Action::OrganizationImported => "organization.imported",
            Action::ReportLinkCreated => "report.link_created",
        }
    }
}
