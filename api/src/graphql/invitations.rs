//! Joining an organization: an ADMIN invites an address with a role; whoever holds the secret
//! accepts it while logged in.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{store, viewer};
use super::ids::{Kind, encode};
use super::loaders::UserLoader;
use super::memberships::Membership;
use super::roles::RoleGql;
use super::scoping::{in_organization, owner_of};
use super::users::User;
use crate::auth::opaque_token::{self, Kind as SecretKind};
use crate::config::Lifetimes;
use crate::domain::access::ADMINS;
use crate::domain::audit::Action;
use crate::domain::invitation::{InvitationState, state};
use crate::domain::{Email, Role};
use crate::error::{AppError, AppResult, field};
use crate::mail::Mailer;
use crate::store::Page;
use crate::store::{audit, invitations, organizations, users};

/// Open invitations one organization may hold at once.
pub const MAX_OPEN_INVITATIONS: u64 = 200;

/// An offer to join an organization with a role. Its secret is shown once, or mailed.
pub struct Invitation(pub invitations::Invitation);

/// Where an invitation stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "InvitationStatus")]
pub enum InvitationStatusGql {
    /// Open: its secret can be accepted until `expiresAt`.
    Pending,
    /// Someone accepted it and became a member.
    Accepted,
    /// An ADMIN revoked it, or a newer invitation to the same address replaced it.
    Revoked,
    /// Nobody accepted it in time.
    Expired,
}

impl From<InvitationState> for InvitationStatusGql {
    fn from(s: InvitationState) -> Self {
        match s {
            InvitationState::Pending => Self::Pending,
            InvitationState::Accepted => Self::Accepted,
            InvitationState::Revoked => Self::Revoked,
            InvitationState::Expired => Self::Expired,
        }
    }
}

/// An offer to join an organization with a role. Its secret is shown once, or mailed.
#[Object]
impl Invitation {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Invitation, self.0.id)
    }
    /// The address the invitation went to. Whoever holds the secret may accept, logged in as any user.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// The role the person gets on accepting.
    async fn role(&self) -> RoleGql {
        Role::from(self.0.role).into()
    }
    /// Where the invitation stands now.
    async fn status(&self) -> InvitationStatusGql {
        state(self.0.accepted_at, self.0.revoked_at, self.0.expires_at, Utc::now()).into()
    }
    /// When it was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When its secret stops working.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    /// When it was accepted.
    async fn accepted_at(&self) -> Option<DateTime<Utc>> {
        self.0.accepted_at
    }
    /// When it was revoked or replaced.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
    /// The ADMIN who sent it.
    async fn invited_by(&self, ctx: &Context<'_>) -> AppResult<Option<User>> {
        Ok(ctx.data_unchecked::<DataLoader<UserLoader>>().load_one(self.0.invited_by).await?.map(User::from))
    }
}

/// How the secret of a new invitation travels.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvitationDelivery {
    /// Mailed to the invited address; `token` is null.
    Mailed,
    /// The server sends no mail: `token` holds the secret, shown this once, for the ADMIN to pass on.
    ShownOnce,
}

/// Invites an address to an organization.
#[derive(InputObject)]
pub struct InviteMemberInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// Where to send the invitation.
    pub email: String,
    /// The role the person gets on accepting.
    pub role: RoleGql,
}

/// The result of `inviteMember`; the same whether or not the address has an account.
#[derive(SimpleObject)]
pub struct InviteMemberPayload {
    /// The new invitation.
    pub invitation: Invitation,
    /// The secret, when the server sends no mail (shown only here); null when it was mailed.
    pub token: Option<String>,
    /// How the secret travels.
    pub delivery: InvitationDelivery,
}

/// Accepts an invitation.
#[derive(InputObject)]
pub struct AcceptInvitationInput {
    /// The invitation's secret (`hsi_…`), from the mail or from the ADMIN.
    pub token: String,
}

/// The result of `acceptInvitation`.
#[derive(SimpleObject)]
pub struct AcceptInvitationPayload {
    /// The caller's new membership.
    pub membership: Membership,
}

/// Revokes an open invitation.
#[derive(InputObject)]
pub struct RevokeInvitationInput {
    /// The invitation's ID.
    pub id: ID,
}

/// The result of `revokeInvitation`.
#[derive(SimpleObject)]
pub struct RevokeInvitationPayload {
    /// The invitation, now REVOKED (or as it was, if it had closed already).
    pub invitation: Invitation,
}

#[derive(Default)]
pub struct InvitationMutation;

