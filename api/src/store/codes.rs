//! The domain's values and the codes the tables store, converted both ways. The database spells
//! its codes in `entity::codes`, the API in the domain; a test below keeps the two spellings equal.

use entity::codes as stored;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, Iterable, QueryFilter, QuerySelect};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::StoreError;
use super::tenant_table::TenantTable;

use crate::domain::Role;
use crate::domain::audit::Action;
use crate::domain::scorecard::{Band, Component, Decision, Grade, HandoffStatus};
use crate::domain::trust::EscalationTopic;

macro_rules! same_values {
    ($domain:ident => $stored:ty { $($variant:ident),+ $(,)? }) => {
        impl From<$domain> for $stored {
            fn from(value: $domain) -> Self {
                match value {
                    $($domain::$variant => Self::$variant,)+
                }
            }
        }

        impl From<$stored> for $domain {
            fn from(value: $stored) -> Self {
                type Stored = $stored;
                match value {
                    $(Stored::$variant => $domain::$variant,)+
                }
            }
        }
    };
}

same_values!(HandoffStatus => stored::HandoffStatus { Draft, Sent, Accepted, Declined });
same_values!(Band => stored::Band { SalesReady, FixBeforeVolume, NotAHandoffYet });
same_values!(Component => stored::Component {
    TargetAccountLogic, PartnerContext, RelationshipPath, BuyerProblem, PartnerOffer, NextAction, Owner,
    AcceptanceCriteria, Proof,
});
same_values!(Grade => stored::Grade { Strong, Weak, Missing });
same_values!(Decision => stored::Decision { Accept, Decline, RequestClarification });
same_values!(EscalationTopic => stored::EscalationTopic { WhichAccount, WhichPartner, WorthReading });
same_values!(Role => entity::Role { Admin, PartnerMarketer, Seller, SalesLeader });
same_values!(Action => stored::AuditAction {
    SettingsChanged, InvitationSent, InvitationAccepted, InvitationRevoked, MemberRoleChanged, MemberRemoved,
    ApiTokenCreated, ApiTokenRevoked, WebhookCreated, WebhookDisabled, AgreementDrafted, AgreementSigned,
    OrganizationExported, OrganizationImported, ReportLinkCreated,
});

/// Stored component codes as the domain's components.
pub fn components(stored: &stored::Components) -> Vec<Component> {
    stored.0.iter().map(|c| Component::from(*c)).collect()
}

/// Domain components as a stored list.
pub fn stored_components(components: &[Component]) -> stored::Components {
    stored::Components(components.iter().map(|c| (*c).into()).collect())
}

/// A stored number as the type the rules read; a value that does not fit is an error naming the
/// row, never a default.
pub fn number<T: TryFrom<i16>>(
    table: &'static str,
    id: Uuid,
    column: &'static str,
    stored: i16,
) -> Result<T, StoreError> {
    T::try_from(stored).map_err(|_| StoreError::corrupt(table, id, column, stored))
}

/// `number`, for a column that may be empty.
pub fn optional_number<T: TryFrom<i16>>(
    table: &'static str,
    id: Uuid,
    column: &'static str,
    stored: Option<i16>,
) -> Result<Option<T>, StoreError> {
    stored.map(|value| number(table, id, column, value)).transpose()
}

/// A stored value this version cannot read, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub table: &'static str,
    pub id: Uuid,
    pub column: &'static str,
    pub value: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} row {}: {} holds {}, which this version cannot read",
            self.table, self.id, self.column, self.value
        )
    }
}

/// How far `unreadable` looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// Coded and numeric columns, filtered by the database: cheap enough for every start-up.
    Codes,
    /// Also every JSON list, each read and parsed: for `handoff-api check-data`.
    Everything,
}

