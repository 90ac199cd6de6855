//! End-to-end tests over HTTP and WebSocket, one fresh server and database per test.

mod access_tokens;
mod accounts;
mod api_tokens;
mod demo;
mod event_outbox;
mod handoff_lifecycle;
mod hostile_documents;
mod http_conformance;
mod http_surface;
mod invitations;
mod isolation_matrix;
mod login_throttle;
mod members;
mod organizations;
mod paging;
mod record_visibility;
mod row_level_security;
mod scorecards;
mod sessions;
mod subscriptions;
mod trust_quarter;
mod webhook_attacks;
mod webhooks;
mod websocket;
mod websocket_limits;
mod working_agreement;
