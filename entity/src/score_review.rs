use sea_orm::entity::prelude::*;

use crate::codes::*;

/// Sales leadership reviewed handoff scores inside the sales cadence.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "score_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// Who logged it.
    pub logged_by: Uuid,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
    /// A JSON list of the attendees' user ids.
    #[sea_orm(column_type = "Json")]
    pub attendees: Ids,
    pub reviewed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
