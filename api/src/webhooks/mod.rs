//! Webhooks for tools that cannot hold a socket: every handoff event is stored as a delivery per
//! subscribed endpoint, then POSTed, signed, and retried with backoff a bounded number of times.

mod delivery;
pub mod destination;
mod secret_box;
mod signature;

pub use delivery::{DeliverySettings, Worker, retry_delay};
pub use secret_box::{SecretBox, SecretBoxError};
pub use signature::{EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};

use crate::domain::events::HandoffEvent;
use crate::graphql::ids::{Kind, encode};
use crate::store::responses::{self, ResponseRow};

/// The JSON body a receiver gets: the event with the API's own opaque IDs, and for RESPONDED the
/// seller's answer (decision, reason, failed components), so a receiver need not query again.
pub fn payload(event_id: uuid::Uuid, event: &HandoffEvent, response: Option<&ResponseRow>) -> String {
    let mut body = serde_json::json!({
        "id": event_id.to_string(),
        "type": event.kind.code(),
        "occurredAt": event.at.to_rfc3339(),
        "organizationId": encode(Kind::Organization, event.organization_id).0,
        "handoffId": encode(Kind::Handoff, event.handoff_id).0,
    });
    if let Some(response) = response {
        let failed: Vec<&str> = responses::failed_components_of(response).iter().map(|c| c.code()).collect();
        body["response"] = serde_json::json!({
            "decision": responses::decision_of(response).code(),
            "reason": response.reason,
            "failedComponents": failed,
        });
    }
    body.to_string()
}
