//! What resolvers find in the request context: the caller, the store, the token keys.

use async_graphql::Context;

use chrono::{DateTime, Utc};

use crate::auth::Viewer;
use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::store::Store;

pub fn viewer<'a>(ctx: &Context<'a>) -> &'a Viewer {
    // Every entry point (HTTP and WebSocket) puts a Viewer into the request before executing.
    ctx.data_unchecked::<Viewer>()
}

pub fn store<'a>(ctx: &Context<'a>) -> &'a Store {
    ctx.data_unchecked::<Store>()
}

pub fn jwt_keys<'a>(ctx: &Context<'a>) -> &'a JwtKeys {
    ctx.data_unchecked::<JwtKeys>()
}

/// The time a request acts at (the system clock, or the test's).
pub fn now(ctx: &Context<'_>) -> DateTime<Utc> {
    ctx.data_unchecked::<Clock>().now()
}

/// Records `event` (and its webhook deliveries) in the change's transaction `tx`, as its last
/// statement; `response` is the answer a RESPONDED event reports, for the webhook body.
pub async fn record_event(
    tx: &crate::store::TenantTx,
    event: &crate::events::HandoffEvent,
    response: Option<&crate::store::responses::ResponseRow>,
) -> Result<(), crate::store::StoreError> {
    let id = uuid::Uuid::now_v7();
    let payload = crate::webhooks::payload(id, event, response);
    crate::store::events::record(tx, id, event, &payload).await?;
    Ok(())
}

/// Says "new events" once the transaction that recorded them committed.
pub async fn wake_subscribers(ctx: &Context<'_>) {
    ctx.data_unchecked::<crate::events::EventBus>().wake().await;
}
