//! What sellers and sales leaders do with handoffs (asks, meetings, pipeline mentions,
//! escalations, score reviews), the working agreement with its versions, and overdue marking.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Handoffs {
    Table,
    OverdueAt,
}

/// Columns every trust record shares.
#[derive(DeriveIden)]
enum Common {
    Id,
    OrganizationId,
    LoggedBy,
    Note,
    CreatedAt,
    ArchivedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerAsks {
    Table,
    SellerId,
    AccountId,
    AccountName,
    PartnerId,
    BroughtByPartnerMarketing,
    AskedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerMeetings {
    Table,
    SellerId,
    AccountId,
    PartnerId,
    HandoffId,
    MetAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PipelineMentions {
    Table,
    ReviewKind,
    AccountId,
    PartnerId,
    PartnerMarketingPresent,
    MentionedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Escalations {
    Table,
    HandoffId,
    AccountId,
    PartnerId,
    Topic,
    RaisedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ScoreReviews {
    Table,
    Attendees,
    ReviewedAt,
}

#[derive(DeriveIden)]
enum WorkingAgreements {
    Table,
    Id,
    OrganizationId,
    Version,
    ConfirmedAccountIds,
    RequiredComponents,
    AcceptanceDefinition,
    ResponseWindowDays,
    MinScoreToSend,
    InfluenceLanguage,
    ScoreReviewCadenceDays,
    DraftedBy,
    MarketingSignedBy,
    MarketingSignedAt,
    SalesSignedBy,
    SalesSignedAt,
    AgreedAt,
    CreatedAt,
}

/// A trust-record table: the shared columns, then `extra`.
fn record(table: impl IntoIden + Clone, extra: Vec<ColumnDef>) -> TableCreateStatement {
    let mut create = Table::create();
    create
        .table(table.clone())
        .col(ColumnDef::new(Common::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(Common::OrganizationId).uuid().not_null())
        .col(ColumnDef::new(Common::LoggedBy).uuid().not_null())
        .col(ColumnDef::new(Common::Note).text().null())
        .col(ColumnDef::new(Common::CreatedAt).timestamp_with_time_zone().not_null())
        .col(ColumnDef::new(Common::ArchivedAt).timestamp_with_time_zone().null())
        .foreign_key(
            ForeignKey::create()
                .from(table.clone(), Common::OrganizationId)
                .to(Organizations::Table, Organizations::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(ForeignKey::create().from(table, Common::LoggedBy).to(Users::Table, Users::Id));
    for mut col in extra {
        create.col(&mut col);
    }
    create.to_owned()
}

fn by_organization(name: &str, table: impl IntoIden, at: impl IntoIden) -> IndexCreateStatement {
    Index::create().name(name).table(table).col(Common::OrganizationId).col(at).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Handoffs::Table)
                    .add_column(ColumnDef::new(Handoffs::OverdueAt).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(record(
                PartnerAsks::Table,
                vec![
                    ColumnDef::new(PartnerAsks::SellerId).uuid().not_null().to_owned(),
                    ColumnDef::new(PartnerAsks::AccountId).uuid().null().to_owned(),
                    ColumnDef::new(PartnerAsks::AccountName).string_len(200).null().to_owned(),
                    ColumnDef::new(PartnerAsks::PartnerId).uuid().null().to_owned(),
                    ColumnDef::new(PartnerAsks::BroughtByPartnerMarketing).boolean().not_null().to_owned(),
                    ColumnDef::new(PartnerAsks::AskedAt).timestamp_with_time_zone().not_null().to_owned(),
                ],
            ))
            .await?;
        manager
            .create_index(by_organization("ix_partner_asks_organization", PartnerAsks::Table, PartnerAsks::AskedAt))
            .await?;
        manager
            .create_table(record(
                PartnerMeetings::Table,
                vec![
                    ColumnDef::new(PartnerMeetings::SellerId).uuid().not_null().to_owned(),
                    ColumnDef::new(PartnerMeetings::AccountId).uuid().not_null().to_owned(),
                    ColumnDef::new(PartnerMeetings::PartnerId).uuid().not_null().to_owned(),
                    ColumnDef::new(PartnerMeetings::HandoffId).uuid().null().to_owned(),
                    ColumnDef::new(PartnerMeetings::MetAt).timestamp_with_time_zone().not_null().to_owned(),
                ],
            ))
            .await?;
        manager
            .create_index(by_organization(
                "ix_partner_meetings_organization",
                PartnerMeetings::Table,
                PartnerMeetings::MetAt,
            ))
            .await?;
        manager
            .create_table(record(
                PipelineMentions::Table,
                vec![
                    ColumnDef::new(PipelineMentions::ReviewKind).string_len(16).not_null().to_owned(),
                    ColumnDef::new(PipelineMentions::AccountId).uuid().null().to_owned(),
                    ColumnDef::new(PipelineMentions::PartnerId).uuid().null().to_owned(),
                    ColumnDef::new(PipelineMentions::PartnerMarketingPresent).boolean().not_null().to_owned(),
                    ColumnDef::new(PipelineMentions::MentionedAt).timestamp_with_time_zone().not_null().to_owned(),
                ],
            ))
            .await?;
        manager
            .create_index(by_organization(
                "ix_pipeline_mentions_organization",
                PipelineMentions::Table,
                PipelineMentions::MentionedAt,
            ))
            .await?;
        manager
            .create_table(record(
                Escalations::Table,
                vec![
                    ColumnDef::new(Escalations::HandoffId).uuid().null().to_owned(),
                    ColumnDef::new(Escalations::AccountId).uuid().null().to_owned(),
                    ColumnDef::new(Escalations::PartnerId).uuid().null().to_owned(),
                    ColumnDef::new(Escalations::Topic).string_len(16).not_null().to_owned(),
                    ColumnDef::new(Escalations::RaisedAt).timestamp_with_time_zone().not_null().to_owned(),
                ],
            ))
            .await?;
        manager
            .create_index(by_organization("ix_escalations_organization", Escalations::Table, Escalations::RaisedAt))
            .await?;
        manager
            .create_table(record(
                ScoreReviews::Table,
                vec![
                    ColumnDef::new(ScoreReviews::Attendees).json().not_null().to_owned(),
                    ColumnDef::new(ScoreReviews::ReviewedAt).timestamp_with_time_zone().not_null().to_owned(),
                ],
            ))
            .await?;
        manager
            .create_index(by_organization(
                "ix_score_reviews_organization",
                ScoreReviews::Table,
                ScoreReviews::ReviewedAt,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WorkingAgreements::Table)
                    .col(ColumnDef::new(WorkingAgreements::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(WorkingAgreements::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(WorkingAgreements::Version).integer().not_null())
                    .col(ColumnDef::new(WorkingAgreements::ConfirmedAccountIds).json().not_null())
                    .col(ColumnDef::new(WorkingAgreements::RequiredComponents).json().not_null())
                    .col(ColumnDef::new(WorkingAgreements::AcceptanceDefinition).text().null())
                    .col(ColumnDef::new(WorkingAgreements::ResponseWindowDays).small_integer().null())
                    .col(ColumnDef::new(WorkingAgreements::MinScoreToSend).small_integer().not_null())
                    .col(ColumnDef::new(WorkingAgreements::InfluenceLanguage).text().null())
                    .col(ColumnDef::new(WorkingAgreements::ScoreReviewCadenceDays).small_integer().null())
                    .col(ColumnDef::new(WorkingAgreements::DraftedBy).uuid().not_null())
                    .col(ColumnDef::new(WorkingAgreements::MarketingSignedBy).uuid().null())
                    .col(ColumnDef::new(WorkingAgreements::MarketingSignedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(WorkingAgreements::SalesSignedBy).uuid().null())
                    .col(ColumnDef::new(WorkingAgreements::SalesSignedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(WorkingAgreements::AgreedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(WorkingAgreements::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(WorkingAgreements::Table, WorkingAgreements::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_working_agreements_version")
                    .table(WorkingAgreements::Table)
                    .col(WorkingAgreements::OrganizationId)
                    .col(WorkingAgreements::Version)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WorkingAgreements::Table.into_iden(),
            ScoreReviews::Table.into_iden(),
            Escalations::Table.into_iden(),
            PipelineMentions::Table.into_iden(),
            PartnerMeetings::Table.into_iden(),
            PartnerAsks::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(Handoffs::Table).drop_column(Handoffs::OverdueAt).to_owned()).await
    }
}
