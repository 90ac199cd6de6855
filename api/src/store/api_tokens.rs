//! API tokens: stored as digests, looked up by digest on every request that carries one.

use chrono::{DateTime, Utc};
use entity::{api_token, membership};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::page::{Order, split_page};
use super::tenant_table::TenantTable;
use super::{Page, StoreError, TenantTx};
use crate::domain::{Role, TokenName, token_role};

pub use api_token::Model as ApiToken;

/// What a request needs from a usable token.
#[derive(Debug, Clone)]
pub struct UsableToken {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
}

/// The token with this digest if it is not revoked and the member it acts as still belongs to its
/// organization. Records when it was last used (at most once a minute, to spare writes).
pub async fn find_usable_by_digest(
    conn: &impl ConnectionTrait,
    digest: &str,
    now: DateTime<Utc>,
) -> Result<Option<UsableToken>, StoreError> {
    let token = api_token::Entity::find()
        .filter(api_token::Column::SecretHash.eq(digest))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(conn)
        .await?;
    let Some(token) = token else { return Ok(None) };
    if token.last_used_at.is_none_or(|t| now - t > chrono::Duration::minutes(1)) {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, sea_orm::sea_query::Expr::value(now))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(conn)
            .await?;
    }
    usable(conn, token).await
}

/// The same checks by token id, for connections that outlive one request.
pub async fn find_usable_by_id(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<UsableToken>, StoreError> {
    let token = api_token::Entity::find_by_id(id).filter(api_token::Column::RevokedAt.is_null()).one(conn).await?;
    match token {
        Some(token) => usable(conn, token).await,
        None => Ok(None),
    }
}

/// A live token is usable while its maker belongs to the organization, with the lower of its own
/// role and the maker's current one.
async fn usable(conn: &impl ConnectionTrait, token: ApiToken) -> Result<Option<UsableToken>, StoreError> {
    let member = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(token.organization_id))
        .filter(membership::Column::UserId.eq(token.user_id))
        .one(conn)
        .await?;
    let role = member.and_then(|m| token_role(token.role.into(), m.role.into()));
    Ok(role.map(|role| UsableToken {
        id: token.id,
        organization_id: token.organization_id,
        user_id: token.user_id,
        role,
    }))
}

pub struct NewToken<'a> {
    pub name: TokenName,
    pub role: Role,
    pub digest: &'a str,
    pub display_prefix: &'a str,
}

pub async fn create(tx: &TenantTx, new: NewToken<'_>, now: DateTime<Utc>) -> Result<ApiToken, StoreError> {
    Ok(api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(tx.organization_id()),
        // A token acts as its maker, never as anyone else.
        user_id: Set(tx.user_id()),
        created_by: Set(tx.user_id()),
        name: Set(new.name.into_inner()),
        role: Set(new.role.into()),
        secret_hash: Set(new.digest.to_owned()),
        secret_prefix: Set(new.display_prefix.to_owned()),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(tx.conn())
    .await?)
}

pub async fn find(tx: &TenantTx, id: Uuid) -> Result<Option<ApiToken>, StoreError> {
    Ok(api_token::Entity::visible(tx).filter(api_token::Column::Id.eq(id)).one(tx.conn()).await?)
}

/// How many tokens, revoked ones included the organization has.
pub async fn count(tx: &TenantTx) -> Result<u64, StoreError> {
    Ok(api_token::Entity::visible(tx).count(tx.conn()).await?)
}

/// One page of the organization's tokens, oldest first.
pub async fn list(tx: &TenantTx, page: Page) -> Result<(Vec<ApiToken>, bool), StoreError> {
    let query = api_token::Entity::visible(tx);
    let query = page.keyset(query, api_token::Column::Id, Order::OldestFirst);
    let rows = query.all(tx.conn()).await?;
    Ok(split_page(rows, page))
}

/// Revokes every live token that acts as `user_id` here (the member left).
pub async fn revoke_all_for(tx: &TenantTx, user_id: Uuid, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let revoked = super::tenant_table::update_in::<api_token::Entity>(tx)
        .col_expr(api_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(now))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(revoked.rows_affected)
}

/// Marks a token revoked; revoking twice keeps the first time.
pub async fn revoke(tx: &TenantTx, token: ApiToken, now: DateTime<Utc>) -> Result<ApiToken, StoreError> {
    if token.revoked_at.is_some() {
        return Ok(token);
    }
    let mut active = token.into_active_model();
    active.revoked_at = Set(Some(now));
    Ok(active.update(tx.conn()).await?)
}
