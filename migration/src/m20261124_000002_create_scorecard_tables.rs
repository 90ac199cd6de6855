//! Partners, accounts, handoffs with their nine components, grade history and seller responses;
//! and each organization's minimum score to send.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    MinScoreToSend,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Partners {
    Table,
    Id,
    OrganizationId,
    Name,
    Sells,
    WhyTheyMatter,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    OrganizationId,
    Name,
    SellerId,
    OnPriorityList,
    ConfirmedBySales,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum Handoffs {
    Table,
    Id,
    OrganizationId,
    AccountId,
    PartnerId,
    SellerId,
    CreatedBy,
    Title,
    Status,
    Score,
    Band,
    WhyThisAccount,
    WhyNow,
    PartnerContext,
    PartnerPerson,
    OurPerson,
    ConnectingThread,
    BuyerProblem,
    OfferDescription,
    OfferAvailableBy,
    OfferAgreedWithPartner,
    NextAction,
    NextActionDueBy,
    OwnerId,
    AcceptanceDefinition,
    ResponseWindowDays,
    Proof,
    SentAt,
    RespondBy,
    DecidedAt,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum HandoffGrades {
    Table,
    Id,
    OrganizationId,
    HandoffId,
    Component,
    Grade,
    Note,
    GradedBy,
    GradedAt,
}

#[derive(DeriveIden)]
enum HandoffResponses {
    Table,
    Id,
    OrganizationId,
    HandoffId,
    SellerId,
    Decision,
    Reason,
    FailedComponents,
    CreatedAt,
}

fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).to_owned()
}

