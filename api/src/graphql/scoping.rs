//! From an ID in an input to the caller's scope in the organization that owns it. A thing in an
//! organization the caller is not a member of is `NOT_FOUND`, as if it did not exist.

use async_graphql::{Context, ID};
use uuid::Uuid;

use super::context::{store, viewer};
use super::ids::{Kind, decode};
use crate::auth::OrgScope;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::store::trust_records as records;
use crate::store::{accounts, api_tokens, handoffs, memberships, partners};

/// The caller's scope in the organization `raw` names, if their role is in `roles`.
pub async fn in_organization(ctx: &Context<'_>, raw: &ID, roles: &[Role]) -> AppResult<OrgScope> {
    let id = decode(raw, Kind::Organization, "organizationId")?;
    viewer(ctx).require(id, roles).await
}

/// The caller's scope in the organization that owns the `kind` row `raw` names, and the row's id.
pub async fn owner_of(
    ctx: &Context<'_>,
    raw: &ID,
    kind: Kind,
    field: &'static str,
    roles: &[Role],
) -> AppResult<(OrgScope, Uuid)> {
    let id = decode(raw, kind, field)?;
    Ok((scope_of(ctx, kind, id, field, roles).await?, id))
}

/// The caller's scope in the organization that owns the `kind` row `id`. Users belong to no
/// organization and are `NOT_FOUND` here.
pub async fn scope_of(
    ctx: &Context<'_>,
    kind: Kind,
    id: Uuid,
    field: &'static str,
    roles: &[Role],
) -> AppResult<OrgScope> {
    let conn = store(ctx).conn();
    let organization = match kind {
        Kind::Partner => partners::organization_of(conn, id).await?,
        Kind::Account => accounts::organization_of(conn, id).await?,
        Kind::Handoff => handoffs::organization_of(conn, id).await?,
        Kind::ApiToken => api_tokens::organization_of(conn, id).await?,
        Kind::Membership => memberships::organization_of(conn, id).await?,
        Kind::PartnerAsk => records::asks::organization_of(conn, id).await?,
        Kind::PartnerMeeting => records::meetings::organization_of(conn, id).await?,
        Kind::PipelineMention => records::mentions::organization_of(conn, id).await?,
        Kind::Escalation => records::escalations::organization_of(conn, id).await?,
        Kind::ScoreReview => records::score_reviews::organization_of(conn, id).await?,
        Kind::WebhookEndpoint => crate::store::webhooks::endpoint_organization(conn, id).await?,
        Kind::WebhookDelivery => crate::store::webhooks::delivery_organization(conn, id).await?,
        Kind::Invitation => crate::store::invitations::organization_of(conn, id).await?,
        Kind::AuditEvent => crate::store::audit::organization_of(conn, id).await?,
        Kind::Organization => Some(id),
        Kind::User => None,
    };
    let organization = organization.ok_or(AppError::NotFound(Some(field)))?;
    viewer(ctx).require(organization, roles).await.map_err(|e| match e {
        AppError::NotFound(None) => AppError::NotFound(Some(field)),
        other => other,
    })
}
