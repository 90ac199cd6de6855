//! Many rows at once, for seeding and imports: multi-row INSERTs in batches that stay within both
//! databases' limits on bound parameters, and small enough to leave in one write.

use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Iterable, Value};

use super::StoreError;

/// Rows per INSERT at most: the widest table (handoffs, about 35 columns) stays under SQLite's and
/// PostgreSQL's 32,766 and 65,535 parameters.
const BATCH: usize = 500;
/// Bytes of values per INSERT at most. The PostgreSQL driver (sqlx 0.9) does not set TCP_NODELAY:
/// a statement past its 8 KiB write buffer leaves in pieces, and the last waits for the server's
/// delayed acknowledgement (40 ms on Linux). Statements kept under it do not wait
/// (docs/performance.md, "Imports", has the figures).
const BATCH_BYTES: usize = 6 * 1024;

/// Inserts `rows` in order, `BATCH` at a time: the fewest statements, for seeding, where the
/// organizations written at once each keep their rows together on disk.
pub async fn insert_all<A>(conn: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), StoreError>
where
    A: ActiveModelTrait + Send,
{
    insert_batches(conn, rows, usize::MAX).await
}

/// Inserts `rows` in order in statements of at most `BATCH` rows and `BATCH_BYTES` of values: for
/// imports, whose time is a user's wait.
pub async fn insert_all_small<A>(conn: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), StoreError>
where
    A: ActiveModelTrait + Send,
{
    insert_batches(conn, rows, BATCH_BYTES).await
}

async fn insert_batches<A>(conn: &impl ConnectionTrait, rows: Vec<A>, max_bytes: usize) -> Result<(), StoreError>
where
    A: ActiveModelTrait + Send,
{
    let mut batch: Vec<A> = Vec::new();
    let mut bytes = 0;
    for row in rows {
        let size = if max_bytes == usize::MAX { 0 } else { size_of_row(&row) };
        if !batch.is_empty() && (batch.len() == BATCH || bytes + size > max_bytes) {
            <A::Entity as EntityTrait>::insert_many(std::mem::take(&mut batch)).exec_without_returning(conn).await?;
            bytes = 0;
        }
        bytes += size;
        batch.push(row);
    }
    if !batch.is_empty() {
        <A::Entity as EntityTrait>::insert_many(batch).exec_without_returning(conn).await?;
    }
    Ok(())
}

/// About how many bytes `row`'s values take on the wire: text and JSON by length, the rest a
/// fixed few (a length word and a uuid, a number or a time).
fn size_of_row<A: ActiveModelTrait>(row: &A) -> usize {
    <A::Entity as EntityTrait>::Column::iter()
        .map(|column| match row.get(column).into_value() {
            Some(Value::String(Some(text))) => 4 + text.len(),
            Some(Value::Json(Some(json))) => 4 + json.to_string().len(),
            _ => 20,
        })
        .sum()
}
