//! Schema migrations, written once for SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_create_accounts_and_organizations;
mod m20261124_000002_create_scorecard_tables;
mod m20261124_000003_create_trust_records;
mod m20261124_000004_create_webhooks;
mod m20261125_000005_create_rate_limits;
mod m20261125_000006_index_deliveries_by_organization;
mod m20261125_000007_create_invitations_sessions_audit;
mod m20261125_000008_seal_webhook_secrets;
mod m20261125_000009_row_level_security;
mod m20261125_000010_create_handoff_events;
mod m20261126_000011_credential_notifications;
mod m20261126_000012_cheaper_large_reads;
mod m20261127_000013_portfolio_reads;
mod m20261127_000014_organization_notifications;

pub use m20261125_000009_row_level_security::{TENANT_ROLE, protect as protect_tenant_table, tenant_role};
pub use m20261126_000011_credential_notifications::CREDENTIALS_CHANNEL;
pub use m20261127_000013_portfolio_reads::protect_portfolio_reads;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_accounts_and_organizations::Migration),
            Box::new(m20261124_000002_create_scorecard_tables::Migration),
            Box::new(m20261124_000003_create_trust_records::Migration),
            Box::new(m20261124_000004_create_webhooks::Migration),
            Box::new(m20261125_000005_create_rate_limits::Migration),
            Box::new(m20261125_000006_index_deliveries_by_organization::Migration),
            Box::new(m20261125_000007_create_invitations_sessions_audit::Migration),
            Box::new(m20261125_000008_seal_webhook_secrets::Migration),
            Box::new(m20261125_000009_row_level_security::Migration),
            Box::new(m20261125_000010_create_handoff_events::Migration),
            Box::new(m20261126_000011_credential_notifications::Migration),
            Box::new(m20261126_000012_cheaper_large_reads::Migration),
            Box::new(m20261127_000013_portfolio_reads::Migration),
            Box::new(m20261127_000014_organization_notifications::Migration),
        ]
    }
}
