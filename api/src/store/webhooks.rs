//! Webhook endpoints and the delivery outbox. Deliveries are rows, so they survive restarts and
//! any server process can attempt them.

use chrono::{DateTime, Utc};
use entity::{webhook_delivery as delivery, webhook_endpoint as endpoint};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set,
};
use uuid::Uuid;

use super::page::{Order, split_page};
use super::tenant_table::TenantTable;
use super::{Page, StoreError, TenantTx};
use crate::domain::events::{HandoffEvent, HandoffEventKind};

pub use delivery::Model as Delivery;
pub use endpoint::Model as Endpoint;

pub use entity::codes::DeliveryStatus;
use entity::codes::DeliveryStatus::{Cancelled, Delivered, Failed, Pending};
/// Deliveries one endpoint may have waiting; later events are recorded FAILED (redeliverable).
pub const MAX_PENDING_PER_ENDPOINT: u64 = 1_000;

/// The event kinds the endpoint receives. A kind this version does not know (a newer replica's,
/// during a rolling deploy) is passed over and logged; anything but a list of codes is an error
/// naming the endpoint.
pub fn event_types(row: &Endpoint) -> Result<Vec<HandoffEventKind>, StoreError> {
    let codes: Vec<String> = serde_json::from_value(row.event_types.clone())
        .map_err(|e| StoreError::corrupt("webhook_endpoints", row.id, "event_types", e))?;
    Ok(codes
        .iter()
        .filter_map(|code| {
            let kind = HandoffEventKind::from_code(code);
            if kind.is_none() {
                tracing::warn!(endpoint = %row.id, kind = %code, "passed over an event kind this version does not know");
            }
            kind
        })
        .collect())
}

/// A new endpoint: its id (the sealed secret is bound to it) and the secret sealed for it.
pub struct NewEndpoint {
    pub id: Uuid,
    pub url: String,
    pub secret_key_id: String,
    pub sealed_secret: String,
}

pub async fn create_endpoint(
    tx: &TenantTx,
    new: NewEndpoint,
    kinds: &[HandoffEventKind],
    now: DateTime<Utc>,
) -> Result<Endpoint, StoreError> {
    let codes: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
    Ok(endpoint::ActiveModel {
        id: Set(new.id),
        organization_id: Set(tx.organization_id()),
        url: Set(new.url),
        event_types: Set(serde_json::json!(codes)),
        secret: Set(new.sealed_secret),
        secret_key_id: Set(Some(new.secret_key_id)),
        created_by: Set(tx.user_id()),
        created_at: Set(now),
        disabled_at: Set(None),
    }
    .insert(tx.conn())
    .await?)
}

pub async fn find_endpoint(tx: &TenantTx, id: Uuid) -> Result<Option<Endpoint>, StoreError> {
    Ok(endpoint::Entity::visible(tx).filter(endpoint::Column::Id.eq(id)).one(tx.conn()).await?)
}

pub async fn list_endpoints(tx: &TenantTx) -> Result<Vec<Endpoint>, StoreError> {
    Ok(endpoint::Entity::visible(tx).order_by_asc(endpoint::Column::Id).limit(100).all(tx.conn()).await?)
}

/// Disables an endpoint and cancels its pending deliveries in the same transaction, so nothing
/// waits in the queue for an endpoint that will never be attempted.
pub async fn disable_endpoint(tx: &TenantTx, row: Endpoint, now: DateTime<Utc>) -> Result<Endpoint, StoreError> {
    if row.disabled_at.is_some() {
        return Ok(row);
    }
    let id = row.id;
    let mut active: endpoint::ActiveModel = row.into();
    active.disabled_at = Set(Some(now));
    let row = active.update(tx.conn()).await?;
    cancel_pending()
        .filter(delivery::Column::OrganizationId.eq(tx.organization_id()))
        .filter(delivery::Column::EndpointId.eq(id))
        .exec(tx.conn())
        .await?;
    Ok(row)
}

/// Marks pending deliveries CANCELLED because their endpoint was disabled; callers narrow it.
fn cancel_pending() -> sea_orm::UpdateMany<delivery::Entity> {
    delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(Cancelled))
        .col_expr(delivery::Column::LastError, Expr::value("the endpoint was disabled"))
        .filter(delivery::Column::Status.eq(Pending))
}

/// Cancels pending deliveries of disabled endpoints (left by earlier versions, which skipped them
/// without clearing them). Returns how many were cancelled.
pub async fn cancel_for_disabled_endpoints(conn: &impl ConnectionTrait) -> Result<u64, StoreError> {
    let disabled = endpoint::Entity::find()
        .select_only()
        .column(endpoint::Column::Id)
        .filter(endpoint::Column::DisabledAt.is_not_null())
        .into_query();
    Ok(cancel_pending().filter(delivery::Column::EndpointId.in_subquery(disabled)).exec(conn).await?.rows_affected)
}

