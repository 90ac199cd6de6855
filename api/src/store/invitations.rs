//! Invitations to join an organization. The secret is stored as a digest; accepting spends it.

use chrono::{DateTime, Utc};
use entity::{invitation, membership};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use super::page::{Order, split_page};
use super::tenant_table::TenantTable;
use super::{Page, StoreError, TenantTx, memberships};
use crate::auth::opaque_token::{self, Kind};
use crate::domain::{Email, Role};

pub use invitation::Model as Invitation;

pub struct NewInvitation<'a> {
    pub email: &'a Email,
    pub role: Role,
    pub digest: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Serialises invitations of one organization (PostgreSQL; SQLite runs one writer), so two ADMINs
/// inviting one address at once cannot both leave an open secret, nor race past the limit.
pub async fn lock(tx: &TenantTx) -> Result<(), StoreError> {
    super::organizations::lock(tx).await
}

/// Records an invitation; an open one to the same address is revoked, so only the newest secret
/// works. Returns the invitation and how many it replaced. Call `lock` first.
pub async fn create(
    tx: &TenantTx,
    new: NewInvitation<'_>,
    now: DateTime<Utc>,
) -> Result<(Invitation, u64), StoreError> {
    let replaced = super::tenant_table::update_in::<invitation::Entity>(tx)
        .col_expr(invitation::Column::RevokedAt, Expr::value(now))
        .filter(invitation::Column::Email.eq(new.email.as_str()))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(tx.conn())
        .await?;
    let row = invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(tx.organization_id()),
        email: Set(new.email.as_str().to_owned()),
        role: Set(new.role.into()),
        secret_hash: Set(new.digest.to_owned()),
        invited_by: Set(tx.user_id()),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        accepted_at: Set(None),
        accepted_by: Set(None),
        revoked_at: Set(None),
    }
    .insert(tx.conn())
    .await?;
    Ok((row, replaced.rows_affected))
}

/// Invitations still open in the organization (to bound how many one organization keeps).
pub async fn count_open(tx: &TenantTx, now: DateTime<Utc>) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(invitation::Entity::visible(tx)
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .count(tx.conn())
        .await?)
}

/// Whether someone with this email is already a member here.
pub async fn email_is_member(tx: &TenantTx, email: &Email) -> Result<bool, StoreError> {
    let user = super::users::find_by_email(tx.conn(), email).await?;
    match user {
        Some(user) => Ok(memberships::find_by_user(tx, user.id).await?.is_some()),
        None => Ok(false),
    }
}

pub async fn find(tx: &TenantTx, id: Uuid) -> Result<Option<Invitation>, StoreError> {
    Ok(invitation::Entity::visible(tx).filter(invitation::Column::Id.eq(id)).one(tx.conn()).await?)
}

/// How many invitations, closed ones included the organization has.
pub async fn count(tx: &TenantTx) -> Result<u64, StoreError> {
    Ok(invitation::Entity::visible(tx).count(tx.conn()).await?)
}

/// One page of the organization's invitations, newest first.
pub async fn list(tx: &TenantTx, page: Page) -> Result<(Vec<Invitation>, bool), StoreError> {
    let query = invitation::Entity::visible(tx);
    let query = page.keyset(query, invitation::Column::Id, Order::NewestFirst);
    let rows = query.all(tx.conn()).await?;
    Ok(split_page(rows, page))
}

/// Revokes an invitation if it is still open; says whether it did. The condition is in the
/// statement, so an acceptance racing it either lands first (nothing is revoked) or finds the
/// invitation revoked.
pub async fn revoke_open(tx: &TenantTx, id: Uuid, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let revoked = super::tenant_table::update_in::<invitation::Entity>(tx)
        .col_expr(invitation::Column::RevokedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(revoked.rows_affected == 1)
}

/// Withdraws the open invitations `user_id` sent here (they left, or stopped being ADMIN).
pub async fn revoke_sent_by(tx: &TenantTx, user_id: Uuid, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let revoked = super::tenant_table::update_in::<invitation::Entity>(tx)
        .col_expr(invitation::Column::RevokedAt, Expr::value(now))
        .filter(invitation::Column::InvitedBy.eq(user_id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(tx.conn())
        .await?;
    Ok(revoked.rows_affected)
}

/// The invitation a secret belongs to, in any organization: the holder of the secret is not a
/// member yet, so this lookup cannot go through an organization's scope. The secret (256 random
/// bits) is the proof; nothing else about the invitation is revealed to a wrong guess.
pub async fn find_by_secret(conn: &impl ConnectionTrait, secret: &str) -> Result<Option<Invitation>, StoreError> {
    if !Kind::Invitation.matches(secret) {
        return Ok(None);
    }
    Ok(invitation::Entity::find()
        .filter(invitation::Column::SecretHash.eq(opaque_token::digest(secret)))
        .one(conn)
        .await?)
}

/// Spends the invitation and makes `tx`'s user a member with its role. Of two requests racing
/// with one secret, one wins; the other finds it spent.
pub async fn accept(
    tx: &TenantTx,
    row: &Invitation,
    now: DateTime<Utc>,
) -> Result<Option<memberships::Membership>, StoreError> {
    let spent = super::tenant_table::update_in::<invitation::Entity>(tx)
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
        .col_expr(invitation::Column::AcceptedBy, Expr::value(tx.user_id()))
        .filter(invitation::Column::Id.eq(row.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .exec(tx.conn())
        .await?;
    if spent.rows_affected != 1 {
        return Ok(None);
    }
    let existing =
        membership::Entity::visible(tx).filter(membership::Column::UserId.eq(tx.user_id())).one(tx.conn()).await?;
    if existing.is_some() {
        return Err(StoreError::Conflict {
            field: Some("token".into()),
            message: "you are already a member of this organization".into(),
        });
    }
    Ok(Some(memberships::add(tx, tx.user_id(), row.role.into(), now).await?))
}
