//! `Organization.handoffs`: filters, order, and keyset cursors that carry the sort key.

use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::{Context, Enum, ID, InputObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::super::ids::{Kind, decode};
use super::super::inline::Inline;
use super::super::paging::{page_info, reading};
use super::super::scoping::read_in;
use super::super::scorecard_enums::{BandGql, HandoffStatusGql};
use super::types::Handoff;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::store::handoff_views;
use crate::store::handoffs::{self, HandoffFilter, HandoffKey, HandoffPage, HandoffSort};

/// What to order handoffs by.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum HandoffOrderField {
    /// Creation order.
    CreatedAt,
    /// Sent time; lists only handoffs that were sent.
    SentAt,
    /// Score, 0 to 18.
    Score,
}

/// Which way a list is sorted.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum OrderDirection {
    /// Ascending: oldest or lowest first.
    Asc,
    /// Descending: newest or highest first.
    Desc,
}

/// The order of a handoff list (default: newest first).
#[derive(InputObject, Clone, Copy)]
pub struct HandoffOrder {
    /// What to order by.
    pub field: HandoffOrderField,
    /// Which way (default: DESC).
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

pub fn page(
    first: Option<i32>,
    after: Option<&str>,
    last: Option<i32>,
    before: Option<&str>,
    order: Option<HandoffOrder>,
) -> AppResult<HandoffPage> {
    let reading = reading(first, after, last, before)?;
    let order = order.unwrap_or(HandoffOrder { field: HandoffOrderField::CreatedAt, direction: OrderDirection::Desc });
    let sort = match order.field {
        HandoffOrderField::CreatedAt => HandoffSort::CreatedAt,
        HandoffOrderField::SentAt => HandoffSort::SentAt,
        HandoffOrderField::Score => HandoffSort::Score,
    };
    let cursor = match reading.cursor {
        Some((raw, name)) => {
            let key = decode_cursor(raw, name)?;
            if key.sort() != sort {
                return Err(AppError::bad_input(name, "comes from a list in another order"));
            }
            Some(key)
        }
        None => None,
    };
    let descending = order.direction == OrderDirection::Desc;
    Ok(HandoffPage { sort, descending, cursor, limit: reading.limit, backward: reading.backward })
}

/// A page of handoffs; each resolves its fields in turn (`Inline`): most are reads of its view.
pub fn connection(handoffs: Vec<Handoff>, more: bool, page: HandoffPage) -> Connection<Cursor, Inline<Handoff>> {
    let (has_previous, has_next) = page_info(page.cursor.is_some(), more, page.backward);
    let mut conn = Connection::new(has_previous, has_next);
    conn.edges
        .extend(handoffs.into_iter().map(|h| Edge::new(Cursor(HandoffKey::of(&h.view.row, page.sort)), Inline(h))));
    conn
}

/// A handoff's place in its list, written out only when a client asks for a cursor.
pub struct Cursor(HandoffKey);

impl CursorType for Cursor {
    type Error = &'static str;

    fn decode_cursor(raw: &str) -> Result<Self, Self::Error> {
        decode_cursor(raw, "cursor").map(Cursor).map_err(|_| "is not a cursor from this list")
    }

    fn encode_cursor(&self) -> String {
        encode_cursor(self.0)
    }
}

fn encode_cursor(key: HandoffKey) -> String {
    let text = match key {
        HandoffKey::CreatedAt(id) => format!("h:c:{id}"),
        HandoffKey::SentAt(at, id) => format!("h:t:{}:{id}", at.timestamp_micros()),
        HandoffKey::Score(score, id) => format!("h:s:{score}:{id}"),
    };
    URL_SAFE_NO_PAD.encode(text)
}

fn decode_cursor(raw: &str, field: &'static str) -> AppResult<HandoffKey> {
    let invalid = || AppError::bad_input(field, "is not a cursor from this list");
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?).map_err(|_| invalid())?;
    let parts: Vec<&str> = text.split(':').collect();
    let id = |s: &str| Uuid::parse_str(s).map_err(|_| invalid());
    match parts.as_slice() {
        ["h", "c", uuid] => Ok(HandoffKey::CreatedAt(id(uuid)?)),
        ["h", "t", micros, uuid] => {
            let micros: i64 = micros.parse().map_err(|_| invalid())?;
            let at: DateTime<Utc> = DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
            Ok(HandoffKey::SentAt(at, id(uuid)?))
        }
        ["h", "s", score, uuid] => Ok(HandoffKey::Score(score.parse().map_err(|_| invalid())?, id(uuid)?)),
        _ => Err(invalid()),
    }
}

/// `Organization.handoffs`' filters, as given.
pub struct Filters {
    pub status: Option<HandoffStatusGql>,
    pub band: Option<BandGql>,
    pub partner_id: Option<ID>,
    pub account_id: Option<ID>,
    pub seller_id: Option<ID>,
    pub owner_id: Option<ID>,
    pub marketer_id: Option<ID>,
    pub sent_after: Option<DateTime<Utc>>,
    pub sent_before: Option<DateTime<Utc>>,
    pub include_archived: bool,
}

/// `Organization.handoffs`: one page of the handoffs the caller may see, with what their fields show.
#[allow(clippy::too_many_arguments)]
pub async fn resolve(
    ctx: &Context<'_>,
    organization_id: Uuid,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
    order_by: Option<HandoffOrder>,
    filters: Filters,
) -> AppResult<Connection<Cursor, Inline<Handoff>>> {
    let page = page(first, after.as_deref(), last, before.as_deref(), order_by)?;
    let id = |raw: Option<ID>, kind, name| raw.map(|r| decode(&r, kind, name)).transpose();
    let filter = HandoffFilter {
        status: filters.status.map(Into::into),
        band: filters.band.map(Into::into),
        partner_id: id(filters.partner_id, Kind::Partner, "partnerId")?,
        account_id: id(filters.account_id, Kind::Account, "accountId")?,
        seller_id: id(filters.seller_id, Kind::User, "sellerId")?,
        owner_id: id(filters.owner_id, Kind::User, "ownerId")?,
        created_by: id(filters.marketer_id, Kind::User, "marketerId")?,
        sent_after: filters.sent_after,
        sent_before: filters.sent_before,
        include_archived: filters.include_archived,
    };
    let views = read_in(ctx, organization_id, &Role::ALL, async |tx| {
        let (listed, has_next) = handoffs::list(tx, &filter, page).await?;
        Ok((handoff_views::load_listed(tx, listed).await?, has_next))
    })
    .await?;
    Ok(connection(views.0.into_iter().map(Handoff::new).collect(), views.1, page))
}
