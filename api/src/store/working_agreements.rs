//! The working agreement: versions, signatures, and the facts plays read from it.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::codes::{Components, Ids};
use entity::organization;
use entity::working_agreement::{self, ActiveModel, Column, Entity};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use super::tenant_table::TenantTable;
use super::{PortfolioTx, StoreError, TenantTx, codes, organizations, trust_records};
use crate::domain::scorecard::{Component, PlayContext, SendRules};
use crate::domain::working_agreement::{Terms, review_cadence_days};

pub use working_agreement::Model as AgreementRow;

const TABLE: &str = "working_agreements";

/// What a stored version says.
pub fn terms_of(row: &AgreementRow) -> Result<Terms, StoreError> {
    Ok(Terms {
        required_components: required_components(row),
        acceptance_definition: row.acceptance_definition.clone(),
        response_window_days: codes::optional_number(TABLE, row.id, "response_window_days", row.response_window_days)?,
        min_score_to_send: codes::number(TABLE, row.id, "min_score_to_send", row.min_score_to_send)?,
        influence_language: row.influence_language.clone(),
        score_review_cadence_days: codes::optional_number(
            TABLE,
            row.id,
            "score_review_cadence_days",
            row.score_review_cadence_days,
        )?,
    })
}

/// The latest version, agreed or not.
pub async fn latest(tx: &TenantTx) -> Result<Option<AgreementRow>, StoreError> {
    Ok(Entity::visible(tx).order_by_desc(Column::Version).one(tx.conn()).await?)
}

/// The latest version both sides signed.
pub async fn agreed(tx: &TenantTx) -> Result<Option<AgreementRow>, StoreError> {
    Ok(Entity::visible(tx).filter(Column::AgreedAt.is_not_null()).order_by_desc(Column::Version).one(tx.conn()).await?)
}

/// Every version, newest first.
pub async fn history(tx: &TenantTx) -> Result<Vec<AgreementRow>, StoreError> {
    Ok(Entity::visible(tx).order_by_desc(Column::Version).limit(200).all(tx.conn()).await?)
}

/// Locks the organization's agreement for a change and returns its latest version, so that
/// concurrent drafts and signatures take turns and each sees the other's result.
pub async fn lock_latest(tx: &TenantTx) -> Result<Option<AgreementRow>, StoreError> {
    organizations::lock(tx).await?;
    latest(tx).await
}

/// Writes a new unsigned version with `terms` after `latest` (read with `lock_latest` in the same
/// transaction), recording the accounts sales had confirmed; earlier versions stay as history.
pub async fn draft(
    tx: &TenantTx,
    latest: Option<&AgreementRow>,
    terms: Terms,
    confirmed_account_ids: Vec<Uuid>,
    now: DateTime<Utc>,
) -> Result<AgreementRow, StoreError> {
    let version = latest.map_or(1, |row| row.version + 1);
    ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(tx.organization_id()),
        version: Set(version),
        confirmed_account_ids: Set(Ids(confirmed_account_ids)),
        required_components: Set(codes::stored_components(&terms.required_components)),
        acceptance_definition: Set(terms.acceptance_definition),
        response_window_days: Set(terms.response_window_days.map(|d| d as i16)),
        min_score_to_send: Set(i16::from(terms.min_score_to_send)),
        influence_language: Set(terms.influence_language),
        score_review_cadence_days: Set(terms.score_review_cadence_days.map(|d| d as i16)),
        drafted_by: Set(tx.user_id()),
        marketing_signed_by: Set(None),
        marketing_signed_at: Set(None),
        sales_signed_by: Set(None),
        sales_signed_at: Set(None),
        agreed_at: Set(None),
        created_at: Set(now),
    }
    .insert(tx.conn())
    .await
    .map_err(|e| StoreError::unique(e, "organizationId", "another version was drafted at the same time; try again"))
}

pub use crate::domain::working_agreement::Side;

/// Signs `row` for `side` as the caller; the version is agreed once both sides have signed it.
pub async fn sign(
    tx: &TenantTx,
    row: AgreementRow,
    side: Side,
    now: DateTime<Utc>,
) -> Result<AgreementRow, StoreError> {
    let marketing_signed = side == Side::PartnerMarketing || row.marketing_signed_at.is_some();
    let sales_signed = side == Side::Sales || row.sales_signed_at.is_some();
    let already_agreed = row.agreed_at.is_some();
    let mut active: ActiveModel = row.into();
    match side {
        Side::PartnerMarketing => {
            active.marketing_signed_by = Set(Some(tx.user_id()));
            active.marketing_signed_at = Set(Some(now));
        }
        Side::Sales => {
            active.sales_signed_by = Set(Some(tx.user_id()));
            active.sales_signed_at = Set(Some(now));
        }
    }
    if marketing_signed && sales_signed && !already_agreed {
        active.agreed_at = Set(Some(now));
    }
    Ok(active.update(tx.conn()).await?)
}

