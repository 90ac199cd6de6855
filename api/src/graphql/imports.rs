//! Importing CSV files of history, uploaded as the GraphQL multipart request specification sends
//! files. Column rules are in docs/import.md.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, Upload};

use super::context::{now, store};
use super::scoping::in_organization;
use crate::domain::import::RecordKind;
use crate::error::{AppError, AppResult};
use crate::import::{FileKind, Report};

/// A handoffs file to import.
#[derive(InputObject)]
pub struct ImportHandoffsInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// A CSV file (UTF-8), one handoff per row; its columns are in docs/import.md.
    pub file: Upload,
    /// Check every row and report what would be written, writing nothing (default false).
    #[graphql(default = false)]
    pub dry_run: bool,
}

/// The kind of trust record a file holds.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum TrustRecordKind {
    /// A seller's ask for partner help.
    PartnerAsk,
    /// A seller's meeting with a partner.
    PartnerMeeting,
    /// Partner influence mentioned in a forecast, pipeline or deal review.
    PipelineMention,
    /// An escalation.
    Escalation,
    /// A score review.
    ScoreReview,
}

/// A trust records file to import.
#[derive(InputObject)]
pub struct ImportTrustRecordsInput {
    /// The organization's ID.
    pub organization_id: ID,
    /// What the file's rows are.
    pub kind: TrustRecordKind,
    /// A CSV file (UTF-8), one record per row; its columns are in docs/import.md.
    pub file: Upload,
    /// Check every row and report what would be written, writing nothing (default false).
    #[graphql(default = false)]
    pub dry_run: bool,
}

/// What is wrong with one row of an imported file.
#[derive(SimpleObject)]
pub struct ImportProblem {
    /// The row as a spreadsheet numbers it: the header is row 1.
    pub row: i32,
    /// The column, as docs/import.md names it, when one cell is at fault.
    pub column: Option<String>,
    /// What is wrong, and how to mend it.
    pub message: String,
}

/// What an import wrote, or what a dry run would write.
#[derive(SimpleObject)]
pub struct ImportReport {
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Whether the rows were written. A file is written whole or not at all.
    pub imported: bool,
    /// Data rows read (blank rows are skipped).
    pub rows: i32,
    /// Handoffs written (or that would be).
    pub handoffs: i32,
    /// Grades written (or that would be).
    pub grades: i32,
    /// Seller responses written (or that would be).
    pub responses: i32,
    /// Trust records written (or that would be).
    pub records: i32,
    /// Accounts the file names that the organization lacked, created with the import.
    pub created_accounts: Vec<String>,
    /// Partners the file names that the organization lacked, created with the import.
    pub created_partners: Vec<String>,
    /// Emails and names that no member has: invite them, then import again.
    pub unknown_people: Vec<String>,
    /// Header cells that name no column of the template; their cells are not read.
    pub ignored_columns: Vec<String>,
    /// How many problems the file has; nothing is written unless there are none.
    pub problem_count: i32,
    /// The problems, by row: at most the first 1,000.
    pub problems: Vec<ImportProblem>,
}

/// The result of an import.
#[derive(SimpleObject)]
pub struct ImportPayload {
    /// What was written, or in a dry run would be, and every problem found.
    pub report: ImportReport,
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<Report> for ImportReport {
    fn from(r: Report) -> Self {
        Self {
            dry_run: r.dry_run,
            imported: r.imported,
            rows: count(r.rows),
            handoffs: count(r.written.handoffs),
            grades: count(r.written.grades),
            responses: count(r.written.responses),
            records: count(r.written.records),
            created_accounts: r.created_accounts,
            created_partners: r.created_partners,
            unknown_people: r.unknown_people,
            ignored_columns: r.ignored_columns,
            problem_count: count(r.problem_count),
            problems: r
                .problems
                .into_iter()
                .map(|p| ImportProblem { row: count(u64::from(p.row)), column: p.column, message: p.message })
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// PARTNER_MARKETER or ADMIN. Imports handoffs with their packets, grades and seller
    /// responses from a CSV file. A dry run reports every row's problems and writes nothing; a
    /// real run writes the whole file or, when any row has a problem, nothing (`BAD_USER_INPUT`
    /// on `file`, with the problems in `extensions.problems`). Accounts and partners the file
    /// names are matched by name and created when missing; people are matched by email or name
    /// and must be members.
    async fn import_handoffs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization, the file, and whether this is a dry run.")] input: ImportHandoffsInput,
    ) -> AppResult<ImportPayload> {
        let scope = in_organization(ctx, &input.organization_id, FileKind::Handoffs.importers()).await?;
        run(ctx, scope, FileKind::Handoffs, &input.file, input.dry_run).await
    }

    /// SALES_LEADER or ADMIN. Imports trust records of one kind from a CSV file, logged by the
    /// caller; rows name members, accounts and partners the organization has. Dry runs and
    /// refusals work as in `importHandoffs`.
    async fn import_trust_records(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization, the kind of record, the file, and whether this is a dry run.")]
        input: ImportTrustRecordsInput,
    ) -> AppResult<ImportPayload> {
        let kind = match input.kind {
            TrustRecordKind::PartnerAsk => RecordKind::PartnerAsk,
            TrustRecordKind::PartnerMeeting => RecordKind::PartnerMeeting,
            TrustRecordKind::PipelineMention => RecordKind::PipelineMention,
            TrustRecordKind::Escalation => RecordKind::Escalation,
            TrustRecordKind::ScoreReview => RecordKind::ScoreReview,
        };
        let kind = FileKind::Records(kind);
        let scope = in_organization(ctx, &input.organization_id, kind.importers()).await?;
        run(ctx, scope, kind, &input.file, input.dry_run).await
    }
}

async fn run(
    ctx: &Context<'_>,
    scope: crate::auth::OrgScope,
    kind: FileKind,
    file: &Upload,
    dry_run: bool,
) -> AppResult<ImportPayload> {
    let upload = file.value(ctx).map_err(|e| AppError::bad_input("file", format!("the upload cannot be read: {e}")))?;
    let tx = store(ctx).tenant(&scope).await?;
    let report = crate::import::import(&tx, kind, upload.content.to_vec(), dry_run, now(ctx)).await?;
    if report.imported {
        tx.commit().await?;
    } else if !dry_run {
        return Err(AppError::ImportRejected { count: report.problem_count, problems: report.problems });
    }
    Ok(ImportPayload { report: report.into() })
}

/// The problems of a refused import as `extensions.problems`: `{ row, column, message }` each.
pub fn problems_extension(problems: &[crate::domain::import::Problem]) -> async_graphql::Value {
    use async_graphql::{Name, Value};
    let problem = |p: &crate::domain::import::Problem| {
        let mut map = async_graphql::indexmap::IndexMap::new();
        map.insert(Name::new("row"), Value::from(p.row));
        map.insert(Name::new("column"), p.column.clone().map_or(Value::Null, Value::from));
        map.insert(Name::new("message"), Value::from(p.message.clone()));
        Value::Object(map)
    };
    Value::List(problems.iter().map(problem).collect())
}
