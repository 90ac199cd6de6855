//! People: `Viewer` (the caller) and `User` (a fellow member).

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::context::{store, viewer};
use super::ids::{Kind, encode};
use super::memberships::Membership;
use super::portfolio::{PORTFOLIO_ROLES, PortfolioEntry};
use crate::auth;
use crate::error::AppResult;
use crate::store::{memberships, users};

/// The person making the request.
pub struct Viewer(pub users::User, pub Seen);

/// Who is looking at a `Viewer`, which decides what its memberships and portfolio show.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// The request's own caller (`me`): memberships as the credential may use them.
    ByCaller,
    /// The person a login, sign-up, refresh or password change just authenticated, in the session
    /// it started: the request itself carried no credential (or another one).
    JustAuthenticated { session_id: uuid::Uuid },
    /// Someone else (an audit event's actor): no memberships, no portfolio.
    ByOthers,
}

/// Whose rights a person's memberships and portfolio are read with.
#[derive(Clone)]
enum Acting {
    /// The request's own caller, whose memberships the request has read once already.
    Request,
    /// The session a login or sign-up just started in this request.
    Session(Arc<auth::Viewer>),
}

impl Acting {
    fn viewer<'a>(&'a self, ctx: &Context<'a>) -> &'a auth::Viewer {
        match self {
            Acting::Request => viewer(ctx),
            Acting::Session(session) => session,
        }
    }
}

impl Viewer {
    /// The credential this person's memberships and portfolio are read through; `None` for others.
    fn acting(&self, ctx: &Context<'_>) -> Option<Acting> {
        match self.1 {
            Seen::ByCaller => Some(Acting::Request),
            Seen::JustAuthenticated { session_id } => {
                let principal = auth::Principal::User { user_id: self.0.id, session_id };
                Some(Acting::Session(Arc::new(auth::Viewer::with_principal(store(ctx).clone(), principal))))
            }
            Seen::ByOthers => None,
        }
    }
}

/// The person making the request.
#[Object]
impl Viewer {
    /// The viewer's user ID; the same ID names them as a member, seller or marketer elsewhere.
    pub async fn id(&self) -> ID {
        encode(Kind::User, self.0.id)
    }
    /// Login email, lowercased.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// For consultants: every organization where the viewer is ADMIN or SALES_LEADER, with its
    /// scorecard and trust readings side by side, read together whatever their number.
    async fn portfolio(&self, ctx: &Context<'_>) -> AppResult<Vec<PortfolioEntry>> {
        let Some(acting) = self.acting(ctx) else { return Ok(Vec::new()) };
        let viewer = acting.viewer(ctx);
        let usable = viewer.memberships().await?.to_vec();
        let rows = memberships::of_user(store(ctx).conn(), self.0.id).await?;
        let organizations = rows
            .into_iter()
            .filter_map(|(m, organization)| {
                let (_, role) = usable.iter().find(|(id, _)| *id == m.organization_id)?;
                PORTFOLIO_ROLES.contains(role).then_some((organization, *role))
            })
            .collect();
        super::portfolio::entries(ctx, viewer, organizations).await
    }
    /// Organizations the viewer can act in, with the role in each. With an API token, only the
    /// token's organization, with the token's role.
    async fn memberships(&self, ctx: &Context<'_>) -> AppResult<Vec<Membership>> {
        let Some(acting) = self.acting(ctx) else { return Ok(Vec::new()) };
        let usable = acting.viewer(ctx).memberships().await?;
        let rows = memberships::of_user(store(ctx).conn(), self.0.id).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(m, org)| {
                let (_, role) = usable.iter().find(|(id, _)| *id == m.organization_id)?;
                Some(Membership::new(m, org, self.0.clone()).with_role(*role))
            })
            .collect())
    }
}

/// A person who shares an organization with the viewer.
/// The row is shared: a page names the same people many times.
#[derive(Clone)]
pub struct User(pub Arc<users::User>);

impl From<users::User> for User {
    fn from(row: users::User) -> Self {
        Self(Arc::new(row))
    }
}

/// A person who shares an organization with the viewer.
#[Object]
impl User {
    /// The user's ID (equal to their `Viewer.id` when they are the caller).
    pub async fn id(&self) -> ID {
        encode(Kind::User, self.0.id)
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Email, visible to fellow members.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
