//! Signing up, logging in, sessions (refresh, logout, password change), and `me`.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{self, jwt_keys, store, viewer};
use super::users::{Seen, Viewer};
use crate::auth::password;
use crate::auth::throttle::Throttle;
use crate::config::Lifetimes;
use crate::domain::{DisplayName, Email, NewPassword};
use crate::error::{AppError, AppResult, field};
use crate::http::client_address::ClientAddress;
use crate::store::{sessions, users};

#[derive(Default)]
pub struct SessionQuery;

#[Object]
impl SessionQuery {
    /// The caller, or null when the request carries no token.
    async fn me(&self, ctx: &Context<'_>) -> AppResult<Option<Viewer>> {
        let Some(user_id) = viewer(ctx).user_id() else { return Ok(None) };
        // Usually read with the caller's session and still in the credential cache.
        let cache = store(ctx).credentials();
        if let Some(user) = cache.user(user_id) {
            return Ok(Some(Viewer(users::User::clone(&user), Seen::ByCaller)));
        }
        let generation = cache.generation();
        let Some(user) = users::find(store(ctx).conn(), user_id).await? else { return Ok(None) };
        cache.store_user(generation, Arc::new(user.clone()));
        Ok(Some(Viewer(user, Seen::ByCaller)))
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

/// A session's credentials and the person they belong to.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// The access token: send as `Authorization: Bearer <token>`. Short-lived (15 minutes unless
    /// configured otherwise).
    pub token: String,
    /// Exchange with `refreshSession` for the next access token before or after `expiresAt`.
    /// Single use: each refresh returns a new one, and presenting a spent one ends the session.
    pub refresh_token: String,
    /// When the access token stops being accepted.
    pub expires_at: DateTime<Utc>,
    /// When the session ends unless refreshed (30 days after the last refresh unless configured).
    pub refresh_expires_at: DateTime<Utc>,
    /// The person now logged in, with all their memberships.
    pub viewer: Viewer,
}

/// Exchanges a refresh token for new credentials.
#[derive(InputObject)]
pub struct RefreshSessionInput {
    /// The refresh token from the last `AuthPayload`.
    pub refresh_token: String,
}

/// Ends sessions.
#[derive(InputObject)]
pub struct LogoutInput {
    /// The refresh token of the session to end.
    pub refresh_token: String,
    /// End every session of the person, on every device, instead of this one.
    #[graphql(default = false)]
    pub everywhere: bool,
}

/// The result of `logout`.
#[derive(SimpleObject)]
pub struct LogoutPayload {
    /// Sessions ended by this call (0 when the token's session had ended already).
    pub ended_sessions: i32,
}

/// Changes the caller's password.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// The password now.
    pub current_password: String,
    /// The new password: 10 to 128 characters, not a common one, not the email or name.
    pub new_password: String,
}

