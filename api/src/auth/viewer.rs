//! The caller of one request, resolved once from its bearer token.

use std::sync::Arc;

use chrono::Utc;
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::jwt::{AccessClaims, JwtError, JwtKeys};
use super::{OrgScope, opaque_token};
use crate::domain::Role;
use crate::error::{AppError, AppResult, CredentialReason};
use crate::store::{Store, api_tokens, memberships, sessions};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// No `Authorization` header at all.
    Anonymous,
    /// A person logged in with an access token of one session.
    User { user_id: Uuid, session_id: Uuid },
    /// A tool holding an API token: one organization, one role, acting as one member.
    ApiToken { token_id: Uuid, user_id: Uuid, organization_id: Uuid, role: Role },
}

/// The authenticated caller plus this request's view of their memberships, read once per request
/// (from the credential cache, which every change to them clears) so that removals and revocations
/// apply on the next request.
pub struct Viewer {
    principal: Principal,
    store: Store,
    memberships: OnceCell<Arc<[(Uuid, Role)]>>,
    /// When the access token stops being valid (API tokens have no expiry).
    expires_at: Option<chrono::DateTime<Utc>>,
    /// The access token's claims, checked again for long-lived connections.
    claims: Option<AccessClaims>,
}

const API_TOKEN_REFUSED: &str = "the API token is unknown, revoked, or its maker no longer holds its role";
const UNKNOWN_USER: &str = "the access token's user no longer exists";
const ACCESS_TOKEN_EXPIRED: &str = "the access token expired; get a new one with refreshSession, or log in again";
const SESSION_ENDED: &str = "the session ended (logout, password change or expiry); log in again";

/// A refused credential, logged as a security event (why, never the credential). Expired access
/// tokens are routine with short lifetimes and are not logged.
fn refused(reason: CredentialReason, why: &'static str) -> AppError {
    if reason != CredentialReason::Expired {
        tracing::warn!(security = "credential_refused", reason = reason.name(), why, "credential refused");
    }
    AppError::CredentialRefused(reason, why)
}

/// Checks an access token's session now, from the credential cache when it holds the session.
async fn check_session(store: &Store, claims: &AccessClaims) -> AppResult<()> {
    let cache = store.credentials();
    let now = Utc::now();
    // Only a live answer is taken from the cache: a refresh moves the expiry later without a
    // notice, so a cached session that looks lapsed is read again.
    let access = match cache.session(claims.session_id).map(|f| f.access(claims, now)) {
        Some(sessions::Access::Live) => sessions::Access::Live,
        _ => {
            let generation = cache.generation();
            match sessions::of_token(store.conn(), claims).await? {
                sessions::TokenSession::Open(facts, user) => {
                    let access = facts.access(claims, now);
                    cache.store_session(generation, claims.session_id, facts);
                    // The person came with the session: `me` answers from it.
                    cache.store_user(generation, Arc::new(user));
                    access
                }
                sessions::TokenSession::Ended => sessions::Access::Ended,
                sessions::TokenSession::Unknown => sessions::Access::Unknown,
            }
        }
    };
    match access {
        sessions::Access::Live => Ok(()),
        sessions::Access::Ended => Err(refused(CredentialReason::Revoked, SESSION_ENDED)),
        sessions::Access::Unknown => Err(refused(CredentialReason::UnknownUser, UNKNOWN_USER)),
    }
}

