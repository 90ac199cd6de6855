//! Reading a spreadsheet's history into typed lines, with no I/O: a CSV file becomes a [`Sheet`]
//! (encoding, delimiter, header and cell checks), and a sheet becomes lines of one kind, each
//! naming people, accounts and partners as the file wrote them. Matching those names against the
//! organization happens outside the domain; every problem found on the way is a [`Problem`] with
//! its row and column, so a dry run can list them all at once.

mod cells;
mod handoff_lines;
mod record_lines;
mod sheet;

pub use cells::PersonRef;
pub use handoff_lines::{COLUMNS as HANDOFF_COLUMNS, HandoffLine, ResponseLine, grade_column, handoff_lines};
pub use record_lines::{RecordKind, RecordLine, RecordTarget, Review, record_lines};
pub use sheet::{Columns, Line, MAX_ROWS, Sheet};

/// What is wrong with one row (or, at row 1, with the header or the whole file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row as a spreadsheet numbers it: the header is row 1, the first data row row 2.
    pub row: u32,
    /// The column's name as the template spells it, when one cell is at fault.
    pub column: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn new(row: u32, column: Option<&str>, message: impl Into<String>) -> Self {
        Self { row, column: column.map(str::to_owned), message: message.into() }
    }
}

/// Problems listed in full; beyond these only the count grows, so that a file of bad cells costs
/// no more memory than a good one.
pub const LISTED_PROBLEMS: usize = 1000;

/// The problems of one pass over a file, in row order: the first [`LISTED_PROBLEMS`] of them, and
/// how many there are.
#[derive(Debug, Default)]
pub struct Problems {
    listed: Vec<Problem>,
    count: u64,
}

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        self.count += 1;
        if self.listed.len() < LISTED_PROBLEMS {
            self.listed.push(problem);
        }
    }

    /// How many problems were found, listed or not.
    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Another pass's problems. Each pass lists its first problems by row, so the first listed of
    /// all passes together are among those kept.
    pub fn append(&mut self, other: Problems) {
        self.count += other.count;
        self.listed.extend(other.listed);
    }

    /// The first [`LISTED_PROBLEMS`] by row (the file-wide ones, at row 1, first), and the count.
    pub fn into_listed(mut self) -> (Vec<Problem>, u64) {
        self.listed.sort_by_key(|p| p.row);
        self.listed.truncate(LISTED_PROBLEMS);
        (self.listed, self.count)
    }
}

impl From<Vec<Problem>> for Problems {
    fn from(problems: Vec<Problem>) -> Self {
        let mut all = Problems::default();
        problems.into_iter().for_each(|p| all.push(p));
        all
    }
}

/// A cell quoted in a message, cut short: a message must not repeat a megabyte cell.
pub fn excerpt(cell: &str) -> String {
    const MAX: usize = 60;
    if cell.chars().count() <= MAX {
        cell.to_owned()
    } else {
        format!("{}…", cell.chars().take(MAX).collect::<String>())
    }
}
