use sea_orm::entity::prelude::*;

/// One handoff event in the outbox, numbered by `seq` in commit order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "handoff_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    /// The event's id: the idempotency key webhook receivers get (`Handoff-Event-Id`).
    pub id: Uuid,
    pub organization_id: Uuid,
    pub handoff_id: Uuid,
    /// LANDED, RESPONDED, GRADED or OVERDUE.
    pub kind: String,
    pub occurred_at: DateTimeUtc,
    /// The seller's answer a RESPONDED event reports.
    pub response_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
