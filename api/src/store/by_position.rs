//! Rows the handoff page reads by the hundred (handoffs and their grades), decoded by column
//! position on PostgreSQL.
//!
//! sea-orm decodes a model by column name: per value it hashes the name to find the column, checks
//! the column's type, and for every NULL formats an error message that its `Option` decoding then
//! throws away. A page of 50 handoffs and their 450 grades reads about 5,000 values, and this was a
//! third of the page's CPU time. Here the statement selects exactly the columns `decode` reads, in
//! its order; types are checked on a result's first row (every row of one result has the same
//! column types). SQLite rows are decoded by name, as before.

use sea_orm::sqlx::postgres::{PgRow, Postgres};
use sea_orm::sqlx::{Decode, Row, Type};
use sea_orm::{ActiveEnum, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QuerySelect, QueryTrait, Select};

use super::pg_arrays::{Timestamp, sqlx_error};

/// A model that can be read by position.
pub trait ByPosition: FromQueryResult + Sized {
    type Entity: EntityTrait;

    /// The columns `decode` reads, in its order.
    fn columns() -> Vec<<Self::Entity as EntityTrait>::Column>;

    /// `select` with the columns of other tables `decode` reads after `columns`, joined in.
    fn joined(select: Select<Self::Entity>) -> Select<Self::Entity> {
        select
    }

    fn decode(row: &mut Reader<'_>) -> Result<Self, DbErr>;
}

/// The rows `select` finds, as `M`.
pub async fn all<M: ByPosition>(conn: &impl ConnectionTrait, select: Select<M::Entity>) -> Result<Vec<M>, DbErr> {
    let statement = M::joined(select.select_only().columns(M::columns())).build(conn.get_database_backend());
    let rows = conn.query_all_raw(statement).await?;
    let mut checked = false;
    rows.iter()
        .map(|result| match result.try_as_pg_row() {
            Some(row) => {
                let mut reader = Reader { row, next: 0, checked, skipped: false };
                let decoded = M::decode(&mut reader);
                // A row that skipped columns (a join that found nothing) did not check them.
                checked = checked || !reader.skipped;
                decoded
            }
            None => M::from_query_result(result, ""),
        })
        .collect()
}

/// One row's columns, read left to right.
pub struct Reader<'r> {
    row: &'r PgRow,
    next: usize,
    /// Whether a previous row of the same result had its column types checked.
    checked: bool,
    /// Whether this row passed over columns without reading them.
    skipped: bool,
}

impl<'r> Reader<'r> {
    /// The next column as `T`.
    pub fn next<T: Decode<'r, Postgres> + Type<Postgres>>(&mut self) -> Result<T, DbErr> {
        let index = self.next;
        self.next += 1;
        let value = if self.checked { self.row.try_get_unchecked(index) } else { self.row.try_get(index) };
        value.map_err(sqlx_error)
    }

    /// The next column, a `timestamptz`.
    pub fn time(&mut self) -> Result<chrono::DateTime<chrono::Utc>, DbErr> {
        Ok(self.next::<Timestamp>()?.0)
    }

    /// The next column, a nullable `timestamptz`.
    pub fn maybe_time(&mut self) -> Result<Option<chrono::DateTime<chrono::Utc>>, DbErr> {
        Ok(self.next::<Option<Timestamp>>()?.map(|t| t.0))
    }

    /// Passes over the next `count` columns.
    pub fn skip(&mut self, count: usize) {
        self.next += count;
        self.skipped = true;
    }

    /// The next column, a stored code; a value outside the code's list is an error.
    pub fn code<E: ActiveEnum<Value = String>>(&mut self) -> Result<E, DbErr> {
        E::try_from_value(&self.next::<String>()?)
    }
}
