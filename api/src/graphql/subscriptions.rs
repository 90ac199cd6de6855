//! Handoff events over WebSocket. Every event is checked against the subscriber's current rights
//! before delivery: the credential again, the membership again, and whether the subscriber may see
//! that handoff (a seller: only handoffs addressed to them).

use std::collections::VecDeque;

use async_graphql::{Context, ID, Subscription};
use futures_util::Stream;
use futures_util::stream::{self, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use super::context::{store, viewer};
use super::event_snapshots::EventSnapshots;
use super::handoff_events::{HandoffEventGql, HandoffEventType, as_seen, kinds, resume_after};
use super::handoffs::Handoff;
use super::ids::{Kind, decode};
use super::inline::Inline;
use crate::auth::Viewer;
use crate::domain::Role;
use crate::error::{AppError, AppResult, CredentialReason};
use crate::events::{EventBus, HandoffEventKind, StoredEvent};
use crate::store::{Store, events};

#[derive(Default)]
pub struct SubscriptionRoot;

/// Handoff events over WebSocket (`graphql-transport-ws` on `/graphql`); authenticate in
/// `connection_init` with `{"authorization": "Bearer <token>"}`.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Handoffs landing in the organization: a seller receives those addressed to them; partner
    /// marketers, sales leaders and admins receive all.
    async fn handoff_landed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization to watch; the caller must be a member.")] organization_id: ID,
    ) -> Result<impl Stream<Item = AppResult<Inline<Handoff>>> + use<>, AppError> {
        let events = Box::pin(subscribe(ctx, &organization_id, vec![HandoffEventKind::Landed], None)).await?;
        Ok(events.map(|e| e.map(|e| Inline(e.handoff))))
    }

    /// Every handoff event of the types asked for (all four by default), under the same rules.
    /// With `after` (an event's `cursor`), the stored events after it come first, then live ones,
    /// with none missed or repeated in between; a cursor older than the event retention (7 days
    /// unless configured) is `BAD_USER_INPUT`: read the current state and subscribe without it.
    async fn handoff_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization to watch; the caller must be a member.")] organization_id: ID,
        #[graphql(desc = "Event types to receive; all four if omitted or empty.")] types: Option<Vec<HandoffEventType>>,
        #[graphql(desc = "Replay the stored events after this event `cursor`, then live ones.")] after: Option<String>,
    ) -> Result<impl Stream<Item = AppResult<Inline<HandoffEventGql>>> + use<>, AppError> {
        // Boxed reads: the stream these futures live in stays for the whole subscription.
        let after = match after.as_deref() {
            Some(raw) => Some(Box::pin(resume_after(ctx, raw, "after")).await?),
            None => None,
        };
        let events = Box::pin(subscribe(ctx, &organization_id, kinds(types), after)).await?;
        // Each event is resolved for every subscriber: its fields in turn, not as boxed futures.
        Ok(events.map(|e| e.map(Inline)))
    }
}

/// Subscriptions one WebSocket connection may hold open at once.
pub const MAX_SUBSCRIPTIONS_PER_CONNECTION: usize = 20;

/// Open subscriptions on one connection (kept in the connection's data).
#[derive(Default, Clone)]
pub struct SubscriptionCount(std::sync::Arc<std::sync::atomic::AtomicUsize>);

/// Frees its place in the count when the subscription's stream is dropped.
struct CountedSlot(SubscriptionCount, #[allow(dead_code)] crate::metrics::Open);

impl Drop for CountedSlot {
    fn drop(&mut self) {
        self.0.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl SubscriptionCount {
    fn take(&self) -> Option<CountedSlot> {
        use std::sync::atomic::Ordering;
        let taken = self.0.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < MAX_SUBSCRIPTIONS_PER_CONNECTION).then_some(n + 1)
        });
        taken.ok().map(|_| CountedSlot(self.clone(), crate::metrics::Open::new(crate::metrics::OPEN_SUBSCRIPTIONS)))
    }
}

struct Subscriber {
    _slot: Option<CountedSlot>,
    viewer: Viewer,
    store: Store,
    snapshots: std::sync::Arc<EventSnapshots>,
    organization_id: uuid::Uuid,
    kinds: Vec<HandoffEventKind>,
    receiver: tokio::sync::broadcast::Receiver<StoredEvent>,
    /// While resuming: the stored events read but not yet delivered, and where to read next.
    backlog: VecDeque<StoredEvent>,
    replay_after: Option<i64>,
    /// The last event considered; live events up to it were already replayed.
    seen: i64,
    done: bool,
}

/// Stored events read per step while resuming.
const REPLAY_PAGE: u64 = 100;

