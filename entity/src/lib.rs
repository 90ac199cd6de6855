//! sea-orm models of the tables, and nothing else: no rules, no GraphQL.
//! The API maps these rows to its own types so that tables and schema can evolve apart.

pub mod account;
pub mod api_token;
pub mod audit_event;
pub mod codes;
pub mod escalation;
pub mod handoff;
pub mod handoff_event;
pub mod handoff_grade;
pub mod handoff_response;
pub mod invitation;
pub mod membership;
pub mod organization;
pub mod partner;
pub mod partner_ask;
pub mod partner_meeting;
pub mod pipeline_mention;
pub mod rate_limit;
pub mod refresh_token;
pub mod role;
pub mod score_review;
pub mod session;
pub mod user;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod working_agreement;

pub use role::Role;
