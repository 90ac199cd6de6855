//! Importing a CSV file of history into one organization, for the GraphQL mutations and the
//! `import` command alike: the domain reads the file into lines, [`matcher`] matches their names
//! against the organization, and the store writes every row in the caller's transaction, or
//! nothing when any row has a problem. A dry run does everything but the write.

mod handoffs;
mod matcher;
mod records;

use chrono::{DateTime, Utc};

use crate::domain::audit::Action;
use crate::domain::import::{
    HandoffLine, Problem, Problems, RecordKind, RecordLine, Sheet, handoff_lines, record_lines,
};
use crate::store::import::Written;
use crate::store::{StoreError, TenantTx, audit};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Handoffs,
    Records(RecordKind),
}

impl FileKind {
    /// Who may import a file of this kind.
    pub fn importers(self) -> &'static [crate::domain::Role] {
        match self {
            Self::Handoffs => crate::domain::access::PACKET_WRITERS,
            Self::Records(_) => crate::domain::access::RECORD_IMPORTERS,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Handoffs => "handoffs",
            Self::Records(RecordKind::PartnerAsk) => "partner asks",
            Self::Records(RecordKind::PartnerMeeting) => "partner meetings",
            Self::Records(RecordKind::PipelineMention) => "pipeline mentions",
            Self::Records(RecordKind::Escalation) => "escalations",
            Self::Records(RecordKind::ScoreReview) => "score reviews",
        }
    }
}

/// What an import did, or in a dry run would do.
#[derive(Debug, Default)]
pub struct Report {
    pub dry_run: bool,
    /// Whether the rows were written: never in a dry run, never with a problem.
    pub imported: bool,
    /// Data rows read (blank rows skipped).
    pub rows: u64,
    /// Rows stored, or that a dry run would store.
    pub written: Written,
    pub created_accounts: Vec<String>,
    pub created_partners: Vec<String>,
    /// Emails and names the file gives that no member has.
    pub unknown_people: Vec<String>,
    /// Header cells naming no column of the template (CRM exports carry many).
    pub ignored_columns: Vec<String>,
    /// The first problems by row (at most `domain::import::LISTED_PROBLEMS`).
    pub problems: Vec<Problem>,
    pub problem_count: u64,
}

/// What matching and checking made of a file's lines, ready to write.
pub(crate) struct Plan<T> {
    pub rows: Vec<T>,
    pub created_accounts: Vec<crate::store::import::NewNamed>,
    pub created_partners: Vec<crate::store::import::NewNamed>,
    pub unknown_people: Vec<String>,
    pub problems: Problems,
}

/// Imports `bytes` as a file of `kind` into the transaction's organization as of `now`. The
/// caller commits when the report says `imported`; otherwise nothing was written.
pub async fn import(
    tx: &TenantTx,
    kind: FileKind,
    bytes: Vec<u8>,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let mut report = Report { dry_run, ..Report::default() };
    // Reading a large file is CPU work: off the threads that serve requests.
    let read = tokio::task::spawn_blocking(move || read(kind, &bytes, now))
        .await
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(format!("reading the file failed: {e}"))))?;
    let Read { rows, ignored_columns, mut problems, lines } = match read {
        Ok(read) => read,
        Err(problems) => return Ok(report.with_problems(problems.into())),
    };
    report.rows = rows;
    report.ignored_columns = ignored_columns;
    // A dry run writes nothing, so it need not wait for (or hold up) another import.
    if !dry_run {
        crate::store::import::one_at_a_time(tx).await?;
    }
    let may_speak_for_others = tx.role() == crate::domain::Role::Admin;
    let (written, created_accounts, created_partners, unknown_people) = match lines {
        Lines::Handoffs(lines) => {
            let plan = handoffs::plan(tx, lines, may_speak_for_others, now).await?;
            problems.append(plan.problems);
            let written = handoffs::counts(&plan.rows);
            if problems.is_empty() && !dry_run {
                let (accounts, partners) = (&plan.created_accounts, &plan.created_partners);
                crate::store::import::write_handoffs(tx, accounts, partners, plan.rows, now).await?;
            }
            (written, plan.created_accounts, plan.created_partners, plan.unknown_people)
        }
        Lines::Records(lines) => {
            let plan = records::plan(tx, lines).await?;
            problems.append(plan.problems);
            let written = Written { records: plan.rows.len() as u64, ..Written::default() };
            if problems.is_empty() && !dry_run {
                crate::store::import::write_records(tx, plan.rows, now).await?;
            }
            (written, plan.created_accounts, plan.created_partners, plan.unknown_people)
        }
    };
    report.written = written;
    report.created_accounts = created_accounts.into_iter().map(|n| n.name).collect();
    report.created_partners = created_partners.into_iter().map(|n| n.name).collect();
    report.unknown_people = unknown_people;
    if !problems.is_empty() {
        return Ok(report.with_problems(problems));
    }
    if !dry_run {
        let w = report.written;
        let detail = format!(
            "imported a file of {}: {} rows; {} handoffs, {} grades, {} responses, {} records; \
             {} accounts and {} partners created",
            kind.name(),
            report.rows,
            w.handoffs,
            w.grades,
            w.responses,
            w.records,
            report.created_accounts.len(),
            report.created_partners.len()
        );
        audit::record(tx, Action::OrganizationImported, None, detail, now).await?;
        report.imported = true;
    }
    Ok(report)
}