#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
    /// Creates an account and logs it in. A taken email is a `CONFLICT`.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new account's email, password and name.")] input: SignUpInput,
    ) -> AppResult<AuthPayload> {
        let email = Email::parse(&input.email).map_err(field("email"))?;
        let name = DisplayName::parse(&input.name).map_err(field("name"))?;
        let password = NewPassword::parse(&input.password).map_err(field("password"))?;
        password.check_personal(email.as_str(), &input.name).map_err(field("password"))?;
        let (now, throttle, address) = (Utc::now(), ctx.data_unchecked::<Throttle>(), client_address(ctx));
        throttle.sign_up(store(ctx), address, context::now(ctx)).await?;
        let hash = ctx.data_unchecked::<password::Hasher>().hash(&password).await?;
        let user = users::insert(store(ctx).conn(), &email, name, hash, now).await?;
        // The address an account was created from is one its owner uses.
        throttle.make_familiar(store(ctx), &email, address, context::now(ctx)).await?;
        start_session(ctx, user).await
    }

    /// Exchanges email and password for an access token. Unknown email and wrong password get
    /// the same answer, in about the same time. Failed attempts for one account from one address
    /// soon wait (1 s, doubling up to 15 minutes), and one address may fail 30 times per 15 minutes
    /// over all accounts: past either, `RATE_LIMITED` with `extensions.retryAfterSeconds`.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The email and password to log in with.")] input: LoginInput,
    ) -> AppResult<AuthPayload> {
        let refused = AppError::Unauthenticated("wrong email or password");
        // Syntax is public knowledge: a malformed email or an oversized password is refused before
        // it can name a throttle bucket or cost a hash.
        let email = Email::parse(&input.email).map_err(field("email"))?;
        if input.password.len() > MAX_PASSWORD_BYTES {
            return Err(AppError::bad_input("password", format!("must be at most {MAX_PASSWORD_BYTES} bytes")));
        }
        let throttle = ctx.data_unchecked::<Throttle>();
        let reservation = throttle.reserve_login(store(ctx), &email, client_address(ctx), context::now(ctx)).await?;
        let checked = async {
            let user = users::find_by_email(store(ctx).conn(), &email).await?;
            let stored = user.as_ref().map(|u| u.password_hash.clone());
            let verified = ctx.data_unchecked::<password::Hasher>().verify(&input.password, stored).await?;
            AppResult::Ok((user, verified))
        };
        let (user, verified) = match checked.await {
            Ok(checked) => checked,
            Err(error) => {
                // Not a guess that failed: hand the attempt back, so a full queue or an outage
                // never counts against the account's owner.
                let _ = throttle.not_attempted(store(ctx), reservation).await;
                return Err(error);
            }
        };
        if !verified {
            tracing::warn!(security = "login_failed", client = %client_address(ctx), "login refused");
            return Err(refused);
        }
        throttle.succeeded(store(ctx), reservation, context::now(ctx)).await?;
        let user = user.ok_or(refused)?;
        start_session(ctx, user).await
    }

    /// Spends a refresh token and returns the session's next access and refresh tokens. A refresh
    /// token works once: presenting a spent one (a copy someone else used first) ends the whole
    /// session, and both holders must log in again. Unknown, ended or lapsed: `UNAUTHENTICATED`.
    /// Needs no access token, so an expired one is no obstacle.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token to spend.")] input: RefreshSessionInput,
    ) -> AppResult<AuthPayload> {
        let lifetime = ctx.data_unchecked::<Lifetimes>().session;
        let tx = store(ctx).begin().await?;
        let outcome = sessions::refresh(&tx, &input.refresh_token, lifetime, Utc::now()).await?;
        // Commit whatever the outcome: a reuse must end the session for good.
        tx.commit().await.map_err(crate::store::StoreError::from)?;
        match outcome {
            sessions::Refreshed::Rotated { user_id, refresh } => {
                let user = users::find(store(ctx).conn(), user_id).await?.ok_or(SESSION_REFUSED)?;
                payload(ctx, user, refresh)
            }
            sessions::Refreshed::Reused => {
                tracing::warn!(security = "refresh_reuse", "a spent refresh token was presented; its session is ended");
                Err(AppError::Unauthenticated(
                    "this refresh token was used before, so the session is ended for safety; log in again",
                ))
            }
            sessions::Refreshed::Refused => Err(SESSION_REFUSED),
        }
    }

    /// Ends the session of `refreshToken` (its access tokens are refused from the next request,
    /// its subscriptions stop), or with `everywhere: true` every session of the person. Needs no
    /// access token. A token whose session ended already ends nothing. A spent refresh token ends
    /// its own session only (someone holds an old copy), never every session.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token of the session to end, and whether to end every session of the person.")]
        input: LogoutInput,
    ) -> AppResult<LogoutPayload> {
        let now = Utc::now();
        let found = sessions::find_by_refresh(store(ctx).conn(), &input.refresh_token, now).await?;
        let Some((session, spent)) = found else {
            return Ok(LogoutPayload { ended_sessions: 0 });
        };
        let ended = if input.everywhere && !spent {
            sessions::end_all(store(ctx).conn(), session.user_id, now).await?
        } else {
            sessions::end(store(ctx).conn(), session.id, now).await?
        };
        Ok(LogoutPayload { ended_sessions: i32::try_from(ended).unwrap_or(i32::MAX) })
    }

    /// Logged-in people only (not API tokens). Ends every session of the person, this one
    /// included, refuses every access token issued before it, and returns the credentials of a
    /// new session. A wrong `currentPassword` is `BAD_USER_INPUT` and counts as a failed login.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The current password and the new one.")] input: ChangePasswordInput,
    ) -> AppResult<AuthPayload> {
        let user_id = viewer(ctx).require_session()?;
        if input.current_password.len() > MAX_PASSWORD_BYTES {
            return Err(AppError::bad_input("currentPassword", "is wrong"));
        }
        let user = users::find(store(ctx).conn(), user_id).await?.ok_or(SESSION_REFUSED)?;
        let email = Email::parse(&user.email).map_err(field("email"))?;
        let password = NewPassword::parse(&input.new_password).map_err(field("newPassword"))?;
        password.check_personal(&user.email, &user.name).map_err(field("newPassword"))?;
        let throttle = ctx.data_unchecked::<Throttle>();
        let reservation = throttle.reserve_login(store(ctx), &email, client_address(ctx), context::now(ctx)).await?;
        let hasher = ctx.data_unchecked::<password::Hasher>();
        let verified = match hasher.verify(&input.current_password, Some(user.password_hash.clone())).await {
            Ok(verified) => verified,
            Err(error) => {
                let _ = throttle.not_attempted(store(ctx), reservation).await;
                return Err(error.into());
            }
        };
        if !verified {
            tracing::warn!(security = "password_change_refused", user = %user_id, "wrong current password");
            return Err(AppError::bad_input("currentPassword", "is wrong"));
        }
        throttle.succeeded(store(ctx), reservation, context::now(ctx)).await?;
        let hash = hasher.hash(&password).await?;
        let now = Utc::now();
        let tx = store(ctx).begin().await?;
        users::set_password(&tx, user_id, hash.clone()).await?;
        sessions::end_all(&tx, user_id, now).await?;
        tx.commit().await.map_err(crate::store::StoreError::from)?;
        start_session(ctx, users::User { password_hash: hash, ..user }).await
    }
}

