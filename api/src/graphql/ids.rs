//! Opaque global IDs: base64url of `Kind:uuid`. Decoding checks the kind, so an ID of one type is
//! never taken for another.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    User,
    Organization,
    Membership,
    ApiToken,
    Partner,
    Account,
    Handoff,
    PartnerAsk,
    PartnerMeeting,
    PipelineMention,
    Escalation,
    ScoreReview,
    WebhookEndpoint,
    WebhookDelivery,
    Invitation,
    AuditEvent,
}

impl Kind {
    const ALL: [Kind; 16] = [
        Kind::User,
        Kind::Organization,
        Kind::Membership,
        Kind::ApiToken,
        Kind::Partner,
        Kind::Account,
        Kind::Handoff,
        Kind::PartnerAsk,
        Kind::PartnerMeeting,
        Kind::PipelineMention,
        Kind::Escalation,
        Kind::ScoreReview,
        Kind::WebhookEndpoint,
        Kind::WebhookDelivery,
        Kind::Invitation,
        Kind::AuditEvent,
    ];

    fn tag(self) -> &'static str {
        match self {
            Kind::User => "User",
            Kind::Organization => "Organization",
            Kind::Membership => "Membership",
            Kind::ApiToken => "ApiToken",
            Kind::Partner => "Partner",
            Kind::Account => "Account",
            Kind::Handoff => "Handoff",
            Kind::PartnerAsk => "PartnerAsk",
            Kind::PartnerMeeting => "PartnerMeeting",
            Kind::PipelineMention => "PipelineMention",
            Kind::Escalation => "Escalation",
            Kind::ScoreReview => "ScoreReview",
            Kind::WebhookEndpoint => "WebhookEndpoint",
            Kind::WebhookDelivery => "WebhookDelivery",
            Kind::Invitation => "Invitation",
            Kind::AuditEvent => "AuditEvent",
        }
    }
}

impl Kind {
    /// The tenant table rows of this kind live in; users and organizations belong to no one
    /// organization's table.
    pub fn tenant_table(self) -> Option<&'static str> {
        use entity::*;
        use sea_orm::EntityName;
        Some(match self {
            Kind::User | Kind::Organization => return None,
            Kind::Membership => membership::Entity.table_name(),
            Kind::ApiToken => api_token::Entity.table_name(),
            Kind::Partner => partner::Entity.table_name(),
            Kind::Account => account::Entity.table_name(),
            Kind::Handoff => handoff::Entity.table_name(),
            Kind::PartnerAsk => partner_ask::Entity.table_name(),
            Kind::PartnerMeeting => partner_meeting::Entity.table_name(),
            Kind::PipelineMention => pipeline_mention::Entity.table_name(),
            Kind::Escalation => escalation::Entity.table_name(),
            Kind::ScoreReview => score_review::Entity.table_name(),
            Kind::WebhookEndpoint => webhook_endpoint::Entity.table_name(),
            Kind::WebhookDelivery => webhook_delivery::Entity.table_name(),
            Kind::Invitation => invitation::Entity.table_name(),
            Kind::AuditEvent => audit_event::Entity.table_name(),
        })
    }
}

pub fn encode(kind: Kind, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{}", kind.tag(), id)))
}

/// Any global ID: its kind and row id. `field` names the argument for the error.
pub fn decode_any(raw: &str, field: &str) -> Result<(Kind, Uuid), AppError> {
    let invalid = || AppError::bad_input(field, "is not a valid ID");
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim_end_matches('=')).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (tag, id) = text.split_once(':').ok_or_else(invalid)?;
    let kind = Kind::ALL.into_iter().find(|k| k.tag() == tag).ok_or_else(invalid)?;
    let id = Uuid::parse_str(id).map_err(|_| invalid())?;
    Ok((kind, id))
}

/// A global ID that must be of `kind`.
pub fn decode(raw: &str, kind: Kind, field: &str) -> Result<Uuid, AppError> {
    match decode_any(raw, field)? {
        (k, id) if k == kind => Ok(id),
        _ => Err(AppError::bad_input(field, format!("is not an ID of a {}", kind.tag()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_kind() {
        let id = Uuid::now_v7();
        let global = encode(Kind::Organization, id);
        assert_eq!(decode(&global, Kind::Organization, "id").unwrap(), id);
        assert!(decode(&global, Kind::User, "id").is_err());
    }

    #[test]
    fn garbage_is_refused() {
        for raw in ["", "x", "!!!", &URL_SAFE_NO_PAD.encode("Nope:123"), &URL_SAFE_NO_PAD.encode("User:not-a-uuid")] {
            assert!(decode_any(raw, "id").is_err(), "{raw:?}");
        }
    }
}
