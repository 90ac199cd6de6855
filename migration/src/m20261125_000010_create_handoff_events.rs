//! The event outbox: every handoff event is a row, written in the transaction of the change it
//! describes. `seq` orders events in commit order (writers take one lock before inserting, just
//! before they commit), so a reader that has seen every event up to a `seq` never meets an older one
//! later; subscribers resume and pollers page by it.

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;

use crate::m20261125_000009_row_level_security::protect;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HandoffEvents {
    Table,
    Seq,
    Id,
    OrganizationId,
    HandoffId,
    Kind,
    OccurredAt,
    ResponseId,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HandoffEvents::Table)
                    .col(ColumnDef::new(HandoffEvents::Seq).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(HandoffEvents::Id).uuid().not_null().unique_key())
                    .col(ColumnDef::new(HandoffEvents::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(HandoffEvents::HandoffId).uuid().not_null())
                    .col(ColumnDef::new(HandoffEvents::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(HandoffEvents::OccurredAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(HandoffEvents::ResponseId).uuid().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(HandoffEvents::Table, HandoffEvents::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_handoff_events_organization_seq")
                    .table(HandoffEvents::Table)
                    .col(HandoffEvents::OrganizationId)
                    .col(HandoffEvents::Seq)
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            let db = manager.get_connection();
            for statement in protect("handoff_events", "organization_id") {
                db.execute_unprepared(&statement).await?;
            }
            // Tenant transactions insert events, so they draw from the table's sequence.
            db.execute_unprepared(&format!(
                "GRANT USAGE, SELECT ON SEQUENCE handoff_events_seq_seq TO {}",
                crate::m20261125_000009_row_level_security::TENANT_ROLE
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(HandoffEvents::Table).to_owned()).await
    }
}
