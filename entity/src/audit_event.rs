use sea_orm::entity::prelude::*;

use crate::codes::*;

/// Who changed what in an organization, written in the same transaction as the change.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub actor_user_id: Option<Uuid>,
    /// The API token the actor used, if any.
    pub api_token_id: Option<Uuid>,
    /// Dotted name, e.g. `invitation.sent`.
    pub action: AuditAction,
    /// The row the action changed, when it has one.
    pub target_id: Option<Uuid>,
    /// A short description without secrets.
    pub detail: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
