//! What the send gate decides on, read in one statement with the handoff locked.

use entity::codes::Components;
use entity::{membership, organization, working_agreement};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement, SimpleExpr, SubQueryStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, FromQueryResult, QueryFilter, QuerySelect, QueryTrait};
use uuid::Uuid;

use super::{HandoffRow, visible};
use crate::domain::Role;
use crate::domain::scorecard::SendRules;
use crate::store::working_agreements;
use crate::store::{StoreError, TenantTx};

/// The locked handoff with the rules in force for it and its seller's current role.
#[derive(Debug, Clone)]
pub struct SendBundle {
    pub row: HandoffRow,
    pub rules: SendRules,
    /// The addressed seller's role in the organization now; `None` when they are no member.
    pub seller_role: Option<Role>,
}

/// The handoff `id` as the caller sees it, locked until the transaction ends (on PostgreSQL), with
/// the organization's minimum score, the latest agreed working agreement's minimum and required
/// components, and the seller's role, all in one statement.
///
/// On PostgreSQL the rules and the role come from the statement's snapshot, taken before it may
/// wait for another send's lock on the row: a rule or role changed during that wait applies from
/// the next send on, as if this send had come first.
pub async fn lock_for_send(tx: &TenantTx, id: Uuid) -> Result<Option<SendBundle>, StoreError> {
    use entity::handoff::Column as H;
    let organization_id = tx.organization_id();
    let agreed = |column: working_agreement::Column| {
        Query::select()
            .column(column)
            .from(working_agreement::Entity)
            .and_where(working_agreement::Column::OrganizationId.eq(organization_id))
            .and_where(working_agreement::Column::AgreedAt.is_not_null())
            .order_by(working_agreement::Column::Version, sea_orm::Order::Desc)
            .limit(1)
            .to_owned()
    };
    let own_minimum = Query::select()
        .column(organization::Column::MinScoreToSend)
        .from(organization::Entity)
        .and_where(organization::Column::Id.eq(organization_id))
        .to_owned();
    let seller_role = Query::select()
        .column(membership::Column::Role)
        .from(membership::Entity)
        .and_where(membership::Column::OrganizationId.eq(organization_id))
        .and_where(
            Expr::col((membership::Entity, membership::Column::UserId)).equals((entity::handoff::Entity, H::SellerId)),
        )
        .to_owned();
    let query = visible(tx)
        .filter(H::Id.eq(id))
        .expr_as(scalar(own_minimum), "own_minimum")
        .expr_as(scalar(agreed(working_agreement::Column::Id)), "agreed_id")
        .expr_as(scalar(agreed(working_agreement::Column::MinScoreToSend)), "agreed_minimum")
        .expr_as(scalar(agreed(working_agreement::Column::RequiredComponents)), "agreed_required")
        .expr_as(scalar(seller_role), "seller_role");
    let query = if tx.is_postgres() { query.lock_exclusive() } else { query };
    let statement = tx.conn().get_database_backend().build(&query.into_query());
    let Some(found) = tx.conn().query_one_raw(statement).await? else { return Ok(None) };
    let row = HandoffRow::from_query_result(&found, "")?;
    let own_minimum: i16 = found.try_get("", "own_minimum")?;
    let agreed_id: Option<Uuid> = found.try_get("", "agreed_id")?;
    let agreed = match agreed_id {
        Some(id) => {
            let minimum: i16 = found.try_get("", "agreed_minimum")?;
            let required: Components = found.try_get("", "agreed_required")?;
            Some(working_agreements::agreed_rules(id, minimum, &required)?)
        }
        None => None,
    };
    let seller_role: Option<entity::Role> = found.try_get("", "seller_role")?;
    Ok(Some(SendBundle {
        row,
        rules: SendRules::in_force(working_agreements::organization_minimum(organization_id, own_minimum)?, agreed),
        seller_role: seller_role.map(Role::from),
    }))
}

fn scalar(select: SelectStatement) -> SimpleExpr {
    SimpleExpr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(select)))
}
