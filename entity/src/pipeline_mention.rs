use sea_orm::entity::prelude::*;

use crate::codes::*;

/// Partner influence came up in a forecast, pipeline or deal review.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "pipeline_mentions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// Who logged it.
    pub logged_by: Uuid,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
    /// FORECAST, PIPELINE or DEAL_REVIEW.
    pub review_kind: ReviewKind,
    pub account_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub partner_marketing_present: bool,
    pub mentioned_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
