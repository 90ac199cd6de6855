//! Everything an organization owns, table by table, read a page at a time (by id, in the caller's
//! tenant transaction) so that an export of any size is written out as it is read, never held
//! whole. Secrets stay behind: webhook signing secrets, and the hashes of API token and invitation
//! secrets; people are exported as their id, name and email, never their password hash.

use entity::{
    account, api_token, audit_event, escalation, handoff, handoff_event, handoff_grade, handoff_response, invitation,
    membership, partner, partner_ask, partner_meeting, pipeline_mention, score_review, user, webhook_delivery,
    webhook_endpoint, working_agreement,
};
use sea_orm::{ColumnTrait, EntityTrait, IdenStatic, Iterable, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;
use uuid::Uuid;

use super::tenant_table::{TenantTable, of_organization};
use super::{StoreError, TenantTx};

/// Columns never exported, whatever the table.
const SECRET_COLUMNS: [&str; 3] = ["secret", "secret_hash", "password_hash"];

/// The tables of an export, in the order a reader needs them (what rows point to comes first).
pub const TABLES: [&str; 19] = [
    "people",
    "memberships",
    "accounts",
    "partners",
    "working_agreements",
    "handoffs",
    "handoff_grades",
    "handoff_responses",
    "handoff_events",
    "partner_asks",
    "partner_meetings",
    "pipeline_mentions",
    "escalations",
    "score_reviews",
    "webhook_endpoints",
    "webhook_deliveries",
    "api_tokens",
    "invitations",
    "audit_events",
];

/// The columns `table` exports, in the table's order; `None` for a table not in `TABLES`.
pub fn columns(table: &str) -> Option<Vec<&'static str>> {
    fn of<T: EntityTrait>() -> Vec<&'static str> {
        T::Column::iter().map(|c| c.as_str()).filter(|c| !SECRET_COLUMNS.contains(c)).collect()
    }
    Some(match table {
        "people" => of::<user::Entity>().into_iter().filter(|c| ["id", "name", "email"].contains(c)).collect(),
        "memberships" => of::<membership::Entity>(),
        "accounts" => of::<account::Entity>(),
        "partners" => of::<partner::Entity>(),
        "working_agreements" => of::<working_agreement::Entity>(),
        "handoffs" => of::<handoff::Entity>(),
        "handoff_grades" => of::<handoff_grade::Entity>(),
        "handoff_responses" => of::<handoff_response::Entity>(),
        "handoff_events" => of::<handoff_event::Entity>(),
        "partner_asks" => of::<partner_ask::Entity>(),
        "partner_meetings" => of::<partner_meeting::Entity>(),
        "pipeline_mentions" => of::<pipeline_mention::Entity>(),
        "escalations" => of::<escalation::Entity>(),
        "score_reviews" => of::<score_review::Entity>(),
        "webhook_endpoints" => of::<webhook_endpoint::Entity>(),
        "webhook_deliveries" => of::<webhook_delivery::Entity>(),
        "api_tokens" => of::<api_token::Entity>(),
        "invitations" => of::<invitation::Entity>(),
        "audit_events" => of::<audit_event::Entity>(),
        _ => return None,
    })
}

/// Up to `limit` rows of `table` with ids after `after`, in id order, as JSON objects keyed by
/// column (`columns(table)`); an empty page ends the table.
pub async fn page(tx: &TenantTx, table: &str, after: Option<Uuid>, limit: u64) -> Result<Vec<Value>, StoreError> {
    match table {
        "people" => people(tx, after, limit).await,
        "memberships" => rows::<membership::Entity>(tx, after, limit).await,
        "accounts" => rows::<account::Entity>(tx, after, limit).await,
        "partners" => rows::<partner::Entity>(tx, after, limit).await,
        "working_agreements" => rows::<working_agreement::Entity>(tx, after, limit).await,
        "handoffs" => rows::<handoff::Entity>(tx, after, limit).await,
        "handoff_grades" => rows::<handoff_grade::Entity>(tx, after, limit).await,
        "handoff_responses" => rows::<handoff_response::Entity>(tx, after, limit).await,
        "handoff_events" => rows::<handoff_event::Entity>(tx, after, limit).await,
        "partner_asks" => rows::<partner_ask::Entity>(tx, after, limit).await,
        "partner_meetings" => rows::<partner_meeting::Entity>(tx, after, limit).await,
        "pipeline_mentions" => rows::<pipeline_mention::Entity>(tx, after, limit).await,
        "escalations" => rows::<escalation::Entity>(tx, after, limit).await,
        "score_reviews" => rows::<score_review::Entity>(tx, after, limit).await,
        "webhook_endpoints" => rows::<webhook_endpoint::Entity>(tx, after, limit).await,
        "webhook_deliveries" => rows::<webhook_delivery::Entity>(tx, after, limit).await,
        "api_tokens" => rows::<api_token::Entity>(tx, after, limit).await,
        "invitations" => rows::<invitation::Entity>(tx, after, limit).await,
        "audit_events" => rows::<audit_event::Entity>(tx, after, limit).await,
        _ => Ok(Vec::new()),
    }
}

/// A page of the organization's rows of `T`, every row whatever the caller's role would see
/// (an export is its ADMIN's).
async fn rows<T: TenantTable>(tx: &TenantTx, after: Option<Uuid>, limit: u64) -> Result<Vec<Value>, StoreError> {
    let mut query = of_organization::<T>(tx).select_only();
    for column in T::Column::iter().filter(|c| !SECRET_COLUMNS.contains(&c.as_str())) {
        query = query.column(column);
    }
    if let Some(after) = after {
        query = query.filter(T::ID.gt(after));
    }
    Ok(query.order_by_asc(T::ID).limit(limit).into_json().all(tx.conn()).await?)
}

/// The organization's members as people: id, name and email.
async fn people(tx: &TenantTx, after: Option<Uuid>, limit: u64) -> Result<Vec<Value>, StoreError> {
    let members = of_organization::<membership::Entity>(tx).select_only().column(membership::Column::UserId);
    let mut query = user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::Name, user::Column::Email])
        .filter(user::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(members)));
    if let Some(after) = after {
        query = query.filter(user::Column::Id.gt(after));
    }
    Ok(query.order_by_asc(user::Column::Id).limit(limit).into_json().all(tx.untenanted()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Secrets are kept out by name: a new column that looks like one must be looked at (and
    /// added to `SECRET_COLUMNS` when it is one) before it can be exported.
    #[test]
    fn no_exported_column_looks_like_a_secret() {
        let allowed = ["secret_prefix", "secret_key_id"];
        for table in TABLES {
            for column in columns(table).unwrap() {
                // A reference to another row (`api_token_id`) names no secret.
                let suspicious = !column.ends_with("_id")
                    && ["secret", "hash", "password", "token", "key"].iter().any(|w| column.contains(w));
                assert!(!suspicious || allowed.contains(&column), "{table}.{column} would be exported");
            }
        }
        assert_eq!(columns("people").unwrap(), ["id", "email", "name"]);
        assert!(columns("sessions").is_none() && columns("refresh_tokens").is_none());
    }
}
