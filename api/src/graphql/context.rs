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

/// Announces a committed change to subscribers.
pub async fn publish(ctx: &Context<'_>, event: crate::events::HandoffEvent) {
    ctx.data_unchecked::<crate::events::EventBus>().publish(event).await;
}
