use sea_orm::entity::prelude::*;

use crate::codes::*;

/// One event to deliver to one endpoint, with its attempts so far.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub endpoint_id: Uuid,
    /// The event's id, sent in the `Handoff-Event-Id` header (the same for every retry).
    pub event_id: Uuid,
    pub event_type: String,
    /// The JSON body, exactly as signed and sent.
    pub payload: String,
    /// PENDING, DELIVERED or FAILED.
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