fn index(name: &str, table: impl IntoIden, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(ColumnDef::new(Organizations::MinScoreToSend).small_integer().not_null().default(9))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Partners::Table)
                    .col(ColumnDef::new(Partners::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Partners::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(Partners::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Partners::Sells).text().not_null())
                    .col(ColumnDef::new(Partners::WhyTheyMatter).text().not_null())
                    .col(ColumnDef::new(Partners::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Partners::UpdatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Partners::ArchivedAt).timestamp_with_time_zone().null())
                    .foreign_key(
                        &mut fk((Partners::Table, Partners::OrganizationId), (Organizations::Table, Organizations::Id))
                            .on_delete(ForeignKeyAction::Cascade)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_partners_organization",
                Partners::Table,
                vec![Partners::OrganizationId.into_iden(), Partners::Id.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(ColumnDef::new(Accounts::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Accounts::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(Accounts::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Accounts::SellerId).uuid().not_null())
                    .col(ColumnDef::new(Accounts::OnPriorityList).boolean().not_null().default(false))
                    .col(ColumnDef::new(Accounts::ConfirmedBySales).boolean().not_null().default(false))
                    .col(ColumnDef::new(Accounts::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Accounts::UpdatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Accounts::ArchivedAt).timestamp_with_time_zone().null())
                    .foreign_key(
                        &mut fk((Accounts::Table, Accounts::OrganizationId), (Organizations::Table, Organizations::Id))
                            .on_delete(ForeignKeyAction::Cascade)
                            .to_owned(),
                    )
                    .foreign_key(&mut fk((Accounts::Table, Accounts::SellerId), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_accounts_organization",
                Accounts::Table,
                vec![Accounts::OrganizationId.into_iden(), Accounts::Id.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Handoffs::Table)
                    .col(ColumnDef::new(Handoffs::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Handoffs::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(Handoffs::AccountId).uuid().not_null())
                    .col(ColumnDef::new(Handoffs::PartnerId).uuid().not_null())
                    .col(ColumnDef::new(Handoffs::SellerId).uuid().null())
                    .col(ColumnDef::new(Handoffs::CreatedBy).uuid().not_null())
                    .col(ColumnDef::new(Handoffs::Title).string_len(200).not_null())
                    .col(ColumnDef::new(Handoffs::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Handoffs::Score).small_integer().not_null().default(0))
                    .col(ColumnDef::new(Handoffs::Band).string_len(24).not_null())
                    .col(ColumnDef::new(Handoffs::WhyThisAccount).text().null())
                    .col(ColumnDef::new(Handoffs::WhyNow).text().null())
                    .col(ColumnDef::new(Handoffs::PartnerContext).text().null())
                    .col(ColumnDef::new(Handoffs::PartnerPerson).string_len(200).null())
                    .col(ColumnDef::new(Handoffs::OurPerson).string_len(200).null())
                    .col(ColumnDef::new(Handoffs::ConnectingThread).text().null())
                    .col(ColumnDef::new(Handoffs::BuyerProblem).text().null())
                    .col(ColumnDef::new(Handoffs::OfferDescription).text().null())
                    .col(ColumnDef::new(Handoffs::OfferAvailableBy).date().null())
                    .col(ColumnDef::new(Handoffs::OfferAgreedWithPartner).boolean().not_null().default(false))
                    .col(ColumnDef::new(Handoffs::NextAction).text().null())
                    .col(ColumnDef::new(Handoffs::NextActionDueBy).date().null())
                    .col(ColumnDef::new(Handoffs::OwnerId).uuid().null())
                    .col(ColumnDef::new(Handoffs::AcceptanceDefinition).text().null())
                    .col(ColumnDef::new(Handoffs::ResponseWindowDays).small_integer().null())
                    .col(ColumnDef::new(Handoffs::Proof).json().not_null())
                    .col(ColumnDef::new(Handoffs::SentAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Handoffs::RespondBy).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Handoffs::DecidedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Handoffs::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Handoffs::UpdatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Handoffs::ArchivedAt).timestamp_with_time_zone().null())
                    .foreign_key(
                        &mut fk((Handoffs::Table, Handoffs::OrganizationId), (Organizations::Table, Organizations::Id))
                            .on_delete(ForeignKeyAction::Cascade)
                            .to_owned(),
                    )
                    .foreign_key(&mut fk((Handoffs::Table, Handoffs::AccountId), (Accounts::Table, Accounts::Id)))
                    .foreign_key(&mut fk((Handoffs::Table, Handoffs::PartnerId), (Partners::Table, Partners::Id)))
                    .foreign_key(&mut fk((Handoffs::Table, Handoffs::SellerId), (Users::Table, Users::Id)))
                    .foreign_key(&mut fk((Handoffs::Table, Handoffs::OwnerId), (Users::Table, Users::Id)))
                    .foreign_key(&mut fk((Handoffs::Table, Handoffs::CreatedBy), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_handoffs_organization",
                Handoffs::Table,
                vec![Handoffs::OrganizationId.into_iden(), Handoffs::Id.into_iden()],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_handoffs_organization_sent",
                Handoffs::Table,
                vec![Handoffs::OrganizationId.into_iden(), Handoffs::SentAt.into_iden()],
            ))
            .await?;
        manager
            .create_index(index("ix_handoffs_seller", Handoffs::Table, vec![Handoffs::SellerId.into_iden()]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(HandoffGrades::Table)
                    .col(ColumnDef::new(HandoffGrades::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(HandoffGrades::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(HandoffGrades::HandoffId).uuid().not_null())
                    .col(ColumnDef::new(HandoffGrades::Component).string_len(24).not_null())
                    .col(ColumnDef::new(HandoffGrades::Grade).string_len(8).not_null())
                    .col(ColumnDef::new(HandoffGrades::Note).text().null())
                    .col(ColumnDef::new(HandoffGrades::GradedBy).uuid().not_null())
                    .col(ColumnDef::new(HandoffGrades::GradedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        &mut fk((HandoffGrades::Table, HandoffGrades::HandoffId), (Handoffs::Table, Handoffs::Id))
                            .on_delete(ForeignKeyAction::Cascade)
                            .to_owned(),
                    )
                    .foreign_key(&mut fk((HandoffGrades::Table, HandoffGrades::GradedBy), (Users::Table, Users::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_handoff_grades_handoff",
                HandoffGrades::Table,
                vec![HandoffGrades::HandoffId.into_iden(), HandoffGrades::Id.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(HandoffResponses::Table)
                    .col(ColumnDef::new(HandoffResponses::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(HandoffResponses::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(HandoffResponses::HandoffId).uuid().not_null())
                    .col(ColumnDef::new(HandoffResponses::SellerId).uuid().not_null())
                    .col(ColumnDef::new(HandoffResponses::Decision).string_len(24).not_null())
                    .col(ColumnDef::new(HandoffResponses::Reason).text().null())
                    .col(ColumnDef::new(HandoffResponses::FailedComponents).json().not_null())
                    .col(ColumnDef::new(HandoffResponses::CreatedAt).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        &mut fk(
                            (HandoffResponses::Table, HandoffResponses::HandoffId),
                            (Handoffs::Table, Handoffs::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .foreign_key(&mut fk(
                        (HandoffResponses::Table, HandoffResponses::SellerId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_handoff_responses_handoff",
                HandoffResponses::Table,
                vec![HandoffResponses::HandoffId.into_iden(), HandoffResponses::Id.into_iden()],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            HandoffResponses::Table.into_iden(),
            HandoffGrades::Table.into_iden(),
            Handoffs::Table.into_iden(),
            Accounts::Table.into_iden(),
            Partners::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter().table(Organizations::Table).drop_column(Organizations::MinScoreToSend).to_owned(),
            )
            .await
    }
}
