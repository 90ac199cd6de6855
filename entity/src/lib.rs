//! sea-orm models of the tables, and nothing else: no rules, no GraphQL.
//! The API maps these rows to its own types so that tables and schema can evolve apart.

pub mod api_token;
pub mod membership;
pub mod organization;
pub mod role;
pub mod user;

pub use role::Role;
