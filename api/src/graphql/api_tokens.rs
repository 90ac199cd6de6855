//! API tokens for sellers' tools: one organization, one role, acting as one member.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{now, store, viewer};
use super::ids::{Kind, decode, encode};
use super::roles::RoleGql;
use crate::auth::api_token;
use crate::domain::{Role, TokenName};
use crate::error::{AppError, AppResult, field};
use crate::store::{api_tokens, memberships};

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
    /// The role the token acts with.
    async fn role(&self) -> RoleGql {
        Role::from(self.0.role).into()
    }
    /// The member the token acts as.
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
    /// The role the token acts with.
    pub role: RoleGql,
    /// The member the token acts as (for a seller's tool, that seller); defaults to the caller.
    pub user_id: Option<ID>,
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
    /// ADMIN only, logged in as a person (a token cannot mint tokens). A token acting as another
    /// member carries that member's role.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: CreateApiTokenInput,
    ) -> AppResult<CreateApiTokenPayload> {
        let org_id = decode(&input.organization_id, Kind::Organization, "organizationId")?;
        let name = TokenName::parse(&input.name).map_err(field("name"))?;
        let creator = viewer(ctx).require_session()?;
        let scope = viewer(ctx).require(org_id, &[Role::Admin]).await?;
        let acting_as = match &input.user_id {
            Some(id) => decode(id, Kind::User, "userId")?,
            None => creator,
        };
        let tx = store(ctx).tenant(&scope).await?;
        let Some(member) = memberships::find_by_user(&tx, acting_as).await? else {
            return Err(AppError::bad_input("userId", "is not a member of this organization"));
        };
        // A token acting as someone else carries exactly their role: never more than they hold.
        let member_role = Role::from(member.role);
        if acting_as != creator && member_role != Role::from(input.role) {
            return Err(AppError::bad_input(
                "role",
                format!("must be the member's role, {}", member_role.contract_name()),
            ));
        }
        let secret = api_token::generate();
        let new = api_tokens::NewToken {
            user_id: acting_as,
            created_by: creator,
            name,
            role: input.role.into(),
            digest: &secret.digest,
            display_prefix: &secret.display_prefix,
        };
        let row = api_tokens::create(&tx, new, now(ctx)).await?;
        tx.commit().await?;
        Ok(CreateApiTokenPayload { token: secret.plain, api_token: ApiToken(row) })
    }

    /// ADMIN, or the member the token acts as. The next request with the token is refused.
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        input: RevokeApiTokenInput,
    ) -> AppResult<RevokeApiTokenPayload> {
        let id = decode(&input.id, Kind::ApiToken, "id")?;
        let org_id = api_tokens::organization_of(store(ctx).conn(), id).await?.ok_or(AppError::NotFound(None))?;
        let scope = viewer(ctx).require(org_id, &Role::ALL).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let token = api_tokens::find(&tx, id).await?.ok_or(AppError::NotFound(None))?;
        if scope.role() != Role::Admin && token.user_id != scope.user_id() {
            return Err(AppError::Forbidden("only an ADMIN or the token's own member may revoke it".into()));
        }
        let row = api_tokens::revoke(&tx, token, now(ctx)).await?;
        tx.commit().await?;
        Ok(RevokeApiTokenPayload { api_token: ApiToken(row) })
    }
}
