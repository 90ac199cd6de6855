//! The Relay `Node` interface and `node(id:)`. Anything outside the caller's organizations is
//! `NOT_FOUND`, exactly as if it did not exist.

use async_graphql::{Context, ID, Interface, Object};

use super::accounts::Account;
use super::api_tokens::ApiToken;
use super::context::{store, viewer};
use super::handoffs::Handoff;
use super::ids::{Kind, decode_any};
use super::memberships::Membership;
use super::organizations::Organization;
use super::partners::Partner;
use super::users::User;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::store::{accounts, api_tokens, handoff_views, handoffs, memberships, organizations, partners, users};

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
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any object by its global ID.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Node>> {
        let (kind, id) = decode_any(&id, "id")?;
        let viewer = viewer(ctx);
        viewer.require_user()?;
        let node = match kind {
            Kind::Organization => {
                let scope = viewer.require(id, &Role::ALL).await?;
                let tx = store(ctx).tenant(&scope).await?;
                let org = organizations::get(&tx).await?;
                tx.commit().await?;
                Node::Organization(Organization(org))
            }
            Kind::User => {
                // Visible to the person themselves and to anyone sharing an organization with them.
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
                Node::User(User(users::find(store(ctx).conn(), id).await?.ok_or(AppError::NotFound(None))?))
            }
            Kind::Membership => {
                let org_id =
                    memberships::organization_of(store(ctx).conn(), id).await?.ok_or(AppError::NotFound(None))?;
                let scope = viewer.require(org_id, &Role::ALL).await?;
                let tx = store(ctx).tenant(&scope).await?;
                let (row, user) = memberships::find_with_user(&tx, id).await?.ok_or(AppError::NotFound(None))?;
                let org = organizations::get(&tx).await?;
                tx.commit().await?;
                Node::Membership(Membership::new(row, org, user))
            }
            Kind::ApiToken => {
                let org_id =
                    api_tokens::organization_of(store(ctx).conn(), id).await?.ok_or(AppError::NotFound(None))?;
                let scope = viewer.require(org_id, &Role::ALL).await?;
                let tx = store(ctx).tenant(&scope).await?;
                let token = api_tokens::find(&tx, id).await?.ok_or(AppError::NotFound(None))?;
                tx.commit().await?;
                // Tokens are visible to ADMINs and to the member they act as; to others they do not exist.
                if scope.role() != Role::Admin && token.user_id != scope.user_id() {
                    return Err(AppError::NotFound(None));
                }
                Node::ApiToken(ApiToken(token))
            }
            Kind::Partner => {
                let org_id = partners::organization_of(store(ctx).conn(), id).await?.ok_or(AppError::NotFound(None))?;
                let tx = store(ctx).tenant(&viewer.require(org_id, &Role::ALL).await?).await?;
                let row = partners::find(&tx, id).await?.ok_or(AppError::NotFound(None))?;
                tx.commit().await?;
                Node::Partner(Partner(row))
            }
            Kind::Account => {
                let org_id = accounts::organization_of(store(ctx).conn(), id).await?.ok_or(AppError::NotFound(None))?;
                let tx = store(ctx).tenant(&viewer.require(org_id, &Role::ALL).await?).await?;
                let row = accounts::find(&tx, id).await?.ok_or(AppError::NotFound(None))?;
                tx.commit().await?;
                Node::Account(Account(row))
            }
            Kind::Handoff => {
                let org_id = handoffs::organization_of(store(ctx).conn(), id).await?.ok_or(AppError::NotFound(None))?;
                let tx = store(ctx).tenant(&viewer.require(org_id, &Role::ALL).await?).await?;
                let row = handoffs::find(&tx, id).await?.ok_or(AppError::NotFound(None))?;
                let view = handoff_views::load(&tx, vec![row]).await?.remove(0);
                tx.commit().await?;
                Node::Handoff(Handoff::new(view))
            }
        };
        Ok(Some(node))
    }
}
