//! Who belongs to which organization, with which role.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{membership, organization, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::page::{Order, split_page};
use super::tenant_table::TenantTable;
use super::{Page, StoreError, TenantTx, api_tokens, organizations};
use crate::domain::Role;

pub use membership::Model as Membership;

/// Organization id and role of each of a user's memberships.
pub async fn roles_of_user(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<(Uuid, Role)>, StoreError> {
    let rows = membership::Entity::find().filter(membership::Column::UserId.eq(user_id)).all(conn).await?;
    Ok(rows.into_iter().map(|m| (m.organization_id, m.role.into())).collect())
}

/// A user's memberships with their organizations, oldest first.
pub async fn of_user(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<(Membership, organizations::Organization)>, StoreError> {
    let rows = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .order_by_asc(membership::Column::Id)
        .find_also_related(organization::Entity)
        .all(conn)
        .await?;
    Ok(rows.into_iter().filter_map(|(m, o)| o.map(|o| (m, o))).collect())
}

/// How many members the organization has.
pub async fn count(tx: &TenantTx) -> Result<u64, StoreError> {
    Ok(membership::Entity::visible(tx).count(tx.conn()).await?)
}

/// One page of the organization's members with their users, in joining order.
pub async fn list(tx: &TenantTx, page: Page) -> Result<(Vec<(Membership, user::Model)>, bool), StoreError> {
    let query = membership::Entity::visible(tx);
    let query = page.keyset(query, membership::Column::Id, Order::OldestFirst);
    let rows = query.find_also_related(user::Entity).all(tx.conn()).await?;
    let rows = rows.into_iter().filter_map(|(m, u)| u.map(|u| (m, u))).collect();
    Ok(split_page(rows, page))
}

/// The role in `organization_id` of each of `user_ids` who is a member there.
pub async fn roles_in(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    user_ids: &[Uuid],
) -> Result<HashMap<Uuid, Role>, StoreError> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(membership::Column::UserId.is_in(user_ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|m| (m.user_id, Role::from(m.role))).collect())
}

pub async fn find_by_user(tx: &TenantTx, user_id: Uuid) -> Result<Option<Membership>, StoreError> {
    Ok(membership::Entity::visible(tx).filter(membership::Column::UserId.eq(user_id)).one(tx.conn()).await?)
}

pub async fn add(tx: &TenantTx, user_id: Uuid, role: Role, now: DateTime<Utc>) -> Result<Membership, StoreError> {
    membership::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(tx.organization_id()),
        user_id: Set(user_id),
        role: Set(role.into()),
        created_at: Set(now),
    }
    .insert(tx.conn())
    .await
    .map_err(|e| StoreError::unique(e, "email", "this person is already a member"))
}

/// Locks the organization's memberships for a change and returns how many ADMINs it has now.
pub async fn lock_and_count_admins(tx: &TenantTx) -> Result<u64, StoreError> {
    organizations::lock(tx).await?;
    Ok(membership::Entity::visible(tx)
        .filter(membership::Column::Role.eq(entity::Role::Admin))
        .count(tx.conn())
        .await?)
}

/// Changes a member's role. Their API tokens follow: each acts with at most the new role. A member
/// who stops being ADMIN loses the invitations they sent that are still open, so they cannot let
/// themselves back in with one.
pub async fn set_role(
    tx: &TenantTx,
    member: Membership,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(Membership, u64), StoreError> {
    let withdrawn = if Role::from(member.role) == Role::Admin && role != Role::Admin {
        super::invitations::revoke_sent_by(tx, member.user_id, now).await?
    } else {
        0
    };
    let mut active = member.into_active_model();
    active.role = Set(role.into());
    Ok((active.update(tx.conn()).await?, withdrawn))
}

/// What removing a member ended besides the membership.
pub struct Removed {
    pub tokens_revoked: u64,
    pub invitations_withdrawn: u64,
}

/// Removes a membership, revokes the API tokens that member made here (so re-adding the person
/// later does not bring old tokens back to life) and withdraws the invitations they sent that are
/// still open.
pub async fn remove(tx: &TenantTx, member: Membership, now: DateTime<Utc>) -> Result<Removed, StoreError> {
    let tokens_revoked = api_tokens::revoke_all_for(tx, member.user_id, now).await?;
    let invitations_withdrawn = super::invitations::revoke_sent_by(tx, member.user_id, now).await?;
    membership::Entity::delete_by_id(member.id).exec(tx.conn()).await?;
    Ok(Removed { tokens_revoked, invitations_withdrawn })
}

pub async fn find_with_user(tx: &TenantTx, id: Uuid) -> Result<Option<(Membership, user::Model)>, StoreError> {
    let row = membership::Entity::visible(tx)
        .filter(membership::Column::Id.eq(id))
        .find_also_related(user::Entity)
        .one(tx.conn())
        .await?;
    Ok(row.and_then(|(m, u)| u.map(|u| (m, u))))
}
