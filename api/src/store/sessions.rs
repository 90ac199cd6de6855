//! Sessions and their refresh tokens. Sessions belong to a person, not an organization.
//!
//! Every access token names its session, and every request checks that session (and the person's
//! validity time) in one statement, so logout and a password change take effect on the next request.

use chrono::{DateTime, Duration, Utc};
use entity::{refresh_token, session, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use super::StoreError;
use crate::auth::jwt::AccessClaims;
use crate::auth::opaque_token::{self, Kind};
use crate::domain::session::{Refresh, decide, slid};

pub use session::Model as Session;

/// A refresh token just issued: its secret (shown once) and when the session lapses unless used.
pub struct IssuedRefresh {
    pub session_id: Uuid,
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

/// Starts a session for a person whose password was just checked against `password_hash`, unless
/// the password changed meanwhile: a login that read the old hash must not outlive the change that
/// ended every session. The user row is locked (PostgreSQL; SQLite runs one writer) so a password
/// change either sees the new session and ends it, or lands first and the login is refused.
pub async fn start_checked(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    password_hash: &str,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<Option<IssuedRefresh>, StoreError> {
    let mut query = user::Entity::find_by_id(user_id);
    if conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    match query.one(conn).await? {
        Some(user) if user.password_hash == password_hash => Ok(Some(start(conn, user_id, lifetime, now).await?)),
        _ => Ok(None),
    }
}

/// Starts a session for `user_id` and issues its first refresh token.
pub async fn start(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<IssuedRefresh, StoreError> {
    let expires_at = slid(now, lifetime);
    let row = session::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        created_at: Set(now),
        refreshed_at: Set(now),
        expires_at: Set(expires_at),
        ended_at: Set(None),
    }
    .insert(conn)
    .await?;
    let secret = issue_token(conn, row.id, now).await?;
    Ok(IssuedRefresh { session_id: row.id, secret, expires_at })
}

async fn issue_token(conn: &impl ConnectionTrait, session_id: Uuid, now: DateTime<Utc>) -> Result<String, StoreError> {
    let secret = opaque_token::generate(Kind::RefreshToken);
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        session_id: Set(session_id),
        secret_hash: Set(secret.digest),
        created_at: Set(now),
        used_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(secret.plain)
}

/// Where an access token's session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Live,
    /// Logged out, ended by a password change or a reuse, lapsed, or issued before the person's
    /// validity time.
    Ended,
    /// No such session for this user (the user was deleted, and their sessions with them).
    Unknown,
}

/// What decides whether an open session's access tokens still count; kept by the credential cache.
#[derive(Debug, Clone)]
pub struct SessionFacts {
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    /// The person's validity time (whole seconds): tokens issued before it are refused.
    pub valid_after: Option<i64>,
}

impl SessionFacts {
    /// Whether an access token of this session still counts: it belongs to the session's person,
    /// the session has not lapsed, and the token was issued after the person's validity time.
    pub fn access(&self, claims: &AccessClaims, now: DateTime<Utc>) -> Access {
        if self.user_id != claims.user_id {
            return Access::Unknown;
        }
        let live = now < self.expires_at && self.valid_after.is_none_or(|after| claims.issued_at.timestamp() >= after);
        if live { Access::Live } else { Access::Ended }
    }
}

/// An access token's session: its facts and its person while it is open, or why it is not.
pub enum TokenSession {
    Open(SessionFacts, user::Model),
    Ended,
    Unknown,
}

/// Reads an access token's session and its person in one statement.
pub async fn of_token(conn: &impl ConnectionTrait, claims: &AccessClaims) -> Result<TokenSession, StoreError> {
    let row = session::Entity::find_by_id(claims.session_id)
        .filter(session::Column::UserId.eq(claims.user_id))
        .find_also_related(user::Entity)
        .one(conn)
        .await?;
    let Some((session, Some(user))) = row else { return Ok(TokenSession::Unknown) };
    if session.ended_at.is_some() {
        return Ok(TokenSession::Ended);
    }
    let facts = SessionFacts {
        user_id: session.user_id,
        expires_at: session.expires_at,
        valid_after: user.sessions_valid_after.map(|t| t.timestamp()),
    };
    Ok(TokenSession::Open(facts, user))
}

/// What presenting a refresh token came to.
pub enum Refreshed {
    /// The next refresh token of the same session.
    Rotated { user_id: Uuid, refresh: IssuedRefresh },
    /// The token was spent before: the session is now ended.
    Reused,
    /// Unknown token, or its session ended or lapsed.
    Refused,
}

/// Spends a refresh token and issues the next, in one transaction. Two requests racing with one
/// token cannot both win: the second finds it spent and ends the session, as a thief's would.
pub async fn refresh(
    conn: &impl ConnectionTrait,
    secret: &str,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<Refreshed, StoreError> {
    if !Kind::RefreshToken.matches(secret) {
        return Ok(Refreshed::Refused);
    }
    let digest = opaque_token::digest(secret);
    let Some(token) =
        refresh_token::Entity::find().filter(refresh_token::Column::SecretHash.eq(digest)).one(conn).await?
    else {
        return Ok(Refreshed::Refused);
    };
    let Some(session) = session::Entity::find_by_id(token.session_id).one(conn).await? else {
        return Ok(Refreshed::Refused);
    };
    let outcome = decide(token.used_at.is_some(), session.ended_at.is_some(), session.expires_at, now);
    if outcome == Refresh::Rotate {
        let spent = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
            .filter(refresh_token::Column::Id.eq(token.id))
            .filter(refresh_token::Column::UsedAt.is_null())
            .exec(conn)
            .await?;
        if spent.rows_affected == 1 {
            let expires_at = slid(now, lifetime);
            session::Entity::update_many()
                .col_expr(session::Column::RefreshedAt, Expr::value(now))
                .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
                .filter(session::Column::Id.eq(session.id))
                .exec(conn)
                .await?;
            let secret = issue_token(conn, session.id, now).await?;
            let refresh = IssuedRefresh { session_id: session.id, secret, expires_at };
            return Ok(Refreshed::Rotated { user_id: session.user_id, refresh });
        }
    }
    match outcome {
        Refresh::Ended => Ok(Refreshed::Refused),
        // Spent before, or spent by a racing request just now.
        Refresh::Reused | Refresh::Rotate => {
            end(conn, session.id, now).await?;
            Ok(Refreshed::Reused)
        }
    }
}

/// The open session a refresh token belongs to, and whether the token is spent already.
pub async fn find_by_refresh(
    conn: &impl ConnectionTrait,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Session, bool)>, StoreError> {
    if !Kind::RefreshToken.matches(secret) {
        return Ok(None);
    }
    let token = refresh_token::Entity::find()
        .filter(refresh_token::Column::SecretHash.eq(opaque_token::digest(secret)))
        .one(conn)
        .await?;
    let Some(token) = token else { return Ok(None) };
    let session = session::Entity::find_by_id(token.session_id).one(conn).await?;
    Ok(session.filter(|s| s.ended_at.is_none() && now < s.expires_at).map(|s| (s, token.used_at.is_some())))
}

/// Ends one session; its access tokens are refused from the next request.
pub async fn end(conn: &impl ConnectionTrait, session_id: Uuid, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let ended = session::Entity::update_many()
        .col_expr(session::Column::EndedAt, Expr::value(now))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::EndedAt.is_null())
        .exec(conn)
        .await?;
    Ok(ended.rows_affected)
}

/// Ends every open session of a person and refuses every access token issued before `now`.
pub async fn end_all(conn: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> Result<u64, StoreError> {
    let ended = session::Entity::update_many()
        .col_expr(session::Column::EndedAt, Expr::value(now))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::EndedAt.is_null())
        .exec(conn)
        .await?;
    user::Entity::update_many()
        .col_expr(user::Column::SessionsValidAfter, Expr::value(now))
        .filter(user::Column::Id.eq(user_id))
        .exec(conn)
        .await?;
    Ok(ended.rows_affected)
}

/// Deletes sessions that ended or lapsed more than `keep` ago; their refresh tokens go with them.
/// Spent tokens of live sessions stay as long as the session, so a copy replayed however late is
/// still recognised as reuse. Returns the sessions deleted.
pub async fn sweep(conn: &impl ConnectionTrait, now: DateTime<Utc>, keep: Duration) -> Result<u64, StoreError> {
    let cutoff = now - keep;
    let sessions = session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(session::Column::EndedAt.lt(cutoff))
                .add(session::Column::ExpiresAt.lt(cutoff)),
        )
        .exec(conn)
        .await?;
    Ok(sessions.rows_affected)
}
