//! People with a login. Users belong to no organization; memberships link them to tenants.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::user;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use super::StoreError;
use super::credential_cache::CredentialCache;
use crate::domain::{DisplayName, Email};

pub use user::Model as User;

pub async fn insert(
    conn: &impl ConnectionTrait,
    email: &Email,
    name: DisplayName,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.as_str().to_owned()),
        name: Set(name.into_inner()),
        password_hash: Set(password_hash),
        created_at: Set(now),
        sessions_valid_after: Set(None),
    }
    .insert(conn)
    .await
    .map_err(|e| StoreError::unique(e, "email", "a user with this email already exists; log in instead"))
}

pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<User>, StoreError> {
    Ok(user::Entity::find_by_id(id).one(conn).await?)
}

pub async fn find_by_email(conn: &impl ConnectionTrait, email: &Email) -> Result<Option<User>, StoreError> {
    Ok(user::Entity::find().filter(user::Column::Email.eq(email.as_str())).one(conn).await?)
}

pub async fn exists(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, StoreError> {
    Ok(user::Entity::find_by_id(id).count(conn).await? > 0)
}

pub async fn find_many(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<User>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user::Entity::find().filter(user::Column::Id.is_in(ids.iter().copied())).all(conn).await?)
}

/// `find_many`, the people the credential cache holds taken from it and those read kept there: the
/// people a page names are mostly the same from one page to the next.
pub async fn find_many_kept(
    conn: &impl ConnectionTrait,
    cache: &CredentialCache,
    ids: &[Uuid],
) -> Result<Vec<Arc<User>>, StoreError> {
    let generation = cache.generation();
    let (mut found, missing) = cache.users_among(ids);
    if !missing.is_empty() {
        let read: Vec<Arc<User>> = find_many(conn, &missing).await?.into_iter().map(Arc::new).collect();
        cache.store_users(generation, &read);
        found.extend(read);
    }
    Ok(found)
}

/// Replaces a person's password hash.
pub async fn set_password(conn: &impl ConnectionTrait, id: Uuid, password_hash: String) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, sea_orm::sea_query::Expr::value(password_hash))
        .filter(user::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}
