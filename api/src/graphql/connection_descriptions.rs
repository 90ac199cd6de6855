//! Descriptions of the connection types, which async-graphql generates without one. Each entry
//! names the exact `Connection` a resolver returns: the description goes to the schema type of
//! that name (`AccountConnection`, …).

use async_graphql::SchemaBuilder;
use async_graphql::connection::Connection;

use super::accounts::Account;
use super::api_tokens::ApiToken;
use super::audit::AuditEvent;
use super::handoff_events::HandoffEventGql;
use super::handoffs::{Handoff, list};
use super::inline::Inline;
use super::invitations::Invitation;
use super::memberships::Membership;
use super::partners::Partner;
use super::total_count::TotalCount;
use super::trust_records::{Escalation, PartnerAsk, PartnerMeeting, PipelineMention, ScoreReview};
use super::webhooks::WebhookDelivery;

/// Gives every connection type of the schema its description.
pub fn describe_connections<Q, M, S>(builder: SchemaBuilder<Q, M, S>) -> SchemaBuilder<Q, M, S> {
    builder
        .override_output_type_description::<Connection<String, Membership, TotalCount>>(
            "A page of the organization's members, with paging information and the total count.",
        )
        .override_output_type_description::<Connection<String, Partner, TotalCount>>(
            "A page of the organization's partners, with paging information and the total count.",
        )
        .override_output_type_description::<Connection<String, Account, TotalCount>>(
            "A page of the organization's accounts, with paging information and the total count.",
        )
        .override_output_type_description::<Connection<list::Cursor, Inline<Handoff>>>(
            "A page of the handoffs the caller may see, with paging information.",
        )
        .override_output_type_description::<Connection<String, PartnerAsk>>(
            "A page of the partner asks sellers logged, with paging information.",
        )
        .override_output_type_description::<Connection<String, PartnerMeeting>>(
            "A page of the partner meetings sellers took, with paging information.",
        )
        .override_output_type_description::<Connection<String, PipelineMention>>(
            "A page of the partner-influence mentions in forecast, pipeline and deal reviews, with paging information.",
        )
        .override_output_type_description::<Connection<String, Escalation>>(
            "A page of the escalations raised, with paging information.",
        )
        .override_output_type_description::<Connection<String, ScoreReview>>(
            "A page of the score reviews held, with paging information.",
        )
        .override_output_type_description::<Connection<String, HandoffEventGql>>(
            "A page of the organization's handoff events, oldest first, with paging information.",
        )
        .override_output_type_description::<Connection<String, Invitation, TotalCount>>(
            "A page of the invitations to the organization, with paging information and the total count.",
        )
        .override_output_type_description::<Connection<String, AuditEvent>>(
            "A page of the organization's audit log, with paging information.",
        )
        .override_output_type_description::<Connection<String, ApiToken, TotalCount>>(
            "A page of the organization's API tokens, with paging information and the total count.",
        )
        .override_output_type_description::<Connection<String, WebhookDelivery>>(
            "A page of a webhook endpoint's deliveries, with paging information.",
        )
}
