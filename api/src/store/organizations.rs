//! Organizations: the tenants.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::{membership, organization};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use super::{Store, StoreError, TenantTx};
use crate::domain::{DisplayName, Role, Slug};

pub use organization::Model as Organization;

/// Creates an organization and makes `creator` its first ADMIN, in the caller's transaction.
pub async fn create_with_admin(
    tx: &DatabaseTransaction,
    name: DisplayName,
    slug: &Slug,
    creator: Uuid,
    now: DateTime<Utc>,
) -> Result<Organization, StoreError> {
    let org = organization::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.into_inner()),
        slug: Set(slug.as_str().to_owned()),
        min_score_to_send: Set(9),
        created_at: Set(now),
    }
    .insert(tx)
    .await
    .map_err(|e| StoreError::unique(e, "slug", "this slug is taken"))?;
    membership::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(org.id),
        user_id: Set(creator),
        role: Set(Role::Admin.into()),
        created_at: Set(now),
    }
    .insert(tx)
    .await?;
    Ok(org)
}

/// Finds the id behind a slug. Callers must check membership before revealing anything about it.
pub async fn id_by_slug(conn: &impl ConnectionTrait, slug: &str) -> Result<Option<Uuid>, StoreError> {
    Ok(organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Slug.eq(slug))
        .into_tuple::<Uuid>()
        .one(conn)
        .await?)
}

/// The organization with this slug; the caller shows it only to its members.
pub async fn by_slug(conn: &impl ConnectionTrait, slug: &str) -> Result<Option<Organization>, StoreError> {
    Ok(organization::Entity::find().filter(organization::Column::Slug.eq(slug)).one(conn).await?)
}

/// `by_slug`, from the credential cache while it holds the slug: nearly every request names its
/// organization by slug. A change to an organization clears the cache on every replica (the
/// trigger of migration 14), as a change to a membership does.
pub async fn by_slug_kept(store: &Store, slug: &str) -> Result<Option<Organization>, StoreError> {
    let cache = store.credentials();
    if let Some(organization) = cache.organization(slug) {
        return Ok(Some(Organization::clone(&organization)));
    }
    let generation = cache.generation();
    let found = by_slug(store.conn(), slug).await?;
    if let Some(organization) = &found {
        cache.store_organization(generation, Arc::new(organization.clone()));
    }
    Ok(found)
}

/// An organization by id, for a caller that already holds a row of it.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Organization, StoreError> {
    organization::Entity::find_by_id(id).one(conn).await?.ok_or(StoreError::NotFound)
}

/// The scope's own organization.
pub async fn get(tx: &TenantTx) -> Result<Organization, StoreError> {
    organization::Entity::find_by_id(tx.organization_id()).one(tx.conn()).await?.ok_or(StoreError::NotFound)
}

/// Serialises changes to one organization's memberships (PostgreSQL row lock; SQLite already has a
/// single writer), so two concurrent demotions cannot both pass the last-admin rule.
pub(super) async fn lock(tx: &TenantTx) -> Result<(), StoreError> {
    if tx.is_postgres() {
        organization::Entity::find_by_id(tx.organization_id()).lock_exclusive().one(tx.conn()).await?;
    }
    Ok(())
}

/// Changes the send gate's minimum score.
pub async fn set_min_score_to_send(tx: &TenantTx, minimum: u8) -> Result<Organization, StoreError> {
    let org = get(tx).await?;
    let mut active = sea_orm::IntoActiveModel::into_active_model(org);
    active.min_score_to_send = Set(i16::from(minimum));
    Ok(active.update(tx.conn()).await?)
}
