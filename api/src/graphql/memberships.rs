//! Memberships: who belongs to an organization, with which role; managed by ADMINs.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{now, store, viewer};
use super::ids::{Kind, decode, encode};
use super::organizations::Organization;
use super::paging::connection;
use super::roles::RoleGql;
use super::scoping::read_in;
use super::total_count::{CountOf, TotalCount, counted};
use super::users::User;
use crate::domain::access::ADMINS;
use crate::domain::audit::Action;
use crate::domain::{Role, keeps_an_admin};
use crate::error::{AppError, AppResult};
use crate::store::Page;
use crate::store::{audit, memberships, organizations, users};

/// A person's role in one organization.
pub struct Membership {
    row: memberships::Membership,
    organization: organizations::Organization,
    user: users::User,
    role: Role,
}

impl Membership {
    pub fn new(row: memberships::Membership, organization: organizations::Organization, user: users::User) -> Self {
        let role = row.role.into();
        Self { row, organization, user, role }
    }

    /// Shows the role the caller may act with (an API token's role, not the member's).
    pub fn with_role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }
}

/// A person's role in one organization.
#[Object]
impl Membership {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Membership, self.row.id)
    }
    /// The organization the person belongs to.
    async fn organization(&self) -> Organization {
        Organization(self.organization.clone())
    }
    /// The member.
    async fn user(&self) -> User {
        User::from(self.user.clone())
    }
    /// The member's role, which sets what they may do here. In `Viewer.memberships` with an API
    /// token: the token's role.
    async fn role(&self) -> RoleGql {
        self.role.into()
    }
    /// When the person joined the organization.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
}

/// Changes a member's role.
#[derive(InputObject)]
pub struct SetMemberRoleInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// The member's user ID (`Viewer.id`).
    pub user_id: ID,
    /// The member's new role.
    pub role: RoleGql,
}

/// The result of `setMemberRole`.
#[derive(SimpleObject)]
pub struct SetMemberRolePayload {
    /// The membership with its new role.
    pub membership: Membership,
}

/// Removes a member; the API tokens they made here are revoked with them.
#[derive(InputObject)]
pub struct RemoveMemberInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// The member's user ID (`Viewer.id`).
    pub user_id: ID,
}

/// The result of `removeMember`.
#[derive(SimpleObject)]
pub struct RemoveMemberPayload {
    /// The user ID of the removed member.
    pub removed_user_id: ID,
}

#[derive(Default)]
pub struct MembershipMutation;

#[Object]
impl MembershipMutation {
    /// ADMIN only. The last ADMIN cannot be demoted (`CONFLICT`). The member's API tokens follow:
    /// each acts with at most the new role (a token whose role the member no longer holds is refused).
    async fn set_member_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization, the member and their new role.")] input: SetMemberRoleInput,
    ) -> AppResult<SetMemberRolePayload> {
        let org_id = decode(&input.organization_id, Kind::Organization, "organizationId")?;
        let user_id = decode(&input.user_id, Kind::User, "userId")?;
        let scope = viewer(ctx).require(org_id, ADMINS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let admins = memberships::lock_and_count_admins(&tx).await?;
        let member = memberships::find_by_user(&tx, user_id).await?.ok_or(AppError::NotFound(None))?;
        let role: Role = input.role.into();
        if !keeps_an_admin(admins, member.role.into(), Some(role)) {
            return Err(AppError::conflict(
                Some("role"),
                "the last ADMIN cannot be demoted; make someone else ADMIN first",
            ));
        }
        let before = Role::from(member.role);
        let (row, withdrawn) = memberships::set_role(&tx, member, role, Utc::now()).await?;
        let org = organizations::get(&tx).await?;
        let user = users::find(tx.untenanted(), user_id).await?.ok_or(AppError::NotFound(None))?;
        let detail = format!("{} from {} to {}", user.email, before.contract_name(), role.contract_name());
        audit::record(&tx, Action::MemberRoleChanged, Some(user_id), detail, Utc::now()).await?;
        if withdrawn > 0 {
            let detail = format!("{withdrawn} open invitations sent by {}", user.email);
            audit::record(&tx, Action::InvitationRevoked, Some(user_id), detail, Utc::now()).await?;
        }
        tx.commit().await?;
        Ok(SetMemberRolePayload { membership: Membership::new(row, org, user) })
    }

    /// ADMIN only, or a member removing themselves. The last ADMIN cannot be removed (`CONFLICT`).
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and the member to remove.")] input: RemoveMemberInput,
    ) -> AppResult<RemoveMemberPayload> {
        let org_id = decode(&input.organization_id, Kind::Organization, "organizationId")?;
        let user_id = decode(&input.user_id, Kind::User, "userId")?;
        // Leaving is a person's own choice: an API token (of any role) cannot remove its maker.
        let is_self = viewer(ctx).session_id().is_some() && viewer(ctx).user_id() == Some(user_id);
        let allowed: &[Role] = if is_self { &Role::ALL } else { ADMINS };
        let scope = viewer(ctx).require(org_id, allowed).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let admins = memberships::lock_and_count_admins(&tx).await?;
        let member = memberships::find_by_user(&tx, user_id).await?.ok_or(AppError::NotFound(None))?;
        if !keeps_an_admin(admins, member.role.into(), None) {
            return Err(AppError::conflict(
                Some("userId"),
                "the last ADMIN cannot be removed; make someone else ADMIN first",
            ));
        }
        let email = users::find(tx.untenanted(), user_id).await?.map(|u| u.email).unwrap_or_default();
        let detail = format!("{email} ({})", Role::from(member.role).contract_name());
        let removed = memberships::remove(&tx, member, now(ctx)).await?;
        audit::record(&tx, Action::MemberRemoved, Some(user_id), detail, Utc::now()).await?;
        if removed.tokens_revoked > 0 {
            let detail = format!("{} API tokens made by {email}", removed.tokens_revoked);
            audit::record(&tx, Action::ApiTokenRevoked, Some(user_id), detail, Utc::now()).await?;
        }
        if removed.invitations_withdrawn > 0 {
            let detail = format!("{} open invitations sent by {email}", removed.invitations_withdrawn);
            audit::record(&tx, Action::InvitationRevoked, Some(user_id), detail, Utc::now()).await?;
        }
        tx.commit().await?;
        Ok(RemoveMemberPayload { removed_user_id: input.user_id })
    }
}

/// `Organization.members`: one page of members in joining order, with the total.
pub async fn list(
    ctx: &Context<'_>,
    organization: &organizations::Organization,
    page: Page,
) -> AppResult<Connection<String, Membership, TotalCount>> {
    read_in(ctx, organization.id, &Role::ALL, async |tx| {
        let (rows, has_next) = memberships::list(tx, page).await?;
        let members =
            connection(rows, has_next, page, |(m, _)| m.id, |(m, u)| Membership::new(m, organization.clone(), u));
        Ok(counted(members, tx.scope().clone(), CountOf::Members))
    })
    .await
}
