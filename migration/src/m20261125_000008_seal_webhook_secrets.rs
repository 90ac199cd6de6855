//! Webhook signing secrets are sealed at rest: each row names the key that sealed it. The server
//! seals rows from before this migration when it starts (it holds the keys; SQL does not).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookEndpoints {
    Table,
    Secret,
    SecretKeyId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(WebhookEndpoints::Table)
                    .add_column(ColumnDef::new(WebhookEndpoints::SecretKeyId).string_len(40).null())
                    .to_owned(),
            )
            .await?;
        // A sealed secret is longer than its clear text (nonce, tag, base64). SQLite does not
        // enforce declared lengths.
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .alter_table(
                    Table::alter()
                        .table(WebhookEndpoints::Table)
                        .modify_column(ColumnDef::new(WebhookEndpoints::Secret).string_len(400).not_null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(WebhookEndpoints::Table).drop_column(WebhookEndpoints::SecretKeyId).to_owned(),
            )
            .await
    }
}