/// The organization's send rules: its latest agreed version's minimum and required components, or
/// its own minimum when nothing is agreed. A page's `Handoff.sendBlockers` reads them here; the send
/// itself reads them with the locked handoff (`handoffs::lock_for_send`).
pub async fn send_rules(conn: &impl ConnectionTrait, organization_id: Uuid) -> Result<SendRules, StoreError> {
    let agreed = Entity::find()
        .filter(Column::OrganizationId.eq(organization_id))
        .filter(Column::AgreedAt.is_not_null())
        .order_by_desc(Column::Version)
        .one(conn)
        .await?;
    let minimum: i16 = organization::Entity::find_by_id(organization_id)
        .select_only()
        .column(organization::Column::MinScoreToSend)
        .into_tuple()
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let agreed = agreed.map(|row| agreed_rules(row.id, row.min_score_to_send, &row.required_components)).transpose()?;
    Ok(SendRules::in_force(organization_minimum(organization_id, minimum)?, agreed))
}

/// The accounts the organization's latest agreed version confirmed; `None` when nothing is agreed.
pub async fn confirmed_accounts(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
) -> Result<Option<Vec<Uuid>>, StoreError> {
    let ids: Option<Ids> = Entity::find()
        .filter(Column::OrganizationId.eq(organization_id))
        .filter(Column::AgreedAt.is_not_null())
        .order_by_desc(Column::Version)
        .select_only()
        .column(Column::ConfirmedAccountIds)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(ids.map(|ids| ids.0))
}

/// The send rules an agreed version sets.
pub(super) fn agreed_rules(id: Uuid, minimum: i16, required: &Components) -> Result<SendRules, StoreError> {
    Ok(SendRules {
        minimum_score: codes::number(TABLE, id, "min_score_to_send", minimum)?,
        required: codes::components(required),
    })
}

/// An organization's own minimum score to send, as stored.
pub fn organization_minimum(organization_id: Uuid, stored: i16) -> Result<u8, StoreError> {
    codes::number("organizations", organization_id, "min_score_to_send", stored)
}

pub fn required_components(row: &AgreementRow) -> Vec<Component> {
    codes::components(&row.required_components)
}

/// The organization-level facts two plays read: an agreed working agreement, and a score review
/// within the agreed cadence (30 days when none is agreed).
pub async fn play_context(tx: &TenantTx, now: DateTime<Utc>) -> Result<PlayContext, StoreError> {
    let agreed = agreed(tx).await?.map(|row| terms_of(&row)).transpose()?;
    let last_review = trust_records::last_score_review(tx).await?;
    Ok(play_context_of(agreed.as_ref(), last_review, now))
}

/// `play_context` for each of a portfolio's organizations, in two statements.
pub async fn play_contexts_across(
    ptx: &PortfolioTx,
    now: DateTime<Utc>,
) -> Result<HashMap<Uuid, PlayContext>, StoreError> {
    // Every agreed version, an organization's newest first (an organization has a handful, read
    // along its (organization_id, version) index): the first of each counts.
    let mut agreed: HashMap<Uuid, AgreementRow> = HashMap::new();
    let rows = super::tenant_table::of_organizations::<Entity>(ptx)
        .filter(Column::AgreedAt.is_not_null())
        .order_by_asc(Column::OrganizationId)
        .order_by_desc(Column::Version)
        .all(ptx.conn())
        .await?;
    for row in rows {
        agreed.entry(row.organization_id).or_insert(row);
    }
    let reviews = trust_records::last_score_reviews_across(ptx).await?;
    let mut contexts = HashMap::new();
    for id in ptx.organization_ids() {
        let terms = agreed.get(id).map(terms_of).transpose()?;
        contexts.insert(*id, play_context_of(terms.as_ref(), reviews.get(id).copied(), now));
    }
    Ok(contexts)
}

fn play_context_of(agreed: Option<&Terms>, last_review: Option<DateTime<Utc>>, now: DateTime<Utc>) -> PlayContext {
    let cadence = i64::from(review_cadence_days(agreed));
    PlayContext {
        working_agreement_agreed: Some(agreed.is_some()),
        scores_reviewed_in_cadence: Some(last_review.is_some_and(|at| now - at <= Duration::days(cadence))),
    }
}
