//! The coded values stored in text columns, as the database spells them. A stored value outside
//! these is an error when the row is read, never a silent default. Event kinds are the exception:
//! during a rolling deploy a newer replica may write a kind an older one does not know, so they
//! stay text and each reader passes over, and logs, what it does not know.

use sea_orm::FromJsonQueryResult;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! codes {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(64))")]
        pub enum $name {
            $(
                #[sea_orm(string_value = $code)]
                #[serde(rename = $code)]
                $variant,
            )+
        }
    };
}

codes!(
    /// `handoffs.status`.
    HandoffStatus { Draft = "DRAFT", Sent = "SENT", Accepted = "ACCEPTED", Declined = "DECLINED" }
);
codes!(
    /// `handoffs.band`.
    Band {
        SalesReady = "SALES_READY",
        FixBeforeVolume = "FIX_BEFORE_VOLUME",
        NotAHandoffYet = "NOT_A_HANDOFF_YET",
    }
);
codes!(
    /// `handoff_grades.component`, and the lists of components in JSON columns.
    Component {
        TargetAccountLogic = "TARGET_ACCOUNT_LOGIC",
        PartnerContext = "PARTNER_CONTEXT",
        RelationshipPath = "RELATIONSHIP_PATH",
        BuyerProblem = "BUYER_PROBLEM",
        PartnerOffer = "PARTNER_OFFER",
        NextAction = "NEXT_ACTION",
        Owner = "OWNER",
        AcceptanceCriteria = "ACCEPTANCE_CRITERIA",
        Proof = "PROOF",
    }
);
codes!(
    /// `handoff_grades.grade`.
    Grade { Strong = "STRONG", Weak = "WEAK", Missing = "MISSING" }
);
codes!(
    /// `handoff_responses.decision`.
    Decision { Accept = "ACCEPT", Decline = "DECLINE", RequestClarification = "REQUEST_CLARIFICATION" }
);
codes!(
    /// `escalations.topic`.
    EscalationTopic { WhichAccount = "WHICH_ACCOUNT", WhichPartner = "WHICH_PARTNER", WorthReading = "WORTH_READING" }
);
codes!(
    /// `pipeline_mentions.review_kind`.
    ReviewKind { Forecast = "FORECAST", Pipeline = "PIPELINE", DealReview = "DEAL_REVIEW" }
);
codes!(
    /// `webhook_deliveries.status`.
    DeliveryStatus { Pending = "PENDING", Delivered = "DELIVERED", Failed = "FAILED", Cancelled = "CANCELLED" }
);
codes!(
    /// `audit_events.action`.
    AuditAction {
        SettingsChanged = "organization.settings_changed",
        InvitationSent = "invitation.sent",
        InvitationAccepted = "invitation.accepted",
        InvitationRevoked = "invitation.revoked",
        MemberRoleChanged = "member.role_changed",
        MemberRemoved = "member.removed",
        ApiTokenCreated = "api_token.created",
        ApiTokenRevoked = "api_token.revoked",
        WebhookCreated = "webhook.created",
        WebhookDisabled = "webhook.disabled",
        AgreementDrafted = "agreement.drafted",
        AgreementSigned = "agreement.signed",
        OrganizationExported = "organization.exported",
        OrganizationImported = "organization.imported",
        ReportLinkCreated = "report.link_created",
    }
);

/// A JSON list of components.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct Components(pub Vec<Component>);

/// A JSON list of row ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct Ids(pub Vec<Uuid>);

/// One piece of proof attached to a handoff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofLink {
    pub label: String,
    pub url: String,
}

/// A JSON list of proof links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct ProofLinks(pub Vec<ProofLink>);
