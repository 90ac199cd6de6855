//! The Relay `Node` interface and `node(id:)`. Anything outside the caller's organizations is
//! `NOT_FOUND`, exactly as if it did not exist.

use async_graphql::{Context, ID, Interface, Object};

use super::accounts::Account;
use super::api_tokens::ApiToken;
use super::audit::AuditEvent;
use super::context::{store, viewer};
use super::handoffs::Handoff;
use super::ids::{Kind, decode_any};
use super::invitations::Invitation;
use super::memberships::Membership;
use super::organizations::Organization;
use super::partners::Partner;
use super::scoping::scope_of;
use super::trust_records::{Escalation, PartnerAsk, PartnerMeeting, PipelineMention, ScoreReview};
use super::users::User;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::store::tenant_table;
use crate::store::trust_records as records;
use crate::store::{api_tokens, audit, handoff_views, invitations, memberships, organizations, users};

/// An object with a global ID.
// One value per `node(id:)` call: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID."))]
pub enum Node {
    User(User),
    Organization(Organization),
    Membership(Membership),
    ApiToken(ApiToken),
    Partner(Partner),
    Account(Account),
    Handoff(Handoff),
    PartnerAsk(PartnerAsk),
    PartnerMeeting(PartnerMeeting),
    PipelineMention(PipelineMention),
    Escalation(Escalation),
    ScoreReview(ScoreReview),
    Invitation(Invitation),
    AuditEvent(AuditEvent),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any object by its global ID.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Any object's global ID; one the caller may not see is `NOT_FOUND`, as if it did not exist.")]
        id: ID,
    ) -> AppResult<Option<Node>> {
        let (kind, id) = decode_any(&id, "id")?;
        let viewer = viewer(ctx);
        viewer.require_user()?;
        if kind == Kind::User {
            return Ok(Some(Node::User(visible_user(ctx, id).await?)));
        }
        let scope = scope_of(ctx, kind, id, "id", &Role::ALL).await.map_err(|e| match e {
            AppError::NotFound(_) | AppError::Forbidden(_) => AppError::NotFound(None),
            other => other,
        })?;
        let tx = store(ctx).tenant(&scope).await?;
        let missing = || AppError::NotFound(None);
        let node = match kind {
            Kind::Organization => Node::Organization(Organization(organizations::get(&tx).await?)),
            Kind::Membership => {
                let (row, user) = memberships::find_with_user(&tx, id).await?.ok_or_else(missing)?;
                Node::Membership(Membership::new(row, organizations::get(&tx).await?, user))
            }
            Kind::ApiToken => {
                let token = api_tokens::find(&tx, id).await?.ok_or_else(missing)?;
                // Tokens are visible to ADMINs and to the member they act as; to others they do not exist.
                if scope.role() != Role::Admin && token.user_id != scope.user_id() {
                    return Err(missing());
                }
                Node::ApiToken(ApiToken(token))
            }
            Kind::Partner => Node::Partner(Partner::from(
                tenant_table::find::<entity::partner::Entity>(&tx, id).await?.ok_or_else(missing)?,
            )),
            Kind::Account => Node::Account(Account::from(
                tenant_table::find::<entity::account::Entity>(&tx, id).await?.ok_or_else(missing)?,
            )),
            Kind::Handoff => {
                let row = tenant_table::find::<entity::handoff::Entity>(&tx, id).await?.ok_or_else(missing)?;
                Node::Handoff(Handoff::new(handoff_views::load(&tx, vec![row]).await?.remove(0)))
            }
            Kind::User => unreachable!("users are answered above"),
            // Webhooks are reached through Organization.webhookEndpoints (ADMIN only).
            Kind::WebhookEndpoint | Kind::WebhookDelivery => return Err(missing()),
            Kind::PartnerAsk => Node::PartnerAsk(PartnerAsk(
                records::find::<entity::partner_ask::Entity>(&tx, id).await?.ok_or_else(missing)?,
            )),
            Kind::PartnerMeeting => Node::PartnerMeeting(PartnerMeeting(
                records::find::<entity::partner_meeting::Entity>(&tx, id).await?.ok_or_else(missing)?,
            )),
            Kind::PipelineMention => Node::PipelineMention(PipelineMention(
                records::find::<entity::pipeline_mention::Entity>(&tx, id).await?.ok_or_else(missing)?,
            )),
            Kind::Escalation => Node::Escalation(Escalation(
                records::find::<entity::escalation::Entity>(&tx, id).await?.ok_or_else(missing)?,
            )),
            // Invitations and the audit trail are for ADMINs; to others they do not exist.
            Kind::Invitation if scope.role() == Role::Admin => {
                Node::Invitation(Invitation(invitations::find(&tx, id).await?.ok_or_else(missing)?))
            }
            Kind::AuditEvent if scope.role() == Role::Admin => {
                Node::AuditEvent(AuditEvent(audit::find(&tx, id).await?.ok_or_else(missing)?))
            }
            Kind::Invitation | Kind::AuditEvent => return Err(missing()),
            Kind::ScoreReview => Node::ScoreReview(ScoreReview(
                records::find::<entity::score_review::Entity>(&tx, id).await?.ok_or_else(missing)?,
            )),
        };
        tx.commit().await?;
        Ok(Some(node))
    }
}

/// A person is visible to themselves and to anyone sharing an organization with them.
async fn visible_user(ctx: &Context<'_>, id: uuid::Uuid) -> AppResult<User> {
    let viewer = viewer(ctx);
    let mut shared = viewer.user_id() == Some(id);
    for (org_id, _) in viewer.memberships().await? {
        if shared {
            break;
        }
        let scope = viewer.require(*org_id, &Role::ALL).await?;
        let tx = store(ctx).tenant(&scope).await?;
        shared = memberships::find_by_user(&tx, id).await?.is_some();
        tx.commit().await?;
    }
    if !shared {
        return Err(AppError::NotFound(None));
    }
    Ok(User::from(users::find(store(ctx).conn(), id).await?.ok_or(AppError::NotFound(None))?))
}
