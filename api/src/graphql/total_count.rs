//! `totalCount` on the connections whose lists stay small (members, partners, accounts,
//! invitations, API tokens), counted only when asked, with the list's own filters. Lists that grow
//! without bound (handoffs, trust records, the audit log, webhook deliveries) offer none: a count
//! there would cost a scan of the organization's rows on every page (`Scorecard.handoffCount` and
//! the trust report give the numbers a UI needs).

use async_graphql::connection::Connection;
use async_graphql::{Context, Object, OutputType};

use super::context::store;
use crate::auth::OrgScope;
use crate::error::AppResult;
use crate::store::accounts::{self, AccountFilter};
use crate::store::{api_tokens, invitations, memberships, partners};

/// Which list to count, with its filters.
#[derive(Clone, Copy)]
pub enum CountOf {
    Members,
    Partners { include_archived: bool },
    Accounts(AccountFilter),
    Invitations,
    ApiTokens,
}

/// The connection fields beside `edges` and `pageInfo`.
pub struct TotalCount {
    scope: OrgScope,
    of: CountOf,
}

#[Object]
impl TotalCount {
    /// How many rows the whole list holds, over every page, with the same filters.
    async fn total_count(&self, ctx: &Context<'_>) -> AppResult<i32> {
        let tx = store(ctx).tenant(&self.scope).await?;
        let count = match self.of {
            CountOf::Members => memberships::count(&tx).await?,
            CountOf::Partners { include_archived } => partners::count(&tx, include_archived).await?,
            CountOf::Accounts(filter) => accounts::count(&tx, filter).await?,
            CountOf::Invitations => invitations::count(&tx).await?,
            CountOf::ApiTokens => api_tokens::count(&tx).await?,
        };
        tx.commit().await?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }
}

/// `connection` with `totalCount` beside its edges.
pub fn counted<N: OutputType>(
    connection: Connection<String, N>,
    scope: OrgScope,
    of: CountOf,
) -> Connection<String, N, TotalCount> {
    let mut counted = Connection::with_additional_fields(
        connection.has_previous_page,
        connection.has_next_page,
        TotalCount { scope, of },
    );
    counted.edges = connection.edges;
    counted
}
