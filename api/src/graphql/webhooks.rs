//! Webhook endpoints for tools that cannot hold a socket. ADMIN only.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::context::{now, store, viewer};
use super::handoff_events::HandoffEventType;
use super::ids::{Kind, encode};
use super::paging::{connection, page};
use super::scoping::{in_organization, owner_of};
use crate::domain::access::ADMINS;
use crate::domain::audit::Action;
use crate::domain::events::HandoffEventKind;
use crate::error::{AppError, AppResult};
use crate::store::audit;
use crate::store::webhooks::{self, Delivery, Endpoint};
use crate::webhooks::SecretBox;
use crate::webhooks::destination::{self, DestinationPolicy};

/// Where the organization wants handoff events POSTed.
pub struct WebhookEndpoint(pub Endpoint);

/// Where the organization wants handoff events POSTed, signed with its secret.
#[Object]
impl WebhookEndpoint {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::WebhookEndpoint, self.0.id)
    }
    /// The URL events are POSTed to.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// The event types it receives.
    async fn event_types(&self) -> AppResult<Vec<HandoffEventType>> {
        Ok(webhooks::event_types(&self.0)?.into_iter().map(Into::into).collect())
    }
    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was disabled; a disabled endpoint receives nothing more.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at
    }
    /// Its deliveries, newest first.
    #[graphql(complexity = "super::paging::cost(first.or(last), child_complexity)")]
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Rows to page forward, 0 to 100 (default 50); not with `last`/`before`.")] first: Option<i32>,
        #[graphql(desc = "The rows just after this cursor; not with `last`/`before`.")] after: Option<String>,
        #[graphql(desc = "Rows to page backward, 0 to 100 (default 50); not with `first`/`after`.")] last: Option<i32>,
        #[graphql(desc = "The rows just before this cursor; not with `first`/`after`.")] before: Option<String>,
    ) -> AppResult<Connection<String, WebhookDelivery>> {
        let page = page(first, after, last, before)?;
        let scope = viewer(ctx).require(self.0.organization_id, ADMINS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let (rows, has_next) = webhooks::list_deliveries(&tx, self.0.id, page).await?;
        tx.commit().await?;
        Ok(connection(rows, has_next, page, |d| d.id, WebhookDelivery))
    }
}

/// One event sent (or to be sent) to one endpoint.
pub struct WebhookDelivery(pub Delivery);

/// One event sent (or to be sent) to one endpoint, with its attempts so far.
#[Object]
impl WebhookDelivery {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::WebhookDelivery, self.0.id)
    }
    /// The event's id, sent as `Handoff-Event-Id` (the same on every retry and redelivery).
    async fn event_id(&self) -> String {
        self.0.event_id.to_string()
    }
    /// The event type.
    async fn event_type(&self) -> Option<HandoffEventType> {
        HandoffEventKind::from_code(&self.0.event_type).map(Into::into)
    }
    /// PENDING, DELIVERED, FAILED (after the last retry) or CANCELLED (its endpoint was disabled).
    async fn status(&self) -> String {
        sea_orm::ActiveEnum::to_value(&self.0.status)
    }
    /// Attempts made so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// When the next attempt is due (PENDING only).
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.status == webhooks::DeliveryStatus::Pending).then_some(self.0.next_attempt_at)
    }
    /// The HTTP status of the last attempt, if the receiver answered.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }
    /// Why the last attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// When the receiver accepted it.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
    /// When the event happened.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The JSON body, exactly as signed and sent.
    async fn payload(&self) -> &str {
        &self.0.payload
    }
}

/// A new webhook endpoint.
#[derive(InputObject)]
pub struct CreateWebhookEndpointInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// An http(s) URL (https in production), at most 2000 characters, on a public address: names
    /// are resolved, and loopback, private, link-local and similar addresses are refused.
    pub url: String,
    /// The event types to send (at least one).
    pub event_types: Vec<HandoffEventType>,
}

/// The result of `createWebhookEndpoint`.
#[derive(SimpleObject)]
pub struct CreateWebhookEndpointPayload {
    /// The endpoint.
    pub webhook_endpoint: WebhookEndpoint,
    /// The signing secret (`whsec_…`, 32 random bytes the server generated), shown only here; it is
    /// stored sealed with AES-256-GCM.
    pub secret: String,
}

/// Disables an endpoint.
#[derive(InputObject)]
pub struct DisableWebhookEndpointInput {
    /// The endpoint's ID.
    pub id: ID,
}

/// The result of `disableWebhookEndpoint`.
#[derive(SimpleObject)]
pub struct DisableWebhookEndpointPayload {
    /// The disabled endpoint.
    pub webhook_endpoint: WebhookEndpoint,
}

/// Sends a delivery again.
#[derive(InputObject)]
pub struct RedeliverWebhookInput {
    /// The delivery's ID.
    pub id: ID,
}

