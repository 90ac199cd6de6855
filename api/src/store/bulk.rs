//! Many rows at once, for seeding: multi-row INSERTs in batches that stay within both databases'
//! limits on bound parameters.

use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait};

use super::StoreError;

/// Rows per INSERT: the widest table (handoffs, about 35 columns) stays under SQLite's and
/// PostgreSQL's 32,766 and 65,535 parameters.
const BATCH: usize = 500;

/// Inserts `rows` in order, `BATCH` at a time.
pub async fn insert_all<A>(conn: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), StoreError>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(BATCH).collect();
        <A::Entity as EntityTrait>::insert_many(batch).exec_without_returning(conn).await?;
    }
    Ok(())
}
