//! API tokens for sellers' tools: one organization, one role, acting as one member.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{now, store, viewer};
use super::ids::{Kind, decode, encode};
use super::paging::connection;
use super::roles::RoleGql;
use super::scoping::{owner_of, read_in};
use super::total_count::{CountOf, TotalCount, counted};
use crate::auth::opaque_token::{self, Kind as SecretKind};
use crate::domain::access::ADMINS;
use crate::domain::audit::Action;
use crate::domain::{Role, TokenName, token_role};
use crate::error::{AppError, AppResult, field};
use crate::store::Page;
use crate::store::{api_tokens, audit};

/// A long-lived credential. Its secret is shown once, when it is created.
pub struct ApiToken(pub api_tokens::ApiToken);

/// A long-lived credential. Its secret is shown once, when it is created.
#[Object]
impl ApiToken {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::ApiToken, self.0.id)
    }
    /// A label to tell tokens apart.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The role the token was made with; it acts with at most its maker's current role.
    async fn role(&self) -> RoleGql {
        Role::from(self.0.role).into()
    }
    /// The member who made the token and whom it acts as.
    async fn user_id(&self) -> ID {
        encode(Kind::User, self.0.user_id)
    }
    /// The first characters of the secret.
    async fn prefix(&self) -> &str {
        &self.0.secret_prefix
    }
    /// When the token was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Last request made with the token (recorded at most once a minute).
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    /// When it was revoked; a revoked token is refused.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A new API token.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// The organization's ID; the token acts only in this organization.
    pub organization_id: ID,
    /// A label, 1 to 100 characters.
    pub name: String,
    /// The role the token acts with: the caller's own role.
    pub role: RoleGql,
}

/// The result of `createApiToken`.
#[derive(SimpleObject)]
pub struct CreateApiTokenPayload {
    /// The secret, shown only here. Send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// The new token, without its secret.
    pub api_token: ApiToken,
}

/// Revokes an API token.
#[derive(InputObject)]
pub struct RevokeApiTokenInput {
    /// The token's ID.
    pub id: ID,
}

/// The result of `revokeApiToken`.
#[derive(SimpleObject)]
pub struct RevokeApiTokenPayload {
    /// The token, with `revokedAt` set.
    pub api_token: ApiToken,
}

#[derive(Default)]
pub struct ApiTokenMutation;

#[Object]
impl ApiTokenMutation {
    /// Any member, logged in as a person (a token cannot mint tokens). The token acts as its maker,
    /// never as anyone else, and never with more than the maker holds: at each request it carries
    /// the lower of its role and the maker's current role, and it dies with the maker's removal.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization, the token's label and the role it acts with.")] input: CreateApiTokenInput,
    ) -> AppResult<CreateApiTokenPayload> {
        let org_id = decode(&input.organization_id, Kind::Organization, "organizationId")?;
        let name = TokenName::parse(&input.name).map_err(field("name"))?;
        viewer(ctx).require_session()?;
        let scope = viewer(ctx).require(org_id, &Role::ALL).await?;
        let role = Role::from(input.role);
        if token_role(role, scope.role()) != Some(role) {
            return Err(AppError::bad_input(
                "role",
                format!("must be your own role, {}", scope.role().contract_name()),
            ));
        }
        let secret = opaque_token::generate(SecretKind::ApiToken);
        let new = api_tokens::NewToken { name, role, digest: &secret.digest, display_prefix: &secret.display_prefix };
        let tx = store(ctx).tenant(&scope).await?;
        let row = api_tokens::create(&tx, new, now(ctx)).await?;
        let detail = format!("{} ({})", row.name, role.contract_name());
        audit::record(&tx, Action::ApiTokenCreated, Some(row.id), detail, Utc::now()).await?;
        tx.commit().await?;
        Ok(CreateApiTokenPayload { token: secret.plain, api_token: ApiToken(row) })
    }

    /// ADMIN, or the member the token acts as. The next request with the token is refused.
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token to revoke.")] input: RevokeApiTokenInput,
    ) -> AppResult<RevokeApiTokenPayload> {
        let (scope, id) = owner_of(ctx, &input.id, Kind::ApiToken, "id", &Role::ALL).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let token = api_tokens::find(&tx, id).await?.ok_or(AppError::NotFound(Some("id")))?;
        if scope.role() != Role::Admin && token.user_id != scope.user_id() {
            return Err(AppError::Forbidden("only an ADMIN or the token's own member may revoke it".into()));
        }
        let was_live = token.revoked_at.is_none();
        let row = api_tokens::revoke(&tx, token, now(ctx)).await?;
        if was_live {
            audit::record(&tx, Action::ApiTokenRevoked, Some(row.id), row.name.clone(), Utc::now()).await?;
        }
        tx.commit().await?;
        Ok(RevokeApiTokenPayload { api_token: ApiToken(row) })
    }
}

/// `Organization.apiTokens`: one page, revoked tokens included, with the total. ADMIN only.
pub async fn list(
    ctx: &Context<'_>,
    organization_id: uuid::Uuid,
    page: Page,
) -> AppResult<Connection<String, ApiToken, TotalCount>> {
    read_in(ctx, organization_id, ADMINS, async |tx| {
        let (rows, has_next) = api_tokens::list(tx, page).await?;
        let listed = connection(rows, has_next, page, |t| t.id, ApiToken);
        Ok(counted(listed, tx.scope().clone(), CountOf::ApiTokens))
    })
    .await
}
