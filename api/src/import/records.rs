//! A trust records file matched against the organization. Records name accounts and partners the
//! organization has; unlike a handoffs file they create none (an ask may name an account anew, as
//! `logPartnerAsk` allows).

use uuid::Uuid;

use super::Plan;
use super::matcher::Matcher;
use crate::domain::Role;
use crate::domain::import::{Problem, Problems, RecordLine, RecordTarget};
use crate::store::import::{self, ImportedRecord, ImportedTarget};
use crate::store::{StoreError, TenantTx};

pub async fn plan(tx: &TenantTx, lines: Vec<RecordLine>) -> Result<Plan<ImportedRecord>, StoreError> {
    let mut problems = Problems::default();
    let mut matcher = Matcher::new(import::directory(tx).await?);
    let mut rows = Vec::with_capacity(lines.len());
    for line in lines {
        match matched(&mut matcher, &line) {
            Ok(what) => rows.push(ImportedRecord { at: line.at, note: line.note, what }),
            Err(found) => found.into_iter().for_each(|p| problems.push(p)),
        }
    }
    Ok(Plan {
        rows,
        created_accounts: Vec::new(),
        created_partners: Vec::new(),
        unknown_people: matcher.unknown_people.into_iter().collect(),
        problems,
    })
}

fn matched(matcher: &mut Matcher, line: &RecordLine) -> Result<ImportedTarget, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut check = |column: &str, found: Result<Option<Uuid>, String>| match found {
        Ok(id) => Some(id),
        Err(message) => {
            problems.push(Problem::new(line.row, Some(column), message));
            None
        }
    };
    let target = match &line.target {
        RecordTarget::PartnerAsk { seller, account, partner } => {
            let seller_id = check("seller", matcher.person(seller, &[Role::Seller]).map(Some));
            // An ask may be about an account the organization does not have yet.
            let account_id = check("account", matcher.account(account, None));
            let partner_id = check("partner", existing(matcher, true, partner.as_deref()));
            match (seller_id, account_id, partner_id) {
                (Some(Some(seller_id)), Some(account_id), Some(partner_id)) => Some(ImportedTarget::PartnerAsk {
                    seller_id,
                    account_name: account_id.is_none().then(|| account.clone()),
                    account_id,
                    partner_id,
                }),
                _ => None,
            }
        }
        RecordTarget::PartnerMeeting { seller, account, partner } => {
            let seller_id = check("seller", matcher.person(seller, &[Role::Seller]).map(Some));
            let account_id = check("account", existing(matcher, false, Some(account)));
            let partner_id = check("partner", existing(matcher, true, Some(partner)));
            match (seller_id, account_id, partner_id) {
                (Some(Some(seller_id)), Some(Some(account_id)), Some(Some(partner_id))) => {
                    Some(ImportedTarget::PartnerMeeting { seller_id, account_id, partner_id })
                }
                _ => None,
            }
        }
        RecordTarget::PipelineMention { review, account, partner, partner_marketing_present } => {
            let account_id = check("account", existing(matcher, false, account.as_deref()));
            let partner_id = check("partner", existing(matcher, true, partner.as_deref()));
            account_id.zip(partner_id).map(|(account_id, partner_id)| ImportedTarget::PipelineMention {
                review: *review,
                account_id,
                partner_id,
                present: *partner_marketing_present,
            })
        }
        RecordTarget::Escalation { topic, account, partner } => {
            let account_id = check("account", existing(matcher, false, account.as_deref()));
            let partner_id = check("partner", existing(matcher, true, partner.as_deref()));
            account_id.zip(partner_id).map(|(account_id, partner_id)| ImportedTarget::Escalation {
                topic: *topic,
                account_id,
                partner_id,
            })
        }
        RecordTarget::ScoreReview { attendees } => {
            let ids: Vec<Option<Option<Uuid>>> =
                attendees.iter().map(|who| check("attendees", matcher.person(who, &Role::ALL).map(Some))).collect();
            ids.into_iter().collect::<Option<Vec<_>>>().map(|ids| {
                // One person named by email and by name attends once.
                let mut attendees: Vec<Uuid> = Vec::with_capacity(ids.len());
                for id in ids.into_iter().flatten() {
                    if !attendees.contains(&id) {
                        attendees.push(id);
                    }
                }
                ImportedTarget::ScoreReview { attendees }
            })
        }
    };
    match target {
        Some(target) if problems.is_empty() => Ok(target),
        _ => Err(problems),
    }
}

/// The live account (or partner) named `name`, which must exist; `None` when no name is given.
fn existing(matcher: &mut Matcher, partner: bool, name: Option<&str>) -> Result<Option<Uuid>, String> {
    let Some(name) = name else { return Ok(None) };
    let found = if partner { matcher.partner(name, false)? } else { matcher.account(name, None)? };
    let what = if partner { "partner" } else { "account" };
    found.map(Some).ok_or_else(|| format!("the organization has no {what} named {name}"))
}
