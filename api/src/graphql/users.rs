//! People: `Viewer` (the caller) and `User` (a fellow member).

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::context::{store, viewer};
use super::ids::{Kind, encode};
use super::memberships::Membership;
use crate::error::AppResult;
use crate::store::{memberships, users};

/// The person making the request.
pub struct Viewer(pub users::User);

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
    /// Organizations the viewer can act in, with the role in each. With an API token, only the
    /// token's organization, with the token's role.
    async fn memberships(&self, ctx: &Context<'_>) -> AppResult<Vec<Membership>> {
        let usable = viewer(ctx).memberships().await?;
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
#[derive(Clone)]
pub struct User(pub users::User);

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
