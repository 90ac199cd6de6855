use sea_orm::sea_query::IntoCondition;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

/// One page of a keyset-paginated list ordered by id (UUIDv7, so creation order). Forward
/// (`first`/`after`): the rows just after the cursor. Backward (`last`/`before`): the rows just
/// before it, or the last rows of the list; still returned in the list's order. The store fetches
/// one more row to tell whether more rows lie beyond the page.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub cursor: Option<Uuid>,
    pub limit: u64,
    pub backward: bool,
}

/// Which way a list runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    OldestFirst,
    NewestFirst,
}

impl Page {
    pub(crate) fn fetch_limit(self) -> u64 {
        self.limit + 1
    }

    /// Orders `query` by `id` the way the page reads it (a backward page reads the list in reverse
    /// from its cursor), keeps the rows past the cursor, and fetches one extra row.
    pub fn keyset<E: EntityTrait>(self, query: Select<E>, id: impl ColumnTrait, order: Order) -> Select<E> {
        let ascending = (order == Order::OldestFirst) != self.backward;
        let query = match self.cursor {
            Some(cursor) if ascending => query.filter(id.gt(cursor).into_condition()),
            Some(cursor) => query.filter(id.lt(cursor).into_condition()),
            None => query,
        };
        let query = if ascending { query.order_by_asc(id) } else { query.order_by_desc(id) };
        query.limit(self.fetch_limit())
    }
}

/// Rows of one page in the list's order, and whether more rows lie beyond it (after it when
/// paging forward, before it when paging backward).
pub fn split_page<T>(rows: Vec<T>, page: Page) -> (Vec<T>, bool) {
    split_rows(rows, page.limit, page.backward)
}

/// `split_page` for lists paged by another key: `rows` holds up to `limit + 1` rows read in the
/// page's direction.
pub fn split_rows<T>(mut rows: Vec<T>, limit: u64, backward: bool) -> (Vec<T>, bool) {
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    if backward {
        rows.reverse();
    }
    (rows, more)
}
