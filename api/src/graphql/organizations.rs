//! Organizations: the tenants, and the entry point to everything inside one.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::api_tokens::ApiToken;
use super::context::{store, viewer};
use super::ids::{Kind, encode};
use super::memberships::Membership;
use super::paging::{connection, page};
use super::roles::RoleGql;
use crate::domain::{DisplayName, Role, Slug};
use crate::error::{AppResult, field};
use crate::store::{api_tokens, memberships, organizations};

/// One client company: a tenant. Visible only to its members.
pub struct Organization(pub organizations::Organization);

#[Object]
impl Organization {
    pub async fn id(&self) -> ID {
        encode(Kind::Organization, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// URL name: lowercase letters, digits and hyphens, 3 to 40 characters.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The caller's role here.
    async fn viewer_role(&self, ctx: &Context<'_>) -> AppResult<RoleGql> {
        Ok(viewer(ctx).require(self.0.id, &Role::ALL).await?.role().into())
    }
    /// Members in joining order. `first` defaults to 50, at most 100.
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<String, Membership>> {
        let page = page(first, after)?;
        let scope = viewer(ctx).require(self.0.id, &Role::ALL).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let (rows, has_next) = memberships::list(&tx, page).await?;
        tx.commit().await?;
        Ok(connection(rows, has_next, page, |(m, _)| m.id, |(m, u)| Membership::new(m, self.0.clone(), u)))
    }
    /// API tokens of this organization, revoked ones included. ADMIN only.
    async fn api_tokens(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<Connection<String, ApiToken>> {
        let page = page(first, after)?;
        let scope = viewer(ctx).require(self.0.id, &[Role::Admin]).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let (rows, has_next) = api_tokens::list(&tx, page).await?;
        tx.commit().await?;
        Ok(connection(rows, has_next, page, |t| t.id, ApiToken))
    }
}

#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// The organization with this slug, or null unless the caller is a member.
    async fn organization(&self, ctx: &Context<'_>, slug: String) -> AppResult<Option<Organization>> {
        let Some(id) = organizations::id_by_slug(store(ctx).conn(), &slug).await? else { return Ok(None) };
        let Some(scope) = viewer(ctx).scope_in(id).await? else { return Ok(None) };
        let tx = store(ctx).tenant(&scope).await?;
        let org = organizations::get(&tx).await?;
        tx.commit().await?;
        Ok(Some(Organization(org)))
    }
}

/// A new organization; its creator becomes its first ADMIN.
#[derive(InputObject)]
pub struct CreateOrganizationInput {
    /// Display name, 1 to 200 characters.
    pub name: String,
    /// Lowercase letters, digits and hyphens, 3 to 40 characters; a taken slug is a `CONFLICT`.
    pub slug: String,
}

#[derive(SimpleObject)]
pub struct CreateOrganizationPayload {
    pub organization: Organization,
}

#[derive(Default)]
pub struct OrganizationMutation;

#[Object]
impl OrganizationMutation {
    /// Any logged-in person may create an organization (API tokens may not).
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganizationInput,
    ) -> AppResult<CreateOrganizationPayload> {
        let user_id = viewer(ctx).require_session()?;
        let name = DisplayName::parse(&input.name).map_err(field("name"))?;
        let slug = Slug::parse(&input.slug).map_err(field("slug"))?;
        let tx = store(ctx).begin().await?;
        let org = organizations::create_with_admin(&tx, name, &slug, user_id, Utc::now()).await?;
        tx.commit().await.map_err(crate::store::StoreError::from)?;
        Ok(CreateOrganizationPayload { organization: Organization(org) })
    }
}
