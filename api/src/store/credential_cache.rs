//! What authenticating a request reads, kept in memory: live sessions, their people, each
//! person's memberships and usable API tokens. Without it every request (and every subscriber, for every event it is
//! sent) reads them from the database. Organizations by slug, which nearly every request names,
//! and the people a page of handoffs names are kept the same way.
//!
//! Staying correct:
//! - On PostgreSQL, triggers send `NOTIFY handoff_credentials` whenever those tables change (see
//!   the migration), and every replica clears its cache when the notice arrives.
//! - The replica that ran a mutation clears its own cache as soon as the mutation has answered,
//!   so a logout or a removal applies to the very next request there without waiting for the
//!   notice; other replicas follow within the notice's delay (milliseconds).
//! - While the listening connection is down the cache is off (every read goes to the database),
//!   and it is cleared when listening resumes, since notices sent meanwhile are lost.
//! - A value read before a clear is never stored after it: each clear starts a new generation,
//!   and a value is stored only if the generation it was read in is still current.
//! - An entry also lapses after `max_age`, a bound on staleness should a notice never arrive.
//!
//! SQLite serves one process and its reads are local: the cache stays off there.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::domain::Role;
use crate::store::api_tokens::UsableToken;
use crate::store::organizations::Organization;
use crate::store::sessions::SessionFacts;
use crate::store::users::User;

/// How long an entry is trusted without a notice, by default.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(30);

/// Most entries of each kind; past it the kind is emptied (simple, and rare: one entry per person
/// or token active within `max_age`).
const CAPACITY: usize = 100_000;

#[derive(Clone)]
pub struct CredentialCache {
    inner: Arc<Inner>,
}

struct Inner {
    enabled: AtomicBool,
    max_age: Duration,
    maps: RwLock<Maps>,
}

/// A person's organizations, each with their role.
type Memberships = Arc<[(Uuid, Role)]>;

#[derive(Default)]
struct Maps {
    generation: u64,
    sessions: HashMap<Uuid, (Instant, SessionFacts)>,
    memberships: HashMap<Uuid, (Instant, Memberships)>,
    tokens: HashMap<Uuid, (Instant, UsableToken)>,
    users: HashMap<Uuid, (Instant, Arc<User>)>,
    organizations: HashMap<String, (Instant, Arc<Organization>)>,
    /// API token digest to token id.
    digests: HashMap<String, Uuid>,
}

/// The generation a read started in; storing its result needs it.
#[derive(Debug, Clone, Copy)]
pub struct Generation(Option<u64>);

impl CredentialCache {
    /// A cache that stays off until [`CredentialCache::resume`].
    pub fn new(max_age: Duration) -> Self {
        Self { inner: Arc::new(Inner { enabled: AtomicBool::new(false), max_age, maps: RwLock::default() }) }
    }

    /// A cache that never holds anything.
    pub fn off() -> Self {
        Self::new(Duration::ZERO)
    }

    /// Listening works (again): start from empty and serve from the cache.
    pub fn resume(&self) {
        if self.inner.max_age.is_zero() {
            return;
        }
        self.clear();
        self.inner.enabled.store(true, Ordering::SeqCst);
    }

    /// Listening stopped: notices may be missed, so nothing is served from memory until it resumes.
    pub fn suspend(&self) {
        self.inner.enabled.store(false, Ordering::SeqCst);
        self.clear();
    }

    pub fn is_enabled(&self) -> bool {
        self.inner.enabled.load(Ordering::SeqCst)
    }

    /// Forgets everything and starts a new generation.
    pub fn clear(&self) {
        let mut maps = self.inner.maps.write().unwrap_or_else(|e| e.into_inner());
        maps.generation += 1;
        maps.sessions.clear();
        maps.memberships.clear();
        maps.tokens.clear();
        maps.digests.clear();
        maps.users.clear();
        maps.organizations.clear();
    }

    /// Call before reading from the database what is then stored.
    pub fn generation(&self) -> Generation {
        if !self.is_enabled() {
            return Generation(None);
        }
        Generation(Some(self.read().generation))
    }

    pub fn session(&self, session_id: Uuid) -> Option<SessionFacts> {
        self.get(|maps| maps.sessions.get(&session_id).cloned())
    }

    pub fn store_session(&self, generation: Generation, session_id: Uuid, facts: SessionFacts) {
        self.put(generation, |maps, now| {
            bounded(&mut maps.sessions);
            maps.sessions.insert(session_id, (now, facts));
        });
    }

    /// A person read with their session (or by `me`).
    pub fn user(&self, user_id: Uuid) -> Option<Arc<User>> {
        self.get(|maps| maps.users.get(&user_id).cloned())
    }

    pub fn store_user(&self, generation: Generation, user: Arc<User>) {
        self.store_users(generation, std::slice::from_ref(&user));
    }

    /// The people of `ids` held here, and the ids of those who are not.
    pub fn users_among(&self, ids: &[Uuid]) -> (Vec<Arc<User>>, Vec<Uuid>) {
        let (mut found, mut missing) = (Vec::with_capacity(ids.len()), Vec::new());
        for id in ids {
            match self.user(*id) {
                Some(user) => found.push(user),
                None => missing.push(*id),
            }
        }
        (found, missing)
    }

    pub fn store_users(&self, generation: Generation, users: &[Arc<User>]) {
        self.put(generation, |maps, now| {
            bounded(&mut maps.users);
            maps.users.extend(users.iter().map(|user| (user.id, (now, user.clone()))));
        });
    }