/// Stores one delivery of `event` for each live endpoint of its organization that asked for its
/// type, in the event's own transaction (`events::record`).
pub(super) async fn enqueue(
    conn: &impl ConnectionTrait,
    event: &HandoffEvent,
    event_id: Uuid,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let endpoints = endpoint::Entity::find()
        .filter(endpoint::Column::OrganizationId.eq(event.organization_id))
        .filter(endpoint::Column::DisabledAt.is_null())
        .all(conn)
        .await?;
    let mut queued = 0;
    for target in &endpoints {
        // An endpoint whose list cannot be read gets nothing, and says so in the log (and in
        // `check-data`), rather than failing the change that caused the event.
        match event_types(target) {
            Ok(kinds) if kinds.contains(&event.kind) => {}
            Ok(_) => continue,
            Err(error) => {
                tracing::error!(%error, endpoint = %target.id, "no delivery queued for an endpoint whose event list cannot be read");
                continue;
            }
        }
        // An endpoint that has been failing for long keeps a bounded backlog: past it, new events
        // are recorded FAILED at once (and can be redelivered), not queued without end.
        let waiting = delivery::Entity::find()
            .filter(delivery::Column::EndpointId.eq(target.id))
            .filter(delivery::Column::Status.eq(Pending))
            .count(conn)
            .await?;
        let full = waiting >= MAX_PENDING_PER_ENDPOINT;
        delivery::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(event.organization_id),
            endpoint_id: Set(target.id),
            event_id: Set(event_id),
            event_type: Set(event.kind.code().to_owned()),
            payload: Set(payload.to_owned()),
            status: Set(if full { Failed } else { Pending }),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_status_code: Set(None),
            last_error: Set(
                full.then(|| format!("{MAX_PENDING_PER_ENDPOINT} deliveries were already waiting for this endpoint"))
            ),
            delivered_at: Set(None),
            created_at: Set(now),
        }
        .insert(conn)
        .await?;
        queued += 1;
    }
    Ok(queued)
}

