//! Lists of handoffs: filters, sort orders and keyset pages.

use chrono::{DateTime, Utc};
use entity::codes::{Band as StoredBand, HandoffStatus as StoredStatus};
use entity::handoff;
use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::listed::Listed;
use super::{HandoffRow, visible};
use crate::domain::scorecard::{Band, HandoffStatus};
use crate::store::{StoreError, TenantTx};

/// Which handoffs a list holds.
#[derive(Debug, Clone, Default)]
pub struct HandoffFilter {
    pub status: Option<HandoffStatus>,
    pub band: Option<Band>,
    pub partner_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub seller_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub sent_after: Option<DateTime<Utc>>,
    pub sent_before: Option<DateTime<Utc>>,
    pub include_archived: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffSort {
    CreatedAt,
    /// Lists sent handoffs only (drafts have no sent time).
    SentAt,
    Score,
}

/// The sort key of the last row of a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HandoffKey {
    CreatedAt(Uuid),
    SentAt(DateTime<Utc>, Uuid),
    Score(i16, Uuid),
}

impl HandoffKey {
    pub fn of(row: &HandoffRow, sort: HandoffSort) -> Self {
        match sort {
            HandoffSort::CreatedAt => HandoffKey::CreatedAt(row.id),
            HandoffSort::SentAt => HandoffKey::SentAt(row.sent_at.unwrap_or_default(), row.id),
            HandoffSort::Score => HandoffKey::Score(row.score, row.id),
        }
    }

    pub fn sort(self) -> HandoffSort {
        match self {
            HandoffKey::CreatedAt(_) => HandoffSort::CreatedAt,
            HandoffKey::SentAt(..) => HandoffSort::SentAt,
            HandoffKey::Score(..) => HandoffSort::Score,
        }
    }
}

/// One page of a handoff list: forward from `cursor`, or backward (`last`/`before`) up to it; a
/// backward page reads the list in reverse from its cursor and is returned in list order.
#[derive(Debug, Clone, Copy)]
pub struct HandoffPage {
    pub sort: HandoffSort,
    pub descending: bool,
    pub cursor: Option<HandoffKey>,
    pub limit: u64,
    pub backward: bool,
}

/// One page of the handoffs `filter` keeps, each with the account and partner it names, and
/// whether more rows lie beyond it.
pub async fn list(tx: &TenantTx, filter: &HandoffFilter, page: HandoffPage) -> Result<(Vec<Listed>, bool), StoreError> {
    use handoff::Column as C;
    let mut query = visible(tx);
    if let Some(status) = filter.status {
        query = query.filter(C::Status.eq(StoredStatus::from(status)));
    }
    if let Some(band) = filter.band {
        query = query.filter(C::Band.eq(StoredBand::from(band)));
    }
    for (column, value) in [
        (C::PartnerId, filter.partner_id),
        (C::AccountId, filter.account_id),
        (C::SellerId, filter.seller_id),
        (C::OwnerId, filter.owner_id),
        (C::CreatedBy, filter.created_by),
    ] {
        if let Some(value) = value {
            query = query.filter(column.eq(value));
        }
    }
    if let Some(after) = filter.sent_after {
        query = query.filter(C::SentAt.gte(after));
    }
    if let Some(before) = filter.sent_before {
        query = query.filter(C::SentAt.lt(before));
    }
    if !filter.include_archived {
        query = query.filter(C::ArchivedAt.is_null());
    }
    let descending = page.descending != page.backward;
    let order = if descending { sea_orm::Order::Desc } else { sea_orm::Order::Asc };
    let beyond = |column: C, value: sea_orm::Value| if descending { column.lt(value) } else { column.gt(value) };
    query = match page.sort {
        HandoffSort::CreatedAt => query.order_by(C::Id, order),
        HandoffSort::SentAt => {
            query.filter(C::SentAt.is_not_null()).order_by(C::SentAt, order.clone()).order_by(C::Id, order)
        }
        HandoffSort::Score => query.order_by(C::Score, order.clone()).order_by(C::Id, order),
    };
    query = match page.cursor {
        None => query,
        Some(HandoffKey::CreatedAt(id)) => query.filter(beyond(C::Id, id.into())),
        Some(HandoffKey::SentAt(at, id)) => query.filter(
            Condition::any()
                .add(beyond(C::SentAt, at.into()))
                .add(Condition::all().add(C::SentAt.eq(at)).add(beyond(C::Id, id.into()))),
        ),
        Some(HandoffKey::Score(score, id)) => query.filter(
            Condition::any()
                .add(beyond(C::Score, score.into()))
                .add(Condition::all().add(C::Score.eq(score)).add(beyond(C::Id, id.into()))),
        ),
    };
    let rows: Vec<Listed> = crate::store::by_position::all(tx.conn(), query.limit(page.limit + 1)).await?;
    Ok(crate::store::page::split_rows(rows, page.limit, page.backward))
}
