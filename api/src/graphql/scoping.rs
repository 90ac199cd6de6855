//! From an ID in an input to the caller's scope in the organization that owns it. A thing in an
//! organization the caller is not a member of is `NOT_FOUND`, as if it did not exist.

use async_graphql::{Context, ID};
use uuid::Uuid;

use super::context::{store, viewer};
use super::ids::{Kind, decode};
use crate::auth::OrgScope;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::store::{TenantTx, tenant_table};

/// Runs `read` in a transaction of organization `organization_id` as the caller, if their role is in
/// `roles`, and commits it: the shape of every read of one organization's data.
pub async fn read_in<T>(
    ctx: &Context<'_>,
    organization_id: Uuid,
    roles: &[Role],
    read: impl AsyncFnOnce(&TenantTx) -> AppResult<T>,
) -> AppResult<T> {
    let scope = viewer(ctx).require(organization_id, roles).await?;
    let tx = store(ctx).tenant(&scope).await?;
    let value = read(&tx).await?;
    tx.commit().await?;
    Ok(value)
}

/// The caller's scope in the organization `raw` names, if their role is in `roles`.
pub async fn in_organization(ctx: &Context<'_>, raw: &ID, roles: &[Role]) -> AppResult<OrgScope> {
    let id = decode(raw, Kind::Organization, "organizationId")?;
    viewer(ctx).require(id, roles).await
}

/// The caller's scope in the organization that owns the `kind` row `raw` names, and the row's id.
pub async fn owner_of(
    ctx: &Context<'_>,
    raw: &ID,
    kind: Kind,
    field: &'static str,
    roles: &[Role],
) -> AppResult<(OrgScope, Uuid)> {
    let id = decode(raw, kind, field)?;
    Ok((scope_of(ctx, kind, id, field, roles).await?, id))
}

/// The caller's scope in the organization that owns the `kind` row `id`. Users belong to no
/// organization and are `NOT_FOUND` here.
pub async fn scope_of(
    ctx: &Context<'_>,
    kind: Kind,
    id: Uuid,
    field: &'static str,
    roles: &[Role],
) -> AppResult<OrgScope> {
    let conn = store(ctx).conn();
    let organization = match (kind, kind.tenant_table()) {
        (Kind::Organization, _) => Some(id),
        (_, Some(table)) => tenant_table::organization_of(conn, table, id).await?,
        (_, None) => None,
    };
    let organization = organization.ok_or(AppError::NotFound(Some(field)))?;
    viewer(ctx).require(organization, roles).await.map_err(|e| match e {
        AppError::NotFound(None) => AppError::NotFound(Some(field)),
        other => other,
    })
}
