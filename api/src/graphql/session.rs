//! Signing up, logging in, and `me`.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{jwt_keys, store, viewer};
use super::users::Viewer;
use crate::auth::password;
use crate::auth::throttle::Throttle;
use crate::domain::{DisplayName, Email, NewPassword};
use crate::error::{AppError, AppResult, field};
use crate::http::client_address::ClientAddress;
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
        password.check_personal(email.as_str(), &input.name).map_err(field("password"))?;
        let (now, throttle, address) = (Utc::now(), ctx.data_unchecked::<Throttle>(), client_address(ctx));
        throttle.sign_up(store(ctx), address, now).await?;
        let hash = ctx.data_unchecked::<password::Hasher>().hash(&password).await?;
        let user = users::insert(store(ctx).conn(), &email, name, hash, now).await?;
        // The address an account was created from is one its owner uses.
        throttle.make_familiar(store(ctx), &email, address, now).await?;
        issue(ctx, user, now)
    }

    /// Exchanges email and password for an access token. Unknown email and wrong password get
    /// the same answer, in about the same time. Failed attempts for one account from one address
    /// soon wait (1 s, doubling up to 15 minutes), and one address may fail 30 times per 15 minutes
    /// over all accounts: past either, `RATE_LIMITED` with `extensions.retryAfterSeconds`.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> AppResult<AuthPayload> {
        let refused = AppError::Unauthenticated("wrong email or password");
        // Syntax is public knowledge: a malformed email or an oversized password is refused before
        // it can name a throttle bucket or cost a hash.
        let email = Email::parse(&input.email).map_err(field("email"))?;
        if input.password.len() > MAX_PASSWORD_BYTES {
            return Err(AppError::bad_input("password", format!("must be at most {MAX_PASSWORD_BYTES} bytes")));
        }
        let throttle = ctx.data_unchecked::<Throttle>();
        let reservation = throttle.reserve_login(store(ctx), &email, client_address(ctx), Utc::now()).await?;
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
            return Err(refused);
        }
        throttle.succeeded(store(ctx), reservation, Utc::now()).await?;
        let user = user.ok_or(refused)?;
        issue(ctx, user, Utc::now())
    }
}

/// Longest password a login may present (sign-up allows 128 characters of up to 4 bytes).
const MAX_PASSWORD_BYTES: usize = 512;

/// The client's address; requests that reach the schema without one (the demo loader) count as
/// the unspecified address.
fn client_address(ctx: &Context<'_>) -> std::net::IpAddr {
    ctx.data_opt::<ClientAddress>().map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.0)
}

fn issue(ctx: &Context<'_>, user: users::User, now: DateTime<Utc>) -> AppResult<AuthPayload> {
    let (token, expires_at) = jwt_keys(ctx).issue(user.id, now)?;
    Ok(AuthPayload { token, expires_at, viewer: Viewer(user) })
}