/// A file read into lines of its kind, before any name is matched.
struct Read {
    rows: u64,
    ignored_columns: Vec<String>,
    problems: Problems,
    lines: Lines,
}

enum Lines {
    Handoffs(Vec<HandoffLine>),
    Records(Vec<RecordLine>),
}

fn read(kind: FileKind, bytes: &[u8], now: DateTime<Utc>) -> Result<Read, Vec<Problem>> {
    let columns = match kind {
        FileKind::Handoffs => &crate::domain::import::HANDOFF_COLUMNS,
        FileKind::Records(record) => record.columns(),
    };
    let (sheet, mut problems) = Sheet::read(bytes, columns)?;
    let lines = match kind {
        FileKind::Handoffs => {
            let (lines, more) = handoff_lines(&sheet, now);
            problems.append(more);
            Lines::Handoffs(lines)
        }
        FileKind::Records(record) => {
            let (lines, more) = record_lines(&sheet, record, now);
            problems.append(more);
            Lines::Records(lines)
        }
    };
    Ok(Read { rows: sheet.len() as u64, ignored_columns: sheet.ignored_columns.clone(), problems, lines })
}

impl Report {
    fn with_problems(mut self, problems: Problems) -> Self {
        let (listed, count) = problems.into_listed();
        self.problem_count = count;
        self.problems = listed;
        self.imported = false;
        self
    }
}

/// The `import` command: imports `bytes` into the organization `slug` as the member `as_member`
/// names by email (or else its first ADMIN), and commits when the whole file was written.
pub async fn as_operator(
    store: &crate::store::Store,
    slug: &str,
    as_member: Option<&str>,
    kind: FileKind,
    bytes: &[u8],
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Report, String> {
    if !store.is_migrated().await {
        return Err("the database is not migrated: run `handoff-api migrate up` (or start the server) first".into());
    }
    let organization = crate::store::organizations::id_by_slug(store.conn(), slug)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no organization has the slug `{slug}`"))?;
    let member = crate::store::import::operator(store.conn(), organization, as_member)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| match as_member {
            Some(email) => format!("`{slug}` has no member with the email {email}"),
            None => format!("`{slug}` has no ADMIN to import as; name a member with --as"),
        })?;
    let scope = crate::auth::OrgScope::of_member(store, organization, member)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the member left the organization")?;
    if !scope.has_role(kind.importers()) {
        let roles: Vec<_> = kind.importers().iter().map(|r| r.contract_name()).collect();
        return Err(format!(
            "the member is a {}; importing {} needs {}",
            scope.role().contract_name(),
            kind.name(),
            roles.join(" or ")
        ));
    }
    let tx = store.tenant(&scope).await.map_err(|e| e.to_string())?;
    let report = import(&tx, kind, bytes.to_vec(), dry_run, now).await.map_err(|e| e.to_string())?;
    if report.imported {
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(report)
}

/// The report as lines of text, for the `import` command.
pub fn summary(report: &Report) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let w = report.written;
    let verb = match (report.dry_run, report.imported) {
        (_, true) => "imported",
        (true, false) => "would import",
        (false, false) => "refused; would have imported",
    };
    let counts: Vec<String> =
        [(w.handoffs, "handoffs"), (w.grades, "grades"), (w.responses, "responses"), (w.records, "records")]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
    let counts = if counts.is_empty() { "nothing".to_owned() } else { counts.join(", ") };
    let _ = writeln!(out, "{} rows read; {verb} {counts}", report.rows);
    for (what, names) in [("accounts", &report.created_accounts), ("partners", &report.created_partners)] {
        if !names.is_empty() {
            let _ = writeln!(out, "new {what} ({}): {}", names.len(), names.join(", "));
        }
    }
    if !report.unknown_people.is_empty() {
        let _ = writeln!(out, "not members (invite them first): {}", report.unknown_people.join(", "));
    }
    if !report.ignored_columns.is_empty() {
        let _ = writeln!(out, "columns not read: {}", report.ignored_columns.join(", "));
    }
    for p in &report.problems {
        let column = p.column.as_deref().map_or(String::new(), |c| format!(", column {c}"));
        let _ = writeln!(out, "row {}{column}: {}", p.row, p.message);
    }
    if report.problem_count > report.problems.len() as u64 {
        let _ = writeln!(out, "… and {} more problems", report.problem_count - report.problems.len() as u64);
    }
    out
}