/// The result of `redeliverWebhook`.
#[derive(SimpleObject)]
pub struct RedeliverWebhookPayload {
    /// The delivery, PENDING again from its first attempt.
    pub webhook_delivery: WebhookDelivery,
}

/// Live endpoints one organization may have: each can hold a delivery slot, so their number is
/// bounded like every other per-tenant resource.
const MAX_ENDPOINTS: u64 = 20;

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// ADMIN only. Every later event of the chosen types is POSTed to the URL, signed. At most 20
    /// live endpoints per organization (`CONFLICT` past that).
    async fn create_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization, the URL and the event types to send.")] input: CreateWebhookEndpointInput,
    ) -> AppResult<CreateWebhookEndpointPayload> {
        let scope = in_organization(ctx, &input.organization_id, ADMINS).await?;
        if input.url.len() > 2000 {
            return Err(AppError::bad_input("url", "must be at most 2000 characters"));
        }
        // Checked now and again before every delivery: see webhooks::destination.
        let policy = ctx.data_unchecked::<DestinationPolicy>();
        let parsed = destination::parse(&input.url, policy).map_err(|e| AppError::bad_input("url", e))?;
        destination::resolve(&parsed, policy).await.map_err(|e| AppError::bad_input("url", e))?;
        let url = parsed.to_string();
        if input.event_types.is_empty() {
            return Err(AppError::bad_input("eventTypes", "name at least one event type"));
        }
        // Generated here, always: 32 random bytes nobody chose.
        let secret = crate::auth::opaque_token::generate(crate::auth::opaque_token::Kind::WebhookSecret).plain;
        let id = uuid::Uuid::now_v7();
        let (secret_key_id, sealed_secret) = ctx.data_unchecked::<SecretBox>().seal(id, &secret);
        let new = webhooks::NewEndpoint { id, url, secret_key_id, sealed_secret };
        let mut kinds: Vec<HandoffEventKind> = input.event_types.into_iter().map(Into::into).collect();
        kinds.dedup();
        let tx = store(ctx).tenant(&scope).await?;
        if webhooks::count_live_endpoints(&tx).await? >= MAX_ENDPOINTS {
            let message =
                format!("an organization has at most {MAX_ENDPOINTS} live webhook endpoints; disable one first");
            return Err(AppError::conflict(Some("organizationId"), message));
        }
        let row = webhooks::create_endpoint(&tx, new, &kinds, now(ctx)).await?;
        audit::record(&tx, Action::WebhookCreated, Some(row.id), row.url.clone(), Utc::now()).await?;
        tx.commit().await?;
        Ok(CreateWebhookEndpointPayload { webhook_endpoint: WebhookEndpoint(row), secret })
    }

    /// ADMIN only.
    async fn disable_webhook_endpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The endpoint to disable.")] input: DisableWebhookEndpointInput,
    ) -> AppResult<DisableWebhookEndpointPayload> {
        let (scope, id) = owner_of(ctx, &input.id, Kind::WebhookEndpoint, "id", ADMINS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let row = webhooks::find_endpoint(&tx, id).await?.ok_or(AppError::NotFound(Some("id")))?;
        let was_live = row.disabled_at.is_none();
        let row = webhooks::disable_endpoint(&tx, row, now(ctx)).await?;
        if was_live {
            audit::record(&tx, Action::WebhookDisabled, Some(row.id), row.url.clone(), Utc::now()).await?;
        }
        tx.commit().await?;
        Ok(DisableWebhookEndpointPayload { webhook_endpoint: WebhookEndpoint(row) })
    }

    /// ADMIN only. Queues the delivery again from its first attempt, with the same event id.
    async fn redeliver_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The delivery to send again.")] input: RedeliverWebhookInput,
    ) -> AppResult<RedeliverWebhookPayload> {
        let (scope, id) = owner_of(ctx, &input.id, Kind::WebhookDelivery, "id", ADMINS).await?;
        let tx = store(ctx).tenant(&scope).await?;
        let row = webhooks::find_delivery(&tx, id).await?.ok_or(AppError::NotFound(Some("id")))?;
        let row = webhooks::redeliver(&tx, row, now(ctx)).await?;
        tx.commit().await?;
        Ok(RedeliverWebhookPayload { webhook_delivery: WebhookDelivery(row) })
    }
}

/// `Organization.webhookEndpoints`.
pub async fn endpoints(ctx: &Context<'_>, organization_id: uuid::Uuid) -> AppResult<Vec<WebhookEndpoint>> {
    let scope = viewer(ctx).require(organization_id, ADMINS).await?;
    let tx = store(ctx).tenant(&scope).await?;
    let rows = webhooks::list_endpoints(&tx).await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(WebhookEndpoint).collect())
}