/// A usable API token by its digest (a bearer credential) or by id (a connection's re-check),
/// from the credential cache when it holds the token.
async fn usable_token(store: &Store, by: TokenKey<'_>) -> AppResult<api_tokens::UsableToken> {
    let cache = store.credentials();
    let cached = match by {
        TokenKey::Digest(digest) => cache.token_by_digest(digest),
        TokenKey::Id(id) => cache.token(id),
    };
    if let Some(token) = cached {
        return Ok(token);
    }
    let generation = cache.generation();
    let found = match by {
        TokenKey::Digest(digest) => api_tokens::find_usable_by_digest(store.conn(), digest, Utc::now()).await?,
        TokenKey::Id(id) => api_tokens::find_usable_by_id(store.conn(), id).await?,
    };
    let token = found.ok_or_else(|| refused(CredentialReason::Revoked, API_TOKEN_REFUSED))?;
    let digest = match by {
        TokenKey::Digest(digest) => Some(digest),
        TokenKey::Id(_) => None,
    };
    cache.store_token(generation, digest, token.clone());
    Ok(token)
}

#[derive(Clone, Copy)]
enum TokenKey<'a> {
    Digest(&'a str),
    Id(Uuid),
}

fn token_principal(token: api_tokens::UsableToken) -> Principal {
    Principal::ApiToken {
        token_id: token.id,
        user_id: token.user_id,
        organization_id: token.organization_id,
        role: token.role,
    }
}

impl Viewer {
    pub fn anonymous(store: Store) -> Self {
        Self::with_principal(store, Principal::Anonymous)
    }

    /// A viewer for a principal resolved earlier; call `refreshed` before trusting it again.
    pub fn with_principal(store: Store, principal: Principal) -> Self {
        Self { principal, store, memberships: OnceCell::new(), expires_at: None, claims: None }
    }

    /// Resolves a bearer credential. A credential that fails any check is an error, never anonymous.
    pub async fn authenticate(store: Store, keys: &JwtKeys, bearer: &str) -> AppResult<Self> {
        if opaque_token::looks_like_api_token(bearer) {
            let digest = opaque_token::digest(bearer);
            let token = usable_token(&store, TokenKey::Digest(&digest)).await?;
            return Ok(Self::with_principal(store, token_principal(token)));
        }
        let claims = keys.verify(bearer).map_err(|e| match e {
            JwtError::Expired => refused(CredentialReason::Expired, ACCESS_TOKEN_EXPIRED),
            _ => refused(CredentialReason::Invalid, "the access token is invalid; log in again"),
        })?;
        check_session(&store, &claims).await?;
        let principal = Principal::User { user_id: claims.user_id, session_id: claims.session_id };
        Ok(Self { expires_at: Some(claims.expires_at), claims: Some(claims), ..Self::with_principal(store, principal) })
    }

    /// The same caller, checked again against the database: a long-lived subscription calls this
    /// before each delivery so a revoked token, an ended session or a deleted user stops receiving
    /// at once.
    pub async fn refreshed(&self) -> AppResult<Self> {
        // Token expiry is wall-clock time, as when the token was verified.
        if self.expires_at.is_some_and(|at| Utc::now() >= at) {
            return Err(refused(CredentialReason::Expired, ACCESS_TOKEN_EXPIRED));
        }
        let principal = match &self.principal {
            Principal::Anonymous => Principal::Anonymous,
            Principal::User { .. } => {
                let claims = self.claims.as_ref().ok_or(AppError::Unauthenticated(SESSION_ENDED))?;
                check_session(&self.store, claims).await?;
                self.principal.clone()
            }
            Principal::ApiToken { token_id, .. } => {
                token_principal(usable_token(&self.store, TokenKey::Id(*token_id)).await?)
            }
        };
        Ok(Self {
            expires_at: self.expires_at,
            claims: self.claims,
            ..Self::with_principal(self.store.clone(), principal)
        })
    }

    /// The same caller with the same credential, for work that outlives this request (a
    /// subscription's deliveries); memberships are read again.
    pub fn renewed(&self) -> Self {
        Self {
            expires_at: self.expires_at,
            claims: self.claims,
            ..Self::with_principal(self.store.clone(), self.principal.clone())
        }
    }