/// Every stored value this version cannot read, naming its row. A read that meets one fails
/// rather than guessing; this says which rows to repair (`handoff-api check-data`, and the log at
/// start-up).
pub async fn unreadable(conn: &impl ConnectionTrait, scan: Scan) -> Result<Vec<Unreadable>, StoreError> {
    use entity::{
        audit_event, escalation, handoff, handoff_grade, handoff_response, pipeline_mention, score_review,
        webhook_delivery, webhook_endpoint, working_agreement,
    };
    let mut found = Vec::new();
    found.extend(codes::<handoff::Entity, stored::HandoffStatus>(conn, handoff::Column::Status).await?);
    found.extend(codes::<handoff::Entity, stored::Band>(conn, handoff::Column::Band).await?);
    found.extend(codes::<handoff_grade::Entity, stored::Component>(conn, handoff_grade::Column::Component).await?);
    found.extend(codes::<handoff_grade::Entity, stored::Grade>(conn, handoff_grade::Column::Grade).await?);
    found.extend(codes::<handoff_response::Entity, stored::Decision>(conn, handoff_response::Column::Decision).await?);
    found.extend(codes::<escalation::Entity, stored::EscalationTopic>(conn, escalation::Column::Topic).await?);
    found.extend(
        codes::<pipeline_mention::Entity, stored::ReviewKind>(conn, pipeline_mention::Column::ReviewKind).await?,
    );
    found.extend(
        codes::<webhook_delivery::Entity, stored::DeliveryStatus>(conn, webhook_delivery::Column::Status).await?,
    );
    found.extend(codes::<audit_event::Entity, stored::AuditAction>(conn, audit_event::Column::Action).await?);
    found.extend(negative::<handoff::Entity>(conn, handoff::Column::Score).await?);
    found.extend(negative::<handoff::Entity>(conn, handoff::Column::ResponseWindowDays).await?);
    for column in [
        working_agreement::Column::MinScoreToSend,
        working_agreement::Column::ResponseWindowDays,
        working_agreement::Column::ScoreReviewCadenceDays,
    ] {
        found.extend(negative::<working_agreement::Entity>(conn, column).await?);
    }
    if scan == Scan::Codes {
        return Ok(found);
    }
    found.extend(json::<handoff::Entity, stored::ProofLinks>(conn, handoff::Column::Proof).await?);
    found.extend(
        json::<handoff_response::Entity, stored::Components>(conn, handoff_response::Column::FailedComponents).await?,
    );
    found.extend(
        json::<working_agreement::Entity, stored::Components>(conn, working_agreement::Column::RequiredComponents)
            .await?,
    );
    found.extend(
        json::<working_agreement::Entity, stored::Ids>(conn, working_agreement::Column::ConfirmedAccountIds).await?,
    );
    found.extend(json::<score_review::Entity, stored::Ids>(conn, score_review::Column::Attendees).await?);
    found.extend(json::<webhook_endpoint::Entity, Vec<String>>(conn, webhook_endpoint::Column::EventTypes).await?);
    Ok(found)
}

/// Rows of `T` whose count or score `column` is below zero, which no rule reads.
async fn negative<T: TenantTable>(
    conn: &impl ConnectionTrait,
    column: T::Column,
) -> Result<Vec<Unreadable>, StoreError> {
    let rows: Vec<(Uuid, i16)> = T::find()
        .select_only()
        .column(T::ID)
        .column_as(Expr::col(column), "value")
        .filter(column.lt(0))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|(id, value)| found::<T>(column, id, value.to_string())).collect())
}

/// Rows of `T` whose `column` holds a code `A` does not know.
async fn codes<T: TenantTable, A: ActiveEnum<Value = String> + Iterable>(
    conn: &impl ConnectionTrait,
    column: T::Column,
) -> Result<Vec<Unreadable>, StoreError> {
    let known: Vec<String> = A::iter().map(|code| code.to_value()).collect();
    let rows: Vec<(Uuid, String)> = T::find()
        .select_only()
        .column(T::ID)
        .column_as(Expr::col(column), "value")
        .filter(column.is_not_in(known))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|(id, value)| found::<T>(column, id, value)).collect())
}

/// Rows of `T` whose JSON `column` does not read as `J` (read as text, so that text that is not
/// JSON at all is named too).
async fn json<T: TenantTable, J: DeserializeOwned>(
    conn: &impl ConnectionTrait,
    column: T::Column,
) -> Result<Vec<Unreadable>, StoreError> {
    let rows: Vec<(Uuid, String)> = T::find()
        .select_only()
        .column(T::ID)
        .column_as(Expr::col(column).cast_as("text"), "value")
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, value)| serde_json::from_str::<J>(value).is_err())
        .map(|(id, value)| found::<T>(column, id, value))
        .collect())
}

fn found<T: TenantTable>(column: T::Column, id: Uuid, value: String) -> Unreadable {
    Unreadable { table: T::default().table_name(), id, column: sea_orm::IdenStatic::as_str(&column), value }
}

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;
    use sea_orm::Iterable;

    use super::*;

    /// Every stored code reads back as the domain value the API names with the same code.
    fn same_spelling<S, D>(code: impl Fn(D) -> String)
    where
        S: ActiveEnum<Value = String> + Iterable + Copy,
        D: From<S>,
    {
        for value in S::iter() {
            assert_eq!(value.to_value(), code(D::from(value)));
        }
    }

    #[test]
    fn the_database_and_the_api_spell_every_code_alike() {
        same_spelling::<stored::HandoffStatus, HandoffStatus>(|v| v.code().into());
        same_spelling::<stored::Band, Band>(|v| v.code().into());
        same_spelling::<stored::Component, Component>(|v| v.code().into());
        same_spelling::<stored::Grade, Grade>(|v| v.code().into());
        same_spelling::<stored::EscalationTopic, EscalationTopic>(|v| v.code().into());
        same_spelling::<entity::Role, Role>(|v| v.contract_name().into());
        same_spelling::<stored::AuditAction, Action>(|v| v.name().into());
        same_spelling::<stored::Decision, Decision>(|v| v.code().into());
    }
}
