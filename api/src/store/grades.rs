//! Grade history. Reads start from handoff rows the caller could see, so they inherit its visibility.

use chrono::{DateTime, Utc};
use entity::handoff_grade;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::by_position::{self, ByPosition, Reader};
use super::handoffs::HandoffRow;
use super::tenant_table::TenantTable;
use super::{PortfolioTx, StoreError, TenantTx};
use crate::domain::scorecard::{Component, Grade};

pub use handoff_grade::Model as GradeRow;

impl ByPosition for GradeRow {
    type Entity = handoff_grade::Entity;

    fn columns() -> Vec<handoff_grade::Column> {
        use handoff_grade::Column as C;
        vec![C::Id, C::OrganizationId, C::HandoffId, C::Component, C::Grade, C::Note, C::GradedBy, C::GradedAt]
    }

    fn decode(row: &mut Reader<'_>) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            id: row.next()?,
            organization_id: row.next()?,
            handoff_id: row.next()?,
            component: row.code()?,
            grade: row.code()?,
            note: row.next()?,
            graded_by: row.next()?,
            graded_at: row.time()?,
        })
    }
}

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
    let visible = handoff_grade::Entity::visible(tx)
        .filter(handoff_grade::Column::HandoffId.is_in(handoffs.iter().map(|h| h.id)));
    let mut rows: Vec<GradeRow> = by_position::all(tx.conn(), visible).await?;
    // Oldest first (ids are time-ordered), sorted here rather than in SQL: asked for that order,
    // PostgreSQL may walk the whole primary key to avoid a sort instead of looking the handoffs up.
    rows.sort_unstable_by_key(|row| row.id);
    Ok(rows)
}

/// Every grading of these handoffs of a portfolio's organizations, oldest first.
pub async fn of_handoffs_across(ptx: &PortfolioTx, handoff_ids: &[Uuid]) -> Result<Vec<GradeRow>, StoreError> {
    if handoff_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = super::tenant_table::of_organizations::<handoff_grade::Entity>(ptx)
        .filter(handoff_grade::Column::HandoffId.is_in(handoff_ids.iter().copied()));
    let mut rows: Vec<GradeRow> = by_position::all(ptx.conn(), rows).await?;
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
