use sea_orm::entity::prelude::*;

/// Where an organization wants handoff events POSTed.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub url: String,
    /// A JSON list of event types (LANDED, RESPONDED, GRADED, OVERDUE).
    pub event_types: Json,
    /// The HMAC-SHA256 key deliveries are signed with, sealed with AES-256-GCM (base64 of nonce and
    /// ciphertext) under the key `secret_key_id`; in clear only in rows from before sealing.
    pub secret: String,
    /// Which configured key sealed `secret`.
    pub secret_key_id: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub disabled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
