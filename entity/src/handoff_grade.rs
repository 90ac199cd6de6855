use sea_orm::entity::prelude::*;

use crate::codes::*;

/// One grading of one component; the latest per component is the current grade, the rest history.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "handoff_grades")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub handoff_id: Uuid,
    pub component: Component,
    pub grade: Grade,
    pub note: Option<String>,
    pub graded_by: Uuid,
    pub graded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