#[Object]
impl InvitationMutation {
    /// ADMIN only. Sends a single-use secret, valid for 7 days unless configured otherwise, that
    /// makes whoever accepts it a member with `role`. A newer invitation to the same address
    /// replaces the open one. An address that is already a member is a `CONFLICT`.
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization, the address to invite and the role to give.")] input: InviteMemberInput,
    ) -> AppResult<InviteMemberPayload> {
        let email = Email::parse(&input.email).map_err(field("email"))?;
        let scope = in_organization(ctx, &input.organization_id, ADMINS).await?;
        let role: Role = input.role.into();
        let now = Utc::now();
        let expires_at = now + ctx.data_unchecked::<Lifetimes>().invitation;
        let secret = opaque_token::generate(SecretKind::Invitation);
        let tx = store(ctx).tenant(&scope).await?;
        invitations::lock(&tx).await?;
        if invitations::email_is_member(&tx, &email).await? {
            return Err(AppError::conflict(Some("email"), "someone with this email is already a member"));
        }
        if invitations::count_open(&tx, now).await? >= MAX_OPEN_INVITATIONS {
            return Err(AppError::conflict(
                Some("email"),
                format!("the organization has {MAX_OPEN_INVITATIONS} open invitations; revoke some first"),
            ));
        }
        let new = invitations::NewInvitation { email: &email, role, digest: &secret.digest, expires_at };
        let (row, replaced) = invitations::create(&tx, new, now).await?;
        if replaced > 0 {
            let detail = format!("{} (replaced by a new invitation)", email.as_str());
            audit::record(&tx, Action::InvitationRevoked, None, detail, now).await?;
        }
        let detail = format!("{} as {}", email.as_str(), role.contract_name());
        audit::record(&tx, Action::InvitationSent, Some(row.id), detail, now).await?;
        let organization = organizations::get(&tx).await?;
        tx.commit().await?;

        let mailer = ctx.data_unchecked::<Mailer>();
        if !mailer.sends_mail() {
            let invitation = Invitation(row);
            return Ok(InviteMemberPayload {
                invitation,
                token: Some(secret.plain),
                delivery: InvitationDelivery::ShownOnce,
            });
        }
        let sent = mailer.send_invitation(&email, &organization.name, role, &secret.plain, expires_at).await;
        if let Err(error) = sent {
            // An invitation nobody can receive is withdrawn, so the ADMIN's retry starts clean.
            tracing::error!(%error, invitation = %row.id, "the invitation mail could not be sent");
            let tx = store(ctx).tenant(&scope).await?;
            if invitations::revoke_open(&tx, row.id, Utc::now()).await? {
                let detail = format!("{} (withdrawn: the mail could not be sent)", row.email);
                audit::record(&tx, Action::InvitationRevoked, Some(row.id), detail, Utc::now()).await?;
            }
            tx.commit().await?;
            return Err(AppError::Unavailable);
        }
        Ok(InviteMemberPayload { invitation: Invitation(row), token: None, delivery: InvitationDelivery::Mailed })
    }

    /// Accepts an invitation with its secret, as the logged-in caller (not an API token), whatever
    /// address the caller's account uses: the secret is the proof. A used, revoked, replaced or
    /// expired secret is `BAD_USER_INPUT` on `token`; a caller who is already a member, `CONFLICT`.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation's secret.")] input: AcceptInvitationInput,
    ) -> AppResult<AcceptInvitationPayload> {
        let user_id = viewer(ctx).require_session()?;
        let refused = |why: &str| {
            tracing::warn!(security = "invitation_refused", user = %user_id, reason = why, "invitation refused");
            AppError::bad_input("token", format!("{why}; ask an ADMIN of the organization for a new invitation"))
        };
        let row = invitations::find_by_secret(store(ctx).conn(), &input.token)
            .await?
            .ok_or_else(|| refused("this invitation is unknown"))?;
        let now = Utc::now();
        match state(row.accepted_at, row.revoked_at, row.expires_at, now) {
            InvitationState::Pending => {}
            InvitationState::Accepted => return Err(refused("this invitation was used already")),
            InvitationState::Revoked => return Err(refused("this invitation was revoked or replaced")),
            InvitationState::Expired => return Err(refused("this invitation expired")),
        }
        let scope = viewer(ctx).joining(row.organization_id, row.role.into())?;
        let tx = store(ctx).tenant(&scope).await?;
        let membership =
            invitations::accept(&tx, &row, now).await?.ok_or_else(|| refused("this invitation was used already"))?;
        let organization = organizations::get(&tx).await?;
        let user = users::find(tx.untenanted(), user_id).await?.ok_or(AppError::NotFound(None))?;
        let role = Role::from(row.role).contract_name();
        let detail = format!("{} joined as {role} (invited as {})", user.email, row.email);
        audit::record(&tx, Action::InvitationAccepted, Some(row.id), detail, now).await?;
        tx.commit().await?;
        Ok(AcceptInvitationPayload { membership: Membership::new(membership, organization, user) })
    }

    /// ADMIN only. Its secret stops working at once.
    async fn revoke_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation to revoke.")] input: RevokeInvitationInput,
    ) -> AppResult<RevokeInvitationPayload> {
        let (scope, id) = owner_of(ctx, &input.id, Kind::Invitation, "id", ADMINS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        invitations::find(&tx, id).await?.ok_or(AppError::NotFound(Some("id")))?;
        let revoked = invitations::revoke_open(&tx, id, Utc::now()).await?;
        let row = invitations::find(&tx, id).await?.ok_or(AppError::NotFound(Some("id")))?;
        if revoked {
            audit::record(&tx, Action::InvitationRevoked, Some(row.id), row.email.clone(), Utc::now()).await?;
        }
        tx.commit().await?;
        Ok(RevokeInvitationPayload { invitation: Invitation(row) })
    }
}

/// The organization's invitations, newest first (ADMIN only).
pub async fn list(
    ctx: &Context<'_>,
    organization_id: uuid::Uuid,
    page: Page,
) -> AppResult<async_graphql::connection::Connection<String, Invitation, super::total_count::TotalCount>> {
    let scope = viewer(ctx).require(organization_id, ADMINS).await?;
    let tx = store(ctx).tenant(&scope).await?;
    let (rows, has_next) = invitations::list(&tx, page).await?;
    tx.commit().await?;
    let listed = super::paging::connection(rows, has_next, page, |r| r.id, Invitation);
    Ok(super::total_count::counted(listed, scope, super::total_count::CountOf::Invitations))
}