/// Longest password a login may present (sign-up allows 128 characters of up to 4 bytes).
const MAX_PASSWORD_BYTES: usize = 512;

/// The client's address; requests that reach the schema without one (the demo loader) count as
/// the unspecified address.
fn client_address(ctx: &Context<'_>) -> std::net::IpAddr {
    ctx.data_opt::<ClientAddress>().map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.0)
}

const SESSION_REFUSED: AppError =
    AppError::Unauthenticated("the refresh token is unknown, or its session ended or lapsed; log in again");

/// Starts a session for a person who just proved who they are with the password `user` holds,
/// unless it changed meanwhile (then the proof no longer counts).
async fn start_session(ctx: &Context<'_>, user: users::User) -> AppResult<AuthPayload> {
    let lifetime = ctx.data_unchecked::<Lifetimes>().session;
    let tx = store(ctx).begin().await?;
    let started = sessions::start_checked(&tx, user.id, &user.password_hash, lifetime, Utc::now()).await?;
    tx.commit().await.map_err(crate::store::StoreError::from)?;
    let refresh = started.ok_or(AppError::Unauthenticated("wrong email or password"))?;
    payload(ctx, user, refresh)
}

fn payload(ctx: &Context<'_>, user: users::User, refresh: sessions::IssuedRefresh) -> AppResult<AuthPayload> {
    let (token, expires_at) = jwt_keys(ctx).issue(user.id, refresh.session_id, Utc::now())?;
    Ok(AuthPayload {
        token,
        refresh_token: refresh.secret,
        expires_at,
        refresh_expires_at: refresh.expires_at,
        viewer: Viewer(user, Seen::JustAuthenticated { session_id: refresh.session_id }),
    })
}
