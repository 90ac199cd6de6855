//! The GraphQL schema: thin resolvers per area, merged into the roots.

mod accounts;
mod api_tokens;
mod context;
mod error_codes;
mod ids;
mod memberships;
mod node;
mod organizations;
mod paging;
mod roles;
mod users;

use async_graphql::{EmptySubscription, MergedObject, Schema};

use crate::auth::jwt::JwtKeys;
use crate::store::Store;

/// Entry points for reading.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(accounts::AccountQuery, organizations::OrganizationQuery, node::NodeQuery);

/// Entry points for changing data; each takes one `input` and returns a `…Payload`.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    accounts::AccountMutation,
    organizations::OrganizationMutation,
    memberships::MembershipMutation,
    api_tokens::ApiTokenMutation,
);

pub type AppSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Query cost limits; all on by default.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub introspection: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_depth: 15, max_complexity: 500, introspection: true }
    }
}

pub fn build(store: Store, keys: JwtKeys, limits: Limits) -> AppSchema {
    let mut builder = schema_builder(limits).data(store).data(keys);
    if !limits.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// The SDL clients build against; `schema.graphql` at the repository root must equal it.
pub fn sdl() -> String {
    schema_builder(Limits::default()).finish().sdl()
}

fn schema_builder(limits: Limits) -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), EmptySubscription)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(32)
        .limit_directives(16)
        .extension(error_codes::ErrorCodes)
}
