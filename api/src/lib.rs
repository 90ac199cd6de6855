//! The handoff scorecard API: a multi-tenant GraphQL service that grades partner handoffs and
//! reads whether sales trust is building or burning.
//!
//! Layers, calls going downwards only: `http` → `graphql` → `auth` → `store` → `entity`;
//! `domain` holds the rules as pure functions and is used by all of them.

pub mod auth;
pub mod backup;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod import;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod report;
pub mod seed;
pub mod server;
pub mod store;
pub mod telemetry;
pub mod webhooks;