    pub fn organization(&self, slug: &str) -> Option<Arc<Organization>> {
        self.get(|maps| maps.organizations.get(slug).cloned())
    }

    pub fn store_organization(&self, generation: Generation, organization: Arc<Organization>) {
        self.put(generation, |maps, now| {
            bounded(&mut maps.organizations);
            maps.organizations.insert(organization.slug.clone(), (now, organization));
        });
    }

    pub fn memberships(&self, user_id: Uuid) -> Option<Arc<[(Uuid, Role)]>> {
        self.get(|maps| maps.memberships.get(&user_id).cloned())
    }

    pub fn store_memberships(&self, generation: Generation, user_id: Uuid, list: Arc<[(Uuid, Role)]>) {
        self.put(generation, |maps, now| {
            bounded(&mut maps.memberships);
            maps.memberships.insert(user_id, (now, list));
        });
    }

    pub fn token(&self, token_id: Uuid) -> Option<UsableToken> {
        self.get(|maps| maps.tokens.get(&token_id).cloned())
    }

    pub fn token_by_digest(&self, digest: &str) -> Option<UsableToken> {
        self.get(|maps| maps.digests.get(digest).and_then(|id| maps.tokens.get(id)).cloned())
    }

    pub fn store_token(&self, generation: Generation, digest: Option<&str>, token: UsableToken) {
        self.put(generation, |maps, now| {
            if maps.tokens.len() >= CAPACITY {
                maps.tokens.clear();
                maps.digests.clear();
            }
            if let Some(digest) = digest {
                maps.digests.insert(digest.to_owned(), token.id);
            }
            maps.tokens.insert(token.id, (now, token));
        });
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Maps> {
        self.inner.maps.read().unwrap_or_else(|e| e.into_inner())
    }

    fn get<T: Aged>(&self, find: impl FnOnce(&Maps) -> Option<T>) -> Option<T::Value> {
        if !self.is_enabled() {
            return None;
        }
        let found = find(&self.read())?;
        let (stored, value) = found.split();
        (stored.elapsed() < self.inner.max_age).then_some(value)
    }

    fn put(&self, generation: Generation, store: impl FnOnce(&mut Maps, Instant)) {
        let Generation(Some(read_in)) = generation else { return };
        let mut maps = self.inner.maps.write().unwrap_or_else(|e| e.into_inner());
        // A clear since the read began means the value may predate the change that caused it.
        if maps.generation == read_in && self.is_enabled() {
            store(&mut maps, Instant::now());
        }
    }
}

fn bounded<K, V>(map: &mut HashMap<K, V>) {
    if map.len() >= CAPACITY {
        map.clear();
    }
}

/// An entry with the time it was stored.
trait Aged {
    type Value;
    fn split(self) -> (Instant, Self::Value);
}

impl<T> Aged for (Instant, T) {
    type Value = T;
    fn split(self) -> (Instant, T) {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> SessionFacts {
        SessionFacts { user_id: Uuid::nil(), expires_at: chrono::Utc::now(), valid_after: None }
    }

    #[test]
    fn an_off_cache_holds_nothing() {
        let cache = CredentialCache::off();
        cache.resume();
        cache.store_session(cache.generation(), Uuid::nil(), facts());
        assert!(cache.session(Uuid::nil()).is_none());
    }

    #[test]
    fn a_suspended_cache_serves_nothing_until_it_resumes_empty() {
        let cache = CredentialCache::new(Duration::from_secs(60));
        assert!(cache.session(Uuid::nil()).is_none(), "off until listening works");
        cache.resume();
        cache.store_session(cache.generation(), Uuid::nil(), facts());
        assert!(cache.session(Uuid::nil()).is_some());
        cache.suspend();
        assert!(cache.session(Uuid::nil()).is_none());
        cache.resume();
        assert!(cache.session(Uuid::nil()).is_none(), "resumes empty: notices were missed");
    }

    #[test]
    fn a_value_read_before_a_clear_is_not_stored_after_it() {
        let cache = CredentialCache::new(Duration::from_secs(60));
        cache.resume();
        let before = cache.generation();
        cache.clear();
        cache.store_memberships(before, Uuid::nil(), Arc::from(vec![]));
        assert!(cache.memberships(Uuid::nil()).is_none());
        cache.store_memberships(cache.generation(), Uuid::nil(), Arc::from(vec![]));
        assert!(cache.memberships(Uuid::nil()).is_some());
    }

    #[test]
    fn entries_lapse_after_their_age() {
        let cache = CredentialCache::new(Duration::from_millis(20));
        cache.resume();
        cache.store_session(cache.generation(), Uuid::nil(), facts());
        assert!(cache.session(Uuid::nil()).is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert!(cache.session(Uuid::nil()).is_none());
    }

    #[test]
    fn tokens_are_found_by_id_and_by_digest_and_cleared_together() {
        let cache = CredentialCache::new(Duration::from_secs(60));
        cache.resume();
        let token =
            UsableToken { id: Uuid::nil(), organization_id: Uuid::nil(), user_id: Uuid::nil(), role: Role::Seller };
        cache.store_token(cache.generation(), Some("digest"), token);
        assert!(cache.token_by_digest("digest").is_some());
        assert!(cache.token(Uuid::nil()).is_some());
        cache.clear();
        assert!(cache.token_by_digest("digest").is_none());
        assert!(cache.token(Uuid::nil()).is_none());
    }
}