/// Organizations with a delivery due now on an endpoint that is not `busy`, at most `limit` of
/// them (the worker's read across organizations; it decides whose turn it is).
pub async fn organizations_waiting(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    busy: &[Uuid],
    skip: &[Uuid],
    limit: u64,
) -> Result<Vec<Uuid>, StoreError> {
    Ok(due(now, busy)
        .select_only()
        .column(delivery::Column::OrganizationId)
        .filter(delivery::Column::OrganizationId.is_not_in(skip.iter().copied()))
        .group_by(delivery::Column::OrganizationId)
        // With more organizations waiting than `limit`, those waiting longest come first.
        .order_by_asc(Expr::col(delivery::Column::NextAttemptAt).min())
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}

/// The organization's oldest due delivery on an endpoint that is not `busy`, with its endpoint.
pub async fn oldest_due(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    now: DateTime<Utc>,
    busy: &[Uuid],
) -> Result<Option<(Delivery, Endpoint)>, StoreError> {
    let oldest = due(now, busy)
        .filter(delivery::Column::OrganizationId.eq(organization))
        .order_by_asc(delivery::Column::NextAttemptAt)
        .order_by_asc(delivery::Column::Id)
        .one(conn)
        .await?;
    let Some(oldest) = oldest else { return Ok(None) };
    Ok(endpoint::Entity::find_by_id(oldest.endpoint_id).one(conn).await?.map(|target| (oldest, target)))
}

/// Pending deliveries whose time has come, on live endpoints that are not `busy`.
fn due(now: DateTime<Utc>, busy: &[Uuid]) -> sea_orm::Select<delivery::Entity> {
    let live = endpoint::Entity::find()
        .select_only()
        .column(endpoint::Column::Id)
        .filter(endpoint::Column::DisabledAt.is_null());
    delivery::Entity::find()
        .filter(delivery::Column::Status.eq(Pending))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .filter(delivery::Column::EndpointId.is_not_in(busy.iter().copied()))
        .filter(delivery::Column::EndpointId.in_subquery(live.into_query()))
}

/// Live endpoints of the organization (the cap on how many one may register counts these).
pub async fn count_live_endpoints(tx: &TenantTx) -> Result<u64, StoreError> {
    Ok(endpoint::Entity::visible(tx).filter(endpoint::Column::DisabledAt.is_null()).count(tx.conn()).await?)
}

/// Takes a delivery for one attempt: counts the attempt and pushes its next time past the attempt's
/// lease, only if no other process took it first. `None` when someone else did.
pub async fn claim(
    conn: &impl ConnectionTrait,
    row: Delivery,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<Delivery>, StoreError> {
    let taken = delivery::Entity::update_many()
        .col_expr(delivery::Column::Attempts, Expr::value(row.attempts + 1))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(lease_until))
        .filter(delivery::Column::Id.eq(row.id))
        .filter(delivery::Column::Status.eq(Pending))
        .filter(delivery::Column::Attempts.eq(row.attempts))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .exec(conn)
        .await?
        .rows_affected
        == 1;
    Ok(taken.then(|| Delivery { attempts: row.attempts + 1, next_attempt_at: lease_until, ..row }))
}

pub async fn record_success(
    conn: &impl ConnectionTrait,
    row: Delivery,
    status: Option<u16>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut active: delivery::ActiveModel = row.into();
    active.status = Set(Delivered);
    active.last_status_code = Set(status.map(i32::from));
    active.last_error = Set(None);
    active.delivered_at = Set(Some(now));
    active.update(conn).await?;
    Ok(())
}

/// Records a failed attempt: PENDING again at `retry_at`, or FAILED when there is none.
pub async fn record_failure(
    conn: &impl ConnectionTrait,
    row: Delivery,
    status: Option<u16>,
    error: String,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let mut active: delivery::ActiveModel = row.into();
    active.last_status_code = Set(status.map(i32::from));
    active.last_error = Set(Some(error.chars().take(1000).collect()));
    match retry_at {
        Some(at) => active.next_attempt_at = Set(at),
        None => active.status = Set(Failed),
    }
    active.update(conn).await?;
    Ok(())
}

/// One page of an endpoint's deliveries, newest first.
pub async fn list_deliveries(
    tx: &TenantTx,
    endpoint_id: Uuid,
    page: Page,
) -> Result<(Vec<Delivery>, bool), StoreError> {
    let query = delivery::Entity::visible(tx).filter(delivery::Column::EndpointId.eq(endpoint_id));
    let query = page.keyset(query, delivery::Column::Id, Order::NewestFirst);
    Ok(split_page(query.all(tx.conn()).await?, page))
}

pub async fn find_delivery(tx: &TenantTx, id: Uuid) -> Result<Option<Delivery>, StoreError> {
    Ok(delivery::Entity::visible(tx).filter(delivery::Column::Id.eq(id)).one(tx.conn()).await?)
}

/// Queues a delivery again from its first attempt (same event id, so receivers can deduplicate).
pub async fn redeliver(tx: &TenantTx, row: Delivery, now: DateTime<Utc>) -> Result<Delivery, StoreError> {
    let mut active: delivery::ActiveModel = row.into();
    active.status = Set(Pending);
    active.attempts = Set(0);
    active.next_attempt_at = Set(now);
    Ok(active.update(tx.conn()).await?)
}

/// Seals every endpoint secret not sealed under the key `current`: rows from before sealing, and
/// rows under a key being rotated out. `reseal(endpoint id, its key id, stored text)` gives the new
/// (key id, sealed text), or `None` when the stored text cannot be opened. Runs at start over all
/// organizations (the server alone holds the keys); returns how many rows it sealed, and how many
/// it could not open (left as they are, for the caller to log).
pub async fn seal_secrets(
    conn: &impl ConnectionTrait,
    current: &str,
    reseal: impl Fn(Uuid, Option<&str>, &str) -> Option<(String, String)>,
) -> Result<(u64, u64), StoreError> {
    let stale = endpoint::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(endpoint::Column::SecretKeyId.is_null())
                .add(endpoint::Column::SecretKeyId.ne(current)),
        )
        .all(conn)
        .await?;
    let (mut sealed, mut unreadable) = (0, 0);
    for row in stale {
        let Some((key_id, text)) = reseal(row.id, row.secret_key_id.as_deref(), &row.secret) else {
            unreadable += 1;
            continue;
        };
        endpoint::Entity::update_many()
            .col_expr(endpoint::Column::Secret, sea_orm::sea_query::Expr::value(text))
            .col_expr(endpoint::Column::SecretKeyId, sea_orm::sea_query::Expr::value(key_id))
            .filter(endpoint::Column::Id.eq(row.id))
            .filter(endpoint::Column::Secret.eq(row.secret))
            .exec(conn)
            .await?;
        sealed += 1;
    }
    Ok((sealed, unreadable))
}
