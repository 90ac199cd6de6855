//! A handoffs file matched against the organization: each line becomes a handoff with its grades,
//! score, band, status and response, or a row problem.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Plan;
use super::matcher::Matcher;
use crate::domain::Role;
use crate::domain::access::PACKET_WRITERS;
use crate::domain::import::{HandoffLine, Problem, Problems};
use crate::domain::scorecard::{Decision, GradeSet, is_overdue};
use crate::store::handoffs::HandoffContent;
use crate::store::import::{self, ImportedHandoff, ImportedResponse, Written};
use crate::store::{StoreError, TenantTx};

/// `lines` matched against the organization. Only an ADMIN imports what other people said or
/// did: sellers' answers, and handoffs written by someone else (through the API only the addressed
/// seller answers, and a marketer writes as themselves).
pub async fn plan(
    tx: &TenantTx,
    lines: Vec<HandoffLine>,
    may_speak_for_others: bool,
    now: DateTime<Utc>,
) -> Result<Plan<ImportedHandoff>, StoreError> {
    let mut problems = Problems::default();
    let mut matcher = Matcher::new(import::directory(tx).await?);
    let mut matched = Vec::with_capacity(lines.len());
    for line in lines {
        match matched_line(&mut matcher, tx.user_id(), may_speak_for_others, &line) {
            Ok(found) => matched.push((line, found)),
            Err(found) => found.into_iter().for_each(|p| problems.push(p)),
        }
    }
    // A handoff with the same account, title and creation time as one stored (or an earlier row)
    // is the same handoff: a file imported twice must not double the history.
    let mut existing_accounts: Vec<Uuid> =
        matched.iter().map(|(_, m)| m.account_id).filter(|a| !matcher.is_new_account(*a)).collect();
    existing_accounts.sort_unstable();
    existing_accounts.dedup();
    let stored = import::handoff_keys(tx, &existing_accounts).await?;
    let mut seen: HashMap<(Uuid, String, DateTime<Utc>), u32> = HashMap::new();
    let mut rows = Vec::with_capacity(matched.len());
    for (line, found) in matched {
        let key = (found.account_id, import::title_key(&line.title), line.created_at);
        if stored.contains_key(&key) {
            let message = "is already stored: a handoff with this account, title and created_at exists \
                           (was this file imported before?)";
            problems.push(Problem::new(line.row, Some("title"), message));
            continue;
        }
        if let Some(first) = seen.insert(key, line.row) {
            let message = format!("repeats row {first} (the same account, title and created_at)");
            problems.push(Problem::new(line.row, Some("title"), message));
            continue;
        }
        rows.push(handoff(line, found, now));
    }
    Ok(Plan {
        rows,
        created_accounts: std::mem::take(&mut matcher.new_accounts),
        created_partners: std::mem::take(&mut matcher.new_partners),
        unknown_people: matcher.unknown_people.into_iter().collect(),
        problems,
    })
}

/// What a line's names matched.
struct Found {
    account_id: Uuid,
    partner_id: Uuid,
    seller_id: Uuid,
    created_by: Uuid,
    owner_id: Option<Uuid>,
}

fn matched_line(
    matcher: &mut Matcher,
    importer: Uuid,
    may_speak_for_others: bool,
    line: &HandoffLine,
) -> Result<Found, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut check = |column: &str, found: Result<Option<Uuid>, String>| match found {
        Ok(id) => id,
        Err(message) => {
            problems.push(Problem::new(line.row, Some(column), message));
            None
        }
    };
    let seller = check("seller", matcher.person(&line.seller, &[Role::Seller]).map(Some));
    let created_by = match &line.created_by {
        Some(who) => check("created_by", matcher.person(who, PACKET_WRITERS).map(Some)),
        None => Some(importer),
    };
    let owner = match &line.owner {
        Some(who) => check("owner", matcher.person(who, &Role::ALL).map(Some)).map(Some),
        None => Some(None),
    };
    // A new account belongs to the row's seller; without one it cannot be made.
    let account = check("account", matcher.account(&line.account, seller));
    let partner = check("partner", matcher.partner(&line.partner, true));
    if !may_speak_for_others {
        if line.response.is_some() {
            let message = "only an ADMIN imports sellers' answers: they are the sellers' word";
            problems.push(Problem::new(line.row, Some("response"), message));
        }
        if created_by.is_some_and(|author| author != importer) {
            let message = "only an ADMIN imports handoffs written by someone else; leave it empty for yourself";
            problems.push(Problem::new(line.row, Some("created_by"), message));
        }
    }
    match (account, partner, seller, created_by, owner) {
        (Some(account_id), Some(partner_id), Some(seller_id), Some(created_by), Some(owner_id))
            if problems.is_empty() =>
        {
            Ok(Found { account_id, partner_id, seller_id, created_by, owner_id })
        }
        _ => Err(problems),
    }
}

fn handoff(line: HandoffLine, found: Found, now: DateTime<Utc>) -> ImportedHandoff {
    let set = GradeSet::from_pairs(line.grades.iter().copied());
    let status = line.status();
    let respond_by = line.respond_by();
    let decided_at = match &line.response {
        Some(r) if r.decision != Decision::RequestClarification => Some(r.at),
        _ => None,
    };
    // Silence already past is history, not news: marked as the overdue sweep would have marked it,
    // so the sweep does not announce it now.
    let overdue_at = is_overdue(status, respond_by, now).then_some(respond_by).flatten();
    let content = HandoffContent { owner_id: found.owner_id, ..line.content };
    ImportedHandoff {
        id: Uuid::now_v7(),
        account_id: found.account_id,
        partner_id: found.partner_id,
        seller_id: found.seller_id,
        created_by: found.created_by,
        title: line.title,
        content,
        status,
        score: set.score(),
        band: set.band(),
        grades: line.grades,
        created_at: line.created_at,
        sent_at: line.sent_at,
        respond_by,
        decided_at,
        overdue_at,
        response: line.response.map(|r| ImportedResponse {
            decision: r.decision,
            at: r.at,
            reason: r.reason,
            failed_components: r.failed_components,
        }),
    }
}

/// What storing `rows` writes.
pub fn counts(rows: &[ImportedHandoff]) -> Written {
    Written {
        handoffs: rows.len() as u64,
        grades: rows.iter().map(|h| h.grades.len() as u64).sum(),
        responses: rows.iter().filter(|h| h.response.is_some()).count() as u64,
        records: 0,
    }
}
