//! Handoff events over WebSocket. Every event is checked against the subscriber's current rights
//! before delivery: the credential again, the membership again, and whether the subscriber may see
//! that handoff (a seller: only handoffs addressed to them).

use async_graphql::{Context, Enum, ID, Object, Subscription};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use futures_util::stream::{self, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use super::context::{store, viewer};
use super::handoffs::Handoff;
use super::handoffs::types::HandoffResponse;
use super::ids::{Kind, decode};
use crate::auth::Viewer;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::events::{EventBus, HandoffEvent, HandoffEventKind};
use crate::store::{Store, handoff_views, handoffs, responses};

/// What happened to a handoff.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "crate::events::HandoffEventKind")]
pub enum HandoffEventType {
    /// It was sent and landed with the seller.
    Landed,
    /// The seller accepted, declined or asked for clarification.
    Responded,
    /// Someone graded it.
    Graded,
    /// It passed `respondBy` without a decision.
    Overdue,
}

/// A handoff event with the handoff as the subscriber may see it now.
pub struct HandoffEventGql {
    kind: HandoffEventKind,
    at: DateTime<Utc>,
    handoff: Handoff,
    response: Option<HandoffResponse>,
}

/// A handoff event with the handoff as the subscriber may see it now.
#[Object(name = "HandoffEvent")]
impl HandoffEventGql {
    /// What happened.
    async fn r#type(&self) -> HandoffEventType {
        self.kind.into()
    }
    /// When it happened.
    async fn at(&self) -> DateTime<Utc> {
        self.at
    }
    /// The handoff after the event.
    async fn handoff(&self) -> &Handoff {
        &self.handoff
    }
    /// The seller's answer a RESPONDED event reports (decision, reason, failed components); null
    /// for other events.
    async fn response(&self) -> Option<&HandoffResponse> {
        self.response.as_ref()
    }
}

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
        organization_id: ID,
    ) -> Result<impl Stream<Item = AppResult<Handoff>> + use<>, AppError> {
        let events = subscribe(ctx, &organization_id, vec![HandoffEventKind::Landed]).await?;
        Ok(events.map(|e| e.map(|e| e.handoff)))
    }

    /// Every handoff event of the types asked for (all four by default), under the same rules.
    async fn handoff_events(
        &self,
        ctx: &Context<'_>,
        organization_id: ID,
        types: Option<Vec<HandoffEventType>>,
    ) -> Result<impl Stream<Item = AppResult<HandoffEventGql>> + use<>, AppError> {
        let kinds = match types {
            Some(types) if !types.is_empty() => types.into_iter().map(Into::into).collect(),
            _ => vec![
                HandoffEventKind::Landed,
                HandoffEventKind::Responded,
                HandoffEventKind::Graded,
                HandoffEventKind::Overdue,
            ],
        };
        subscribe(ctx, &organization_id, kinds).await
    }
}

/// Subscriptions one WebSocket connection may hold open at once.
pub const MAX_SUBSCRIPTIONS_PER_CONNECTION: usize = 20;

/// Open subscriptions on one connection (kept in the connection's data).
#[derive(Default, Clone)]
pub struct SubscriptionCount(std::sync::Arc<std::sync::atomic::AtomicUsize>);

/// Frees its place in the count when the subscription's stream is dropped.
struct CountedSlot(SubscriptionCount);

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
        taken.ok().map(|_| CountedSlot(self.clone()))
    }
}

struct Subscriber {
    _slot: Option<CountedSlot>,
    viewer: Viewer,
    store: Store,
    organization_id: uuid::Uuid,
    kinds: Vec<HandoffEventKind>,
    receiver: tokio::sync::broadcast::Receiver<HandoffEvent>,
    done: bool,
}

async fn subscribe(
    ctx: &Context<'_>,
    organization_id: &ID,
    kinds: Vec<HandoffEventKind>,
) -> AppResult<impl Stream<Item = AppResult<HandoffEventGql>> + use<>> {
    let organization_id = decode(organization_id, Kind::Organization, "organizationId")?;
    let caller = viewer(ctx);
    caller.require(organization_id, &Role::ALL).await?;
    let slot = match ctx.data_opt::<SubscriptionCount>() {
        Some(count) => Some(count.take().ok_or(AppError::RateLimited(None))?),
        None => None,
    };
    let subscriber = Subscriber {
        _slot: slot,
        viewer: caller.renewed(),
        store: store(ctx).clone(),
        organization_id,
        kinds,
        receiver: ctx.data_unchecked::<EventBus>().subscribe(),
        done: false,
    };
    Ok(stream::unfold(subscriber, |mut s| async move {
        loop {
            if s.done {
                return None;
            }
            // A subscription ends when its access token expires, event or not: the socket and its
            // slot are not held on credentials that no longer hold.
            let received = match s.viewer.time_left() {
                None => s.receiver.recv().await,
                Some(left) => {
                    tokio::select! {
                        received = s.receiver.recv() => received,
                        () = tokio::time::sleep(left) => {
                            s.done = true;
                            let expired = AppError::Unauthenticated("the access token expired; log in again and resubscribe");
                            return Some((Err(expired), s));
                        }
                    }
                }
            };
            let event = match received {
                Ok(event) => event,
                Err(RecvError::Closed) => return None,
                Err(RecvError::Lagged(missed)) => {
                    // A subscriber that fell behind is told so and ends; it resubscribes and reads
                    // the current state, rather than the server buffering without bound.
                    s.done = true;
                    let message = format!("this subscription fell {missed} events behind; subscribe again");
                    return Some((Err(AppError::conflict(None, message)), s));
                }
            };
            if event.organization_id != s.organization_id || !s.kinds.contains(&event.kind) {
                continue;
            }
            match deliverable(&s, &event).await {
                Ok(Some((handoff, response))) => {
                    return Some((Ok(HandoffEventGql { kind: event.kind, at: event.at, handoff, response }), s));
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

/// The handoff of `event` as the subscriber may see it now; `None` when it may not (another
/// seller's handoff); an error when the subscriber lost access to the organization.
async fn deliverable(s: &Subscriber, event: &HandoffEvent) -> AppResult<Option<(Handoff, Option<HandoffResponse>)>> {
    let viewer = s.viewer.refreshed().await?;
    let scope = viewer.scope_in(s.organization_id).await?.ok_or(AppError::NotFound(None))?;
    let tx = s.store.tenant(&scope).await?;
    let Some(row) = handoffs::find(&tx, event.handoff_id).await? else {
        tx.commit().await?;
        return Ok(None);
    };
    let view = handoff_views::load(&tx, vec![row]).await?.remove(0);
    let response = match event.response_id {
        Some(id) => responses::find_in(&tx, id).await?.map(HandoffResponse),
        None => None,
    };
    tx.commit().await?;
    Ok(Some((Handoff::new(view), response)))
}
