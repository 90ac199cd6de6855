//! Relay connection arguments: `first` (default 50, at most 100) and `after` (an opaque cursor).

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

pub fn page(first: Option<i32>, after: Option<String>) -> Result<Page, AppError> {
    let limit = PageSize::parse(first).map_err(field("first"))?.get();
    let after = after.map(|c| decode_cursor(&c)).transpose()?;
    Ok(Page { after, limit })
}

fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("c:{id}"))
}

fn decode_cursor(raw: &str) -> Result<Uuid, AppError> {
    let invalid = || AppError::bad_input("after", "is not a cursor from this connection");
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let id = text.strip_prefix("c:").ok_or_else(invalid)?;
    Uuid::parse_str(id).map_err(|_| invalid())
}

/// Builds a connection from one page of rows; `key` gives each row's keyset id.
pub fn connection<T, N>(
    rows: Vec<T>,
    has_next: bool,
    page: Page,
    key: impl Fn(&T) -> Uuid,
    node: impl Fn(T) -> N,
) -> Connection<String, N>
where
    N: OutputType,
{
    let mut conn = Connection::new(page.after.is_some(), has_next);
    conn.edges.extend(
        rows.into_iter().map(|row| Edge::with_additional_fields(encode_cursor(key(&row)), node(row), EmptyFields)),
    );
    conn
}
