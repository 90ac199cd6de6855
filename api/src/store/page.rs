use uuid::Uuid;

/// One forward page of a keyset-paginated list: rows after `after` in id order (ids are UUIDv7, so
/// creation order), at most `limit`. The store fetches one more row to tell whether a next page exists.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub after: Option<Uuid>,
    pub limit: u64,
}

impl Page {
    pub(crate) fn fetch_limit(self) -> u64 {
        self.limit + 1
    }
}

/// Rows of one page, and whether more follow.
pub fn split_page<T>(mut rows: Vec<T>, page: Page) -> (Vec<T>, bool) {
    let has_next = rows.len() as u64 > page.limit;
    rows.truncate(page.limit as usize);
    (rows, has_next)
}
