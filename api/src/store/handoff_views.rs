//! A page of handoffs with everything their GraphQL fields show, loaded in a fixed number of
//! statements (grades, accounts, partners, people) whatever the page size.

use std::collections::HashMap;

use uuid::Uuid;

use super::accounts::{self, Account};
use super::grades::{self, GradeRow};
use super::handoffs::HandoffRow;
use super::partners::{self, Partner};
use super::users::{self, User};
use super::{StoreError, TenantTx};
use crate::domain::scorecard::{Component, GradeSet};

#[derive(Debug, Clone)]
pub struct HandoffView {
    pub row: HandoffRow,
    /// The current grading of each graded component.
    pub current_grades: HashMap<Component, GradeRow>,
    pub account: Option<Account>,
    pub partner: Option<Partner>,
    /// The people its fields name: seller, owner, creator and current graders.
    pub people: HashMap<Uuid, User>,
}

impl HandoffView {
    pub fn grade_set(&self) -> GradeSet {
        grades::grade_set(&self.current_grades)
    }

    pub fn person(&self, id: Option<Uuid>) -> Option<&User> {
        id.and_then(|id| self.people.get(&id))
    }
}

pub async fn load(tx: &TenantTx, rows: Vec<HandoffRow>) -> Result<Vec<HandoffView>, StoreError> {
    let refs: Vec<&HandoffRow> = rows.iter().collect();
    let grade_rows = grades::of_handoffs(tx, &refs).await?;
    let account_ids: Vec<Uuid> = unique(rows.iter().map(|r| r.account_id));
    let partner_ids: Vec<Uuid> = unique(rows.iter().map(|r| r.partner_id));
    let person_ids: Vec<Uuid> = unique(
        rows.iter()
            .flat_map(|r| [r.seller_id, r.owner_id, Some(r.created_by)])
            .flatten()
            .chain(grade_rows.iter().map(|g| g.graded_by)),
    );
    let accounts: HashMap<Uuid, Account> =
        accounts::find_many(tx, &account_ids).await?.into_iter().map(|a| (a.id, a)).collect();
    let partners: HashMap<Uuid, Partner> =
        partners::find_many(tx, &partner_ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let people: HashMap<Uuid, User> =
        users::find_many(tx.untenanted(), &person_ids).await?.into_iter().map(|u| (u.id, u)).collect();
    let current = grades::current(&grade_rows);
    Ok(rows
        .into_iter()
        .map(|row| {
            let current_grades: HashMap<Component, GradeRow> =
                current.get(&row.id).map(|m| m.iter().map(|(c, g)| (*c, (*g).clone())).collect()).unwrap_or_default();
            let named = [row.seller_id, row.owner_id, Some(row.created_by)]
                .into_iter()
                .flatten()
                .chain(current_grades.values().map(|g| g.graded_by));
            HandoffView {
                people: named.filter_map(|id| people.get(&id).map(|u| (id, u.clone()))).collect(),
                account: accounts.get(&row.account_id).cloned(),
                partner: partners.get(&row.partner_id).cloned(),
                current_grades,
                row,
            }
        })
        .collect())
}

fn unique(ids: impl Iterator<Item = Uuid>) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
