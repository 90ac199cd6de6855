//! What sellers and sales leaders log: partner asks, partner meetings, pipeline mentions,
//! escalations and score reviews. These feed the trust signals.

mod inputs;
mod mutations;
mod types;

use async_graphql::connection::Connection;
use async_graphql::{Context, OutputType};
use uuid::Uuid;

pub use mutations::TrustRecordMutation;
pub use types::{Escalation, PartnerAsk, PartnerMeeting, PipelineMention, ScoreReview};

use super::paging::connection;
use super::scoping::read_in;
use crate::domain::Role;
use crate::error::AppResult;
use crate::store::Page;
use crate::store::trust_records::{self as records, Record};

/// `Organization.<records>`: one page of a record table, most recent first.
pub async fn list<T: Record, N: OutputType>(
    ctx: &Context<'_>,
    organization_id: Uuid,
    page: Page,
    include_archived: bool,
    node: impl Fn(T::Model) -> N,
) -> AppResult<Connection<String, N>> {
    let (rows, has_next) =
        read_in(ctx, organization_id, &Role::ALL, async |tx| Ok(records::list::<T>(tx, include_archived, page).await?))
            .await?;
    Ok(connection(rows, has_next, page, |row| T::key(row).1, node))
}