    /// How long the access token stays valid from now (zero once expired); `None` for API tokens
    /// and anonymous callers.
    pub fn time_left(&self) -> Option<std::time::Duration> {
        self.expires_at.map(|at| (at - Utc::now()).to_std().unwrap_or_default())
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn user_id(&self) -> Option<Uuid> {
        match self.principal {
            Principal::Anonymous => None,
            Principal::User { user_id, .. } | Principal::ApiToken { user_id, .. } => Some(user_id),
        }
    }

    /// The user id, or `UNAUTHENTICATED` for an anonymous caller.
    pub fn require_user(&self) -> AppResult<Uuid> {
        self.user_id().ok_or(AppError::Unauthenticated("log in first"))
    }

    /// Refuses API tokens where a person must act (e.g. minting further tokens).
    pub fn require_session(&self) -> AppResult<Uuid> {
        match self.principal {
            Principal::User { user_id, .. } => Ok(user_id),
            Principal::ApiToken { .. } => {
                Err(AppError::Forbidden("this needs a logged-in person, not an API token".into()))
            }
            Principal::Anonymous => Err(AppError::Unauthenticated("log in first")),
        }
    }

    /// Organization id and role of every current membership this caller may act through.
    /// An API token sees only its own organization, with the token's role.
    pub async fn memberships(&self) -> AppResult<&[(Uuid, Role)]> {
        let list = self
            .memberships
            .get_or_try_init(|| async {
                match self.principal {
                    Principal::Anonymous => Ok(Arc::from(Vec::new())),
                    Principal::User { user_id, .. } => {
                        let cache = self.store.credentials();
                        if let Some(list) = cache.memberships(user_id) {
                            return Ok(list);
                        }
                        let generation = cache.generation();
                        let list: Arc<[(Uuid, Role)]> =
                            memberships::roles_of_user(self.store.conn(), user_id).await?.into();
                        cache.store_memberships(generation, user_id, list.clone());
                        Ok::<_, AppError>(list)
                    }
                    Principal::ApiToken { organization_id, role, .. } => Ok(Arc::from(vec![(organization_id, role)])),
                }
            })
            .await?;
        Ok(list)
    }

    /// The scope of a member of `organization_id`, if the caller is one.
    pub async fn scope_in(&self, organization_id: Uuid) -> AppResult<Option<OrgScope>> {
        let Some(user_id) = self.user_id() else { return Ok(None) };
        let token_id = match self.principal {
            Principal::ApiToken { token_id, .. } => Some(token_id),
            _ => None,
        };
        Ok(self
            .memberships()
            .await?
            .iter()
            .find(|(org, _)| *org == organization_id)
            .map(|(org, role)| OrgScope::new(*org, user_id, *role, token_id)))
    }

    /// The session of a logged-in person (not an API token).
    pub fn session_id(&self) -> Option<Uuid> {
        match self.principal {
            Principal::User { session_id, .. } => Some(session_id),
            _ => None,
        }
    }

    /// The second door, used only to accept an invitation: a logged-in person holding a live
    /// invitation's secret acts in its organization with its role, to become a member.
    pub fn joining(&self, organization_id: Uuid, role: Role) -> AppResult<OrgScope> {
        let user_id = self.require_session()?;
        Ok(OrgScope::new(organization_id, user_id, role, None))
    }

    /// The one door to tenant data: `UNAUTHENTICATED` for anonymous callers, `NOT_FOUND` for
    /// non-members (the organization's existence is not revealed), `FORBIDDEN` for a member whose
    /// role is not in `allowed`.
    pub async fn require(&self, organization_id: Uuid, allowed: &[Role]) -> AppResult<OrgScope> {
        self.require_user()?;
        let scope = self.scope_in(organization_id).await?.ok_or(AppError::NotFound(None))?;
        if !scope.has_role(allowed) {
            return Err(AppError::Forbidden(format!(
                "this needs one of the roles {}",
                allowed.iter().map(|r| r.contract_name()).collect::<Vec<_>>().join(", ")
            )));
        }
        Ok(scope)
    }
}
