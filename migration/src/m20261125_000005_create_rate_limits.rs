//! Counters that throttle logins and sign-ups, kept in the database so every replica shares them
//! and a restart does not reset them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    Key,
    Hits,
    WindowStartedAt,
    BlockedUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimits::Table)
                    // Hex SHA-256 of the bucket's name: fixed size, and no email kept in clear.
                    .col(ColumnDef::new(RateLimits::Key).string_len(64).not_null().primary_key())
                    .col(ColumnDef::new(RateLimits::Hits).integer().not_null())
                    .col(ColumnDef::new(RateLimits::WindowStartedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(RateLimits::BlockedUntil).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("rate_limits_blocked_until")
                    .table(RateLimits::Table)
                    .col(RateLimits::BlockedUntil)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RateLimits::Table).to_owned()).await
    }
}
