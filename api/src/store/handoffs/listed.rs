//! A listed handoff with the account and partner it names, read in the handoff's own statement: a
//! page costs one read for the three tables instead of three. Their columns follow the handoff's,
//! aliased with a prefix so that SQLite, which reads by name, tells them apart (a prefix that makes
//! no name of the handoff's own: `account_` would turn the account's `id` into `account_id`).

use entity::{account, handoff, partner};
use sea_orm::{
    DbErr, EntityTrait, FromQueryResult, IdenStatic, JoinType, QueryResult, QuerySelect, RelationDef, Select,
};
use uuid::Uuid;

use super::HandoffRow;
use crate::store::accounts::Account;
use crate::store::by_position::{ByPosition, Reader};
use crate::store::partners::Partner;

pub struct Listed {
    pub row: HandoffRow,
    /// `None` only if the account is out of the caller's reach, as a separate read would find it.
    pub account: Option<Account>,
    pub partner: Option<Partner>,
}

const ACCOUNT: &str = "listed_account_";
const PARTNER: &str = "listed_partner_";

fn account_columns() -> [account::Column; 9] {
    use account::Column as C;
    [
        C::Id,
        C::OrganizationId,
        C::Name,
        C::SellerId,
        C::OnPriorityList,
        C::ConfirmedBySales,
        C::CreatedAt,
        C::UpdatedAt,
        C::ArchivedAt,
    ]
}

fn partner_columns() -> [partner::Column; 8] {
    use partner::Column as C;
    [C::Id, C::OrganizationId, C::Name, C::Sells, C::WhyTheyMatter, C::CreatedAt, C::UpdatedAt, C::ArchivedAt]
}

/// Joined on the organization as well as the id, so that a joined row is of the handoff's own
/// organization whatever a query's filters are.
fn named<E: EntityTrait>(organization: E::Column, id: E::Column, named_by: handoff::Column) -> RelationDef {
    handoff::Entity::belongs_to(E::default())
        .from((handoff::Column::OrganizationId, named_by))
        .to((organization, id))
        .into()
}

impl ByPosition for Listed {
    type Entity = handoff::Entity;

    fn columns() -> Vec<handoff::Column> {
        HandoffRow::columns()
    }

    fn joined(select: Select<handoff::Entity>) -> Select<handoff::Entity> {
        let select = select
            .join(
                JoinType::LeftJoin,
                named::<account::Entity>(
                    account::Column::OrganizationId,
                    account::Column::Id,
                    handoff::Column::AccountId,
                ),
            )
            .join(
                JoinType::LeftJoin,
                named::<partner::Entity>(
                    partner::Column::OrganizationId,
                    partner::Column::Id,
                    handoff::Column::PartnerId,
                ),
            );
        let select =
            account_columns().into_iter().fold(select, |s, c| s.column_as(c, format!("{ACCOUNT}{}", c.as_str())));
        partner_columns().into_iter().fold(select, |s, c| s.column_as(c, format!("{PARTNER}{}", c.as_str())))
    }

    fn decode(row: &mut Reader<'_>) -> Result<Self, DbErr> {
        Ok(Self { row: HandoffRow::decode(row)?, account: account_of(row)?, partner: partner_of(row)? })
    }
}

fn account_of(row: &mut Reader<'_>) -> Result<Option<Account>, DbErr> {
    let Some(id) = row.next::<Option<Uuid>>()? else {
        row.skip(account_columns().len() - 1);
        return Ok(None);
    };
    Ok(Some(Account {
        id,
        organization_id: row.next()?,
        name: row.next()?,
        seller_id: row.next()?,
        on_priority_list: row.next()?,
        confirmed_by_sales: row.next()?,
        created_at: row.time()?,
        updated_at: row.time()?,
        archived_at: row.maybe_time()?,
    }))
}

fn partner_of(row: &mut Reader<'_>) -> Result<Option<Partner>, DbErr> {
    let Some(id) = row.next::<Option<Uuid>>()? else {
        row.skip(partner_columns().len() - 1);
        return Ok(None);
    };
    Ok(Some(Partner {
        id,
        organization_id: row.next()?,
        name: row.next()?,
        sells: row.next()?,
        why_they_matter: row.next()?,
        created_at: row.time()?,
        updated_at: row.time()?,
        archived_at: row.maybe_time()?,
    }))
}

/// SQLite's rows, read by name.
impl FromQueryResult for Listed {
    fn from_query_result(result: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            row: HandoffRow::from_query_result(result, pre)?,
            account: joined::<Account>(result, ACCOUNT)?,
            partner: joined::<Partner>(result, PARTNER)?,
        })
    }
}

/// The joined row under `prefix`: `None` when the join found none (a NULL id), and any other
/// failure to read it an error, not a missing row.
fn joined<M: FromQueryResult>(result: &QueryResult, prefix: &str) -> Result<Option<M>, DbErr> {
    match result.try_get::<Option<Uuid>>(prefix, "id")? {
        Some(_) => M::from_query_result(result, prefix).map(Some),
        None => Ok(None),
    }
}
