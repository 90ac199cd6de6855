use sea_orm::entity::prelude::*;

use crate::codes::*;

/// One version of an organization's working agreement between partner marketing and sales.
/// It is agreed when both sides have signed this version; a change makes a new version.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "working_agreements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub version: i32,
    /// A JSON list of account ids sales has confirmed as targets.
    #[sea_orm(column_type = "Json")]
    pub confirmed_account_ids: Ids,
    /// A JSON list of component codes a handoff must include.
    #[sea_orm(column_type = "Json")]
    pub required_components: Components,
    pub acceptance_definition: Option<String>,
    pub response_window_days: Option<i16>,
    pub min_score_to_send: i16,
    /// Partner-influence language for CRM and pipeline review.
    pub influence_language: Option<String>,
    pub score_review_cadence_days: Option<i16>,
    pub drafted_by: Uuid,
    pub marketing_signed_by: Option<Uuid>,
    pub marketing_signed_at: Option<DateTimeUtc>,
    pub sales_signed_by: Option<Uuid>,
    pub sales_signed_at: Option<DateTimeUtc>,
    pub agreed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
