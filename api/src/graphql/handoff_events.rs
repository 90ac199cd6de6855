//! The `HandoffEvent` type, its cursor, and `Organization.events` for clients that poll. The same
//! stored events feed subscriptions (`subscriptions.rs`).

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, Object};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::context::{now, store, viewer};
use super::handoffs::Handoff;
use super::handoffs::types::HandoffResponse;
use super::inline::Inline;
use crate::domain::events::{HandoffEventKind, StoredEvent};
use crate::domain::{PageSize, Role};
use crate::error::{AppError, AppResult, field};
use crate::store::tenant_table;
use crate::store::{TenantTx, events, handoff_views, responses};

/// What happened to a handoff.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "crate::domain::events::HandoffEventKind")]
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

/// The kinds `types` asks for: all four when omitted or empty.
pub fn kinds(types: Option<Vec<HandoffEventType>>) -> Vec<HandoffEventKind> {
    match types {
        Some(types) if !types.is_empty() => types.into_iter().map(Into::into).collect(),
        _ => HandoffEventKind::ALL.to_vec(),
    }
}

/// A handoff event with the handoff as the reader may see it now.
pub struct HandoffEventGql {
    pub stored: StoredEvent,
    pub handoff: Handoff,
    pub response: Option<HandoffResponse>,
}

/// A handoff event with the handoff as the reader may see it now.
#[Object(name = "HandoffEvent")]
impl HandoffEventGql {
    /// What happened.
    async fn r#type(&self) -> HandoffEventType {
        self.stored.event.kind.into()
    }
    /// When it happened.
    async fn at(&self) -> DateTime<Utc> {
        self.stored.event.at
    }
    /// Where the event stands in the organization's order of events: opaque, later for every later
    /// event. Resume a subscription with `handoffEvents(after:)`, or poll `Organization.events(after:)`.
    async fn cursor(&self) -> String {
        encode_cursor(&self.stored)
    }
    /// The event's id, also the `Handoff-Event-Id` of its webhook deliveries.
    async fn id(&self) -> async_graphql::ID {
        async_graphql::ID(self.stored.id.to_string())
    }
    /// The handoff after the event.
    async fn handoff(&self) -> Inline<Handoff> {
        Inline(self.handoff.clone())
    }
    /// The seller's answer a RESPONDED event reports (decision, reason, failed components); null
    /// for other events.
    async fn response(&self) -> Option<&HandoffResponse> {
        self.response.as_ref()
    }
}

/// A cursor carries the event's `seq` and when it happened (to tell a cursor past retention).
fn encode_cursor(stored: &StoredEvent) -> String {
    URL_SAFE_NO_PAD.encode(format!("e:{}:{}", stored.seq, stored.event.at.timestamp_micros()))
}

/// The `seq` after which to read, from a cursor a client sent as `field`. A cursor older than the
/// retention window is refused (events after it may be gone, so the client must resync), and so is
/// one ahead of every stored event (from another database, or made up), which would otherwise
/// wait for ever without a word.
pub async fn resume_after(ctx: &Context<'_>, raw: &str, field: &'static str) -> AppResult<i64> {
    let seq = decode_cursor(ctx, raw, field)?;
    if seq > events::last_seq(store(ctx).conn()).await? {
        return Err(AppError::bad_input(field, "is ahead of every stored event: it is not a cursor from this server"));
    }
    Ok(seq)
}

fn decode_cursor(ctx: &Context<'_>, raw: &str, field: &'static str) -> AppResult<i64> {
    let invalid = || AppError::bad_input(field, "is not an event cursor");
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?).map_err(|_| invalid())?;
    let mut parts = text.split(':');
    let (Some("e"), Some(seq), Some(micros), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(invalid());
    };
    let seq: i64 = seq.parse().map_err(|_| invalid())?;
    let at = micros.parse().ok().and_then(DateTime::from_timestamp_micros).ok_or_else(invalid)?;
    let retention: Duration = ctx.data_unchecked::<crate::config::Lifetimes>().events;
    if now(ctx) - at > retention {
        return Err(AppError::bad_input(
            field,
            format!(
                "the cursor is older than the {}-day event retention; read the current state, then subscribe or poll without `{field}`",
                retention.num_days()
            ),
        ));
    }
    Ok(seq)
}

/// The stored events as the reader may see them now: handoffs read in one go, the ones the reader
/// may no longer see left out.
pub async fn as_seen(tx: &TenantTx, stored: Vec<StoredEvent>) -> AppResult<Vec<HandoffEventGql>> {
    let mut ids: Vec<Uuid> = stored.iter().map(|s| s.event.handoff_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let views = handoff_views::load(tx, tenant_table::find_many::<entity::handoff::Entity>(tx, &ids).await?).await?;
    let mut out = Vec::with_capacity(stored.len());
    for event in stored {
        let Some(view) = views.iter().find(|v| v.row.id == event.event.handoff_id) else { continue };
        let response = match event.event.response_id {
            Some(id) => responses::find_in(tx, id).await?.map(HandoffResponse),
            None => None,
        };
        out.push(HandoffEventGql { stored: event, handoff: Handoff::new(view.clone()), response });
    }
    Ok(out)
}

/// `Organization.events`: the organization's events after `after`, oldest first, of `types`, on
/// the handoffs the caller may see.
pub async fn list(
    ctx: &Context<'_>,
    organization_id: Uuid,
    first: Option<i32>,
    after: Option<String>,
    types: Option<Vec<HandoffEventType>>,
) -> AppResult<Connection<String, HandoffEventGql>> {
    let limit = PageSize::parse(first).map_err(field("first"))?.get();
    let scope = viewer(ctx).require(organization_id, &Role::ALL).await?;
    let seq = match after.as_deref() {
        Some(raw) => Some(resume_after(ctx, raw, "after").await?),
        None => None,
    };
    let tx = store(ctx).tenant(&scope).await?;
    let (stored, more) = events::page(&tx, seq.unwrap_or(0), &kinds(types), limit).await?;
    let seen = as_seen(&tx, stored).await?;
    tx.commit().await?;
    let mut connection = Connection::new(seq.is_some(), more);
    connection.edges.extend(seen.into_iter().map(|e| Edge::new(encode_cursor(&e.stored), e)));
    Ok(connection)
}