async fn subscribe(
    ctx: &Context<'_>,
    organization_id: &ID,
    kinds: Vec<HandoffEventKind>,
    after: Option<i64>,
) -> AppResult<impl Stream<Item = AppResult<HandoffEventGql>> + use<>> {
    let organization_id = decode(organization_id, Kind::Organization, "organizationId")?;
    let caller = viewer(ctx);
    caller.require(organization_id, &Role::ALL).await?;
    let slot = match ctx.data_opt::<SubscriptionCount>() {
        Some(count) => Some(count.take().ok_or(AppError::RateLimited(None))?),
        None => None,
    };
    // Live events are received from before the stored ones are read, so none falls in between.
    let subscriber = Subscriber {
        _slot: slot,
        viewer: caller.renewed(),
        store: store(ctx).clone(),
        snapshots: ctx.data_unchecked::<std::sync::Arc<EventSnapshots>>().clone(),
        organization_id,
        kinds,
        receiver: ctx.data_unchecked::<EventBus>().subscribe(),
        backlog: VecDeque::new(),
        replay_after: after,
        seen: after.unwrap_or(0),
        done: false,
    };
    Ok(stream::unfold(subscriber, |mut s| async move {
        loop {
            if s.done {
                return None;
            }
            let (stored, live) = match s.backlog.pop_front() {
                Some(stored) => (stored, false),
                None => match s.replay_after {
                    Some(after) => {
                        // Boxed, like `deliverable` below: an idle subscription's state then
                        // holds a pointer rather than room for the largest read it may await.
                        match Box::pin(replay(&s, after)).await {
                            Ok((page, more)) => {
                                s.replay_after = if more { page.last().map(|e| e.seq) } else { None };
                                s.backlog.extend(page);
                            }
                            Err(error) => {
                                s.done = true;
                                return Some((Err(error), s));
                            }
                        }
                        continue;
                    }
                    None => match next_live(&mut s).await {
                        Ok(Some(stored)) => (stored, true),
                        Ok(None) => return None,
                        Err(error) => {
                            s.done = true;
                            return Some((Err(error), s));
                        }
                    },
                },
            };
            // Replayed events may come again live at the seam: each is delivered once.
            if stored.seq <= s.seen {
                continue;
            }
            s.seen = stored.seq;
            if stored.event.organization_id != s.organization_id || !s.kinds.contains(&stored.event.kind) {
                continue;
            }
            match Box::pin(deliverable(&s, stored, live)).await {
                Ok(Some(delivered)) => {
                    metrics::counter!("handoff_events_delivered_total").increment(1);
                    return Some((Ok(delivered), s));
                }
                Ok(None) => continue,
                Err(error) => {
                    // The subscriber lost access: tell it once and stop.
                    s.done = true;
                    return Some((Err(error), s));
                }
            }
        }
    }))
}

/// The next live event; `None` when the bus closed. A subscription ends when its access token
/// expires, event or not: the socket and its slot are not held on credentials that no longer hold.
async fn next_live(s: &mut Subscriber) -> AppResult<Option<StoredEvent>> {
    let received = match s.viewer.time_left() {
        None => s.receiver.recv().await,
        Some(left) => {
            tokio::select! {
                received = s.receiver.recv() => received,
                () = tokio::time::sleep(left) => {
                    // With the reason EXPIRED, as over HTTP: the client refreshes and subscribes again.
                    return Err(AppError::CredentialRefused(
                        CredentialReason::Expired,
                        "the access token expired; refresh it and subscribe again",
                    ));
                }
            }
        }
    };
    match received {
        Ok(stored) => Ok(Some(stored)),
        Err(RecvError::Closed) => Ok(None),
        // A subscriber that fell behind is told so and ends, rather than the server buffering
        // without bound; it resumes from the last cursor it received.
        Err(RecvError::Lagged(missed)) => Err(AppError::conflict(
            None,
            format!(
                "this subscription fell {missed} events behind; subscribe again with `after` set to the last cursor received"
            ),
        )),
    }
}

/// The next stored events after `after` the subscriber may see, with its current rights.
async fn replay(s: &Subscriber, after: i64) -> AppResult<(Vec<StoredEvent>, bool)> {
    let viewer = s.viewer.refreshed().await?;
    let scope = viewer.scope_in(s.organization_id).await?.ok_or(AppError::NotFound(None))?;
    let tx = s.store.tenant(&scope).await?;
    let page = events::page(&tx, after, &s.kinds, REPLAY_PAGE).await?;
    tx.commit().await?;
    Ok(page)
}

/// `stored` as the subscriber may see it now; `None` when it may not (another seller's handoff);
/// an error when the subscriber lost access to the organization. The credential and membership
/// are checked for each subscriber (from the credential cache where it runs). A live event is read
/// once for all its subscribers; a replayed one, which only this subscriber asked for, is read in
/// its own transaction, as `Organization.events` reads it.
async fn deliverable(s: &Subscriber, stored: StoredEvent, live: bool) -> AppResult<Option<HandoffEventGql>> {
    let viewer = s.viewer.refreshed().await?;
    let scope = viewer.scope_in(s.organization_id).await?.ok_or(AppError::NotFound(None))?;
    if live {
        return s.snapshots.deliverable(&s.store, &scope, stored).await;
    }
    let tx = s.store.tenant(&scope).await?;
    let seen = as_seen(&tx, vec![stored]).await?;
    tx.commit().await?;
    Ok(seen.into_iter().next())
}
