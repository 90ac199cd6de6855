//! Relay connection arguments: `first` and `after` page forward, `last` and `before` backward (each
//! page 50 rows by default, at most 100; cursors are opaque).

use async_graphql::OutputType;
use async_graphql::connection::{Connection, Edge, EmptyFields};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::domain::PageSize;
use crate::error::{AppError, field};
use crate::store::Page;

/// A connection's query complexity: its selection counted once per row it may return, so a
/// client asking for 100 rows pays for 100.
pub fn cost(first: Option<i32>, child_complexity: usize) -> usize {
    let rows = first.unwrap_or(PageSize::DEFAULT as i32).clamp(1, PageSize::MAX as i32) as usize;
    rows.saturating_mul(child_complexity).saturating_add(1)
}

/// A list under each parent that has no `first` (a handoff's grade history or responses): counted
/// as this many rows.
pub const UNPAGED_LIST_ROWS: usize = 10;

/// What a connection's paging arguments ask for: how many rows, the cursor with the argument it
/// came in (for errors), and whether the page is read backward (`last`/`before`).
pub struct Reading<'a> {
    pub limit: u64,
    pub cursor: Option<(&'a str, &'static str)>,
    pub backward: bool,
}

/// Reads `first`/`after` (forward) or `last`/`before` (backward), each page 50 rows by default and at
/// most 100; mixing the two directions is refused, naming the argument.
pub fn reading<'a>(
    first: Option<i32>,
    after: Option<&'a str>,
    last: Option<i32>,
    before: Option<&'a str>,
) -> Result<Reading<'a>, AppError> {
    let backward = match (first.is_some() || after.is_some(), last.is_some() || before.is_some()) {
        (true, true) => {
            return Err(AppError::bad_input(
                if before.is_some() { "before" } else { "last" },
                "page forward with `first`/`after` or backward with `last`/`before`, not both",
            ));
        }
        (_, backward) => backward,
    };
    let (size, cursor, name) = if backward { (last, before, "before") } else { (first, after, "after") };
    let limit = PageSize::parse(size).map_err(field(if backward { "last" } else { "first" }))?.get();
    Ok(Reading { limit, cursor: cursor.map(|c| (c, name)), backward })
}

/// The page the arguments ask for, over a list ordered by id.
pub fn page(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> Result<Page, AppError> {
    let reading = reading(first, after.as_deref(), last, before.as_deref())?;
    let cursor = reading.cursor.map(|(raw, name)| decode_cursor(raw, name)).transpose()?;
    Ok(Page { cursor, limit: reading.limit, backward: reading.backward })
}

/// `hasPreviousPage` and `hasNextPage` of a page, given whether rows lie beyond it (in the
/// direction it was read). Toward its cursor there are rows whenever a cursor was given.
pub fn page_info(has_cursor: bool, more: bool, backward: bool) -> (bool, bool) {
    if backward { (more, has_cursor) } else { (has_cursor, more) }
}

fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("c:{id}"))
}

fn decode_cursor(raw: &str, field: &'static str) -> Result<Uuid, AppError> {
    let invalid = || AppError::bad_input(field, "is not a cursor from this connection");
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let id = text.strip_prefix("c:").ok_or_else(invalid)?;
    Uuid::parse_str(id).map_err(|_| invalid())
}

/// Builds a connection from one page of rows; `more` says whether rows lie beyond the page, `key`
/// gives each row's keyset id.
pub fn connection<T, N>(
    rows: Vec<T>,
    more: bool,
    page: Page,
    key: impl Fn(&T) -> Uuid,
    node: impl Fn(T) -> N,
) -> Connection<String, N>
where
    N: OutputType,
{
    let (has_previous, has_next) = page_info(page.cursor.is_some(), more, page.backward);
    let mut conn = Connection::new(has_previous, has_next);
    conn.edges.extend(
        rows.into_iter().map(|row| Edge::with_additional_fields(encode_cursor(key(&row)), node(row), EmptyFields)),
    );
    conn
}
