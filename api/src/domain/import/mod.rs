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

/// Problems are listed in file order: by row, the file-wide ones (row 1) first.
pub fn sort_problems(problems: &mut [Problem]) {
    problems.sort_by_key(|p| p.row);
}
