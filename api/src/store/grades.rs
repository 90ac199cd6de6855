//! Grade history. Reads start from handoff rows the caller could see, so they inherit its visibility.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::handoff_grade;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::handoffs::HandoffRow;
use super::tenant_table::TenantTable;
use super::{StoreError, TenantTx};
use crate::domain::scorecard::{Component, Grade, GradeSet};

pub use handoff_grade::Model as GradeRow;

pub struct NewGrade {
    pub component: Component,
    pub grade: Grade,
    pub note: Option<String>,
}

pub async fn add(
    tx: &TenantTx,
    handoff: &HandoffRow,
    grades: Vec<NewGrade>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let rows = grades.into_iter().map(|g| handoff_grade::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(tx.organization_id()),
        handoff_id: Set(handoff.id),
        component: Set(g.component.into()),
        grade: Set(g.grade.into()),
        note: Set(g.note),
        graded_by: Set(tx.user_id()),
        graded_at: Set(now),
    });
    handoff_grade::Entity::insert_many(rows).exec(tx.conn()).await?;
    Ok(())
}

/// Every grading of these handoffs, oldest first.
pub async fn of_handoffs(tx: &TenantTx, handoffs: &[&HandoffRow]) -> Result<Vec<GradeRow>, StoreError> {
    if handoffs.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = handoff_grade::Entity::visible(tx)
        .filter(handoff_grade::Column::HandoffId.is_in(handoffs.iter().map(|h| h.id)))
        .all(tx.conn())
        .await?;
    // Oldest first (ids are time-ordered), sorted here rather than in SQL: asked for that order,
    // PostgreSQL may walk the whole primary key to avoid a sort instead of looking the handoffs up.
    rows.sort_unstable_by_key(|row| row.id);
    Ok(rows)
}

/// Every grading of the handoffs keyed by (organization, handoff), oldest first, in one statement
/// (a page of handoffs asking for their history costs one read, not one per handoff). The keys come
/// from handoff rows the caller could already see.
pub async fn history_keyed(
    conn: &impl sea_orm::ConnectionTrait,
    keys: &[(Uuid, Uuid)],
) -> Result<Vec<GradeRow>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows = handoff_grade::Entity::find()
        .filter(handoff_grade::Column::HandoffId.is_in(keys.iter().map(|(_, id)| *id)))
        .order_by_asc(handoff_grade::Column::Id)
        .all(conn)
        .await?;
    Ok(rows.into_iter().filter(|r| keys.contains(&(r.organization_id, r.handoff_id))).collect())
}

/// The current (latest) grading of each component, per handoff. Rows must be oldest first.
pub fn current(rows: &[GradeRow]) -> HashMap<Uuid, HashMap<Component, &GradeRow>> {
    let mut out: HashMap<Uuid, HashMap<Component, &GradeRow>> = HashMap::new();
    for row in rows {
        out.entry(row.handoff_id).or_default().insert(row.component.into(), row);
    }
    out
}

/// The grade set of one handoff from its current gradings; ungraded components are MISSING.
pub fn grade_set<'a>(current: impl IntoIterator<Item = (&'a Component, &'a GradeRow)>) -> GradeSet {
    GradeSet::from_pairs(current.into_iter().map(|(c, row)| (*c, Grade::from(row.grade))))
}
