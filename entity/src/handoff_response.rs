use sea_orm::entity::prelude::*;

use crate::codes::*;

/// A seller's answer to a handoff: accept, decline, or a request for clarification.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "handoff_responses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub handoff_id: Uuid,
    pub seller_id: Uuid,
    pub decision: Decision,
    pub reason: Option<String>,
    /// A JSON list of component codes the seller said failed them (declines).
    #[sea_orm(column_type = "Json")]
    pub failed_components: Components,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
