//! Signing up, logging in, and `me`.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{jwt_keys, store, viewer};
use super::users::Viewer;
use crate::auth::password;
use crate::auth::throttle::LoginThrottle;
use crate::domain::{DisplayName, Email, NewPassword};
use crate::error::{AppError, AppResult, field};
use crate::store::users;

#[derive(Default)]
pub struct SessionQuery;

#[Object]
impl SessionQuery {
    /// The caller, or null when the request carries no token.
    async fn me(&self, ctx: &Context<'_>) -> AppResult<Option<Viewer>> {
        let Some(user_id) = viewer(ctx).user_id() else { return Ok(None) };
        Ok(users::find(store(ctx).conn(), user_id).await?.map(Viewer))
    }
}

/// A new account.
#[derive(InputObject)]
pub struct SignUpInput {
    /// Login email; stored lowercased, unique.
    pub email: String,
    /// 10 to 128 characters.
    pub password: String,
    /// Display name, 1 to 200 characters.
    pub name: String,
}

/// Credentials to log in with.
#[derive(InputObject)]
pub struct LoginInput {
    /// The login email; case does not matter.
    pub email: String,
    /// The account's password.
    pub password: String,
}

/// An access token and the person it belongs to.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token stops being accepted; log in again after that.
    pub expires_at: DateTime<Utc>,
    /// The person now logged in.
    pub viewer: Viewer,
}

#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
    /// Creates an account and logs it in. A taken email is a `CONFLICT`.
    async fn sign_up(&self, ctx: &Context<'_>, input: SignUpInput) -> AppResult<AuthPayload> {
        let email = Email::parse(&input.email).map_err(field("email"))?;
        let name = DisplayName::parse(&input.name).map_err(field("name"))?;
        let password = NewPassword::parse(&input.password).map_err(field("password"))?;
        let hash = password::hash(&password).await?;
        let now = Utc::now();
        let user = users::insert(store(ctx).conn(), &email, name, hash, now).await?;
        issue(ctx, user, now)
    }

    /// Exchanges email and password for an access token. Unknown email and wrong password get
    /// the same answer, in about the same time. After 10 failures for one email within 15 minutes,
    /// further attempts get `RATE_LIMITED` until the 15 minutes have passed.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> AppResult<AuthPayload> {
        let refused = AppError::Unauthenticated("wrong email or password");
        let throttle = ctx.data_unchecked::<LoginThrottle>();
        let key = input.email.trim().to_lowercase();
        if !throttle.allows(&key) {
            return Err(AppError::RateLimited);
        }
        // An unparseable email cannot belong to an account; still spend the hashing time.
        let user = match Email::parse(&input.email) {
            Ok(email) => users::find_by_email(store(ctx).conn(), &email).await?,
            Err(_) => None,
        };
        let stored = user.as_ref().map(|u| u.password_hash.clone());
        if !password::verify(&input.password, stored).await? {
            throttle.record_failure(&key);
            return Err(refused);
        }
        throttle.record_success(&key);
        let user = user.ok_or(refused)?;
        issue(ctx, user, Utc::now())
    }
}

fn issue(ctx: &Context<'_>, user: users::User, now: DateTime<Utc>) -> AppResult<AuthPayload> {
    let (token, expires_at) = jwt_keys(ctx).issue(user.id, now)?;
    Ok(AuthPayload { token, expires_at, viewer: Viewer(user) })
}
