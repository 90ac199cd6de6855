//! A CSV file as rows of cells under a known header: UTF-8 only (a byte order mark is dropped),
//! comma, semicolon or tab separated (whichever the header uses), header names matched loosely
//! (`Why this account`, `why-this-account` and `why_this_account` are one column).

use std::collections::HashMap;

use super::cells::formula_problem;
use super::{Problem, Problems};

/// Rows one file may hold besides its header.
pub const MAX_ROWS: usize = 50_000;

/// The columns a kind of file has: each required one must be in the header; others are ignored
/// and reported.
pub struct Columns {
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
}

impl Columns {
    fn knows(&self, name: &str) -> bool {
        self.required.contains(&name) || self.optional.contains(&name)
    }
}

/// A file read and checked: its data rows, and the header's columns no kind of row uses.
pub struct Sheet {
    index: HashMap<String, usize>,
    rows: Vec<Row>,
    pub ignored_columns: Vec<String>,
}

struct Row {
    number: u32,
    cells: Vec<String>,
    /// Columns whose cell already has a problem (not UTF-8, a formula): not read again.
    bad: Vec<usize>,
    /// Whether reading the file found a problem in this row.
    flagged: bool,
}

/// One data row: its cells by column name, trimmed; a column the file lacks reads as empty.
pub struct Line<'a> {
    pub row: u32,
    sheet: &'a Sheet,
    data: &'a Row,
}

impl Line<'_> {
    pub fn get(&self, column: &str) -> &str {
        self.sheet.index.get(column).and_then(|&i| self.data.cells.get(i)).map_or("", |c| c.trim())
    }

    /// Whether the cell of `column` has a problem reported already.
    pub fn is_bad(&self, column: &str) -> bool {
        self.sheet.index.get(column).is_some_and(|i| self.data.bad.contains(i))
    }

    /// Whether reading the file found a problem in this row.
    pub fn flagged(&self) -> bool {
        self.data.flagged
    }
}

impl Sheet {
    pub fn lines(&self) -> impl Iterator<Item = Line<'_>> {
        self.rows.iter().map(|data| Line { row: data.number, sheet: self, data })
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Reads `bytes` as a CSV file of `columns`. Problems that stop the file from being read at all
    /// (encoding, header) come back alone; problems of single cells (not UTF-8, a formula, more
    /// cells than the header) come back with the rows, so that a dry run reports them all.
    pub fn read(bytes: &[u8], columns: &Columns) -> Result<(Sheet, Problems), Vec<Problem>> {
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Err(vec![Problem::new(1, None, "the file is UTF-16 text; save it as CSV in UTF-8")]);
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(vec![Problem::new(1, None, "the file is empty; the first row must name the columns")]);
        }
        // Old Mac files end lines with a lone carriage return; rows are counted by line feeds.
        let normalized;
        let bytes = if !bytes.contains(&b'\n') && bytes.contains(&b'\r') {
            normalized = bytes.iter().map(|&b| if b == b'\r' { b'\n' } else { b }).collect::<Vec<u8>>();
            &normalized[..]
        } else {
            bytes
        };
        let delimiter = delimiter(bytes);
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
        let mut records = reader.byte_records();
        let header = match records.next() {
            Some(Ok(header)) => header,
            _ => return Err(vec![Problem::new(1, None, "the first row must name the columns")]),
        };
        let (index, ignored_columns) = read_header(&header, columns)?;
        let width = header.len();
        let mut problems = Problems::default();
        let mut rows: Vec<Row> = Vec::new();
        // A spreadsheet shows each record as one row, a blank line as an empty row, and a cell's
        // own line breaks inside its row: the row is the record's line less the breaks inside
        // earlier cells.
        let mut breaks_in_cells = 0u64;
        let mut last_row = 1;
        for record in records {
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    let message = format!("the row cannot be read as CSV: {e}");
                    problems.push(Problem::new(last_row + 1, None, message));
                    continue;
                }
            };
            let line = record.position().map_or(u64::from(last_row) + 1, |p| p.line());
            let row = u32::try_from(line.saturating_sub(breaks_in_cells)).unwrap_or(u32::MAX);
            last_row = row;
            breaks_in_cells += record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
            if record.iter().all(|cell| cell.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            if rows.len() == MAX_ROWS {
                return Err(vec![Problem::new(
                    row,
                    None,
                    format!("the file holds more than {MAX_ROWS} rows; split it into smaller files"),
                )]);
            }
            let before = problems.count();
            if record.iter().skip(width).any(|cell| !cell.iter().all(u8::is_ascii_whitespace)) {
                let message = format!("the row has {} cells but the header names {width} columns", record.len());
                problems.push(Problem::new(row, None, message));
            }
            let mut cells = Vec::with_capacity(width);
            let mut bad = Vec::new();
            for (i, cell) in record.iter().take(width).enumerate() {
                let name = header_name(&header, i);
                let known = index.get(&name) == Some(&i);
                match std::str::from_utf8(cell) {
                    Ok(text) => {
                        if known && let Some(message) = formula_problem(text) {
                            problems.push(Problem::new(row, Some(&name), message));
                            bad.push(i);
                        }
                        cells.push(text.to_owned());
                    }
                    Err(_) if !known => cells.push(String::new()),
                    Err(_) => {
                        let message = "is not UTF-8 text; save the file as CSV in UTF-8";
                        problems.push(Problem::new(row, Some(&name), message));
                        bad.push(i);
                        cells.push(String::new());
                    }
                }
            }
            rows.push(Row { number: row, cells, bad, flagged: problems.count() > before });
        }
        if ends_inside_quotes(bytes, delimiter) {
            // An unclosed quote runs to the end of the file: it opened in the last row.
            let row = rows.last_mut().map_or(1, |r| {
                r.flagged = true;
                r.number
            });
            problems.push(Problem::new(row, None, "a quoted cell is never closed (a `\"` without its pair)"));
        }
        if rows.is_empty() && problems.is_empty() {
            return Err(vec![Problem::new(1, None, "the file has a header but no rows")]);
        }
        Ok((Sheet { index, rows, ignored_columns }, problems))
    }
}

/// Whether the file ends inside a quoted cell, read as CSV reads it: a quote opens a quoted cell
/// only at a cell's start, `""` inside one is a quote, and a quote inside an unquoted cell (`27"`)
/// is text.
fn ends_inside_quotes(bytes: &[u8], delimiter: u8) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        CellStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::CellStart;
    for &b in bytes {
        state = match (state, b) {
            (State::CellStart, b'"') => State::Quoted,
            (State::CellStart | State::Unquoted | State::QuoteInQuoted, b) if b == delimiter || b == b'\n' => {
                State::CellStart
            }
            (State::CellStart | State::Unquoted, _) => State::Unquoted,
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::QuoteInQuoted, _) => State::Unquoted,
        };
    }
    state == State::Quoted
}

/// The separator the header uses most: spreadsheets set to a European locale save CSV with `;`.
fn delimiter(bytes: &[u8]) -> u8 {
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first_line.iter().filter(|&&b| b == d).count();
    [b',', b';', b'\t'].into_iter().max_by_key(|&d| (count(d), d == b',')).unwrap_or(b',')
}

/// A header cell as a column name: lowercase, with spaces and hyphens as underscores.
fn normalize(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_lowercase() })
        .collect::<String>()
        .split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

fn header_name(header: &csv::ByteRecord, i: usize) -> String {
    normalize(&String::from_utf8_lossy(header.get(i).unwrap_or_default()))
}

type HeaderIndex = (HashMap<String, usize>, Vec<String>);

fn read_header(header: &csv::ByteRecord, columns: &Columns) -> Result<HeaderIndex, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut index = HashMap::new();
    let mut ignored = Vec::new();
    for i in 0..header.len() {
        let Ok(raw) = std::str::from_utf8(header.get(i).unwrap_or_default()) else {
            problems.push(Problem::new(1, None, "the header is not UTF-8 text; save the file as CSV in UTF-8"));
            continue;
        };
        let name = normalize(raw);
        if name.is_empty() {
            continue;
        }
        if !columns.knows(&name) {
            ignored.push(raw.trim().to_owned());
            continue;
        }
        if index.insert(name.clone(), i).is_some() {
            problems.push(Problem::new(1, Some(&name), "the header names this column twice"));
        }
    }
    for required in columns.required {
        if !index.contains_key(*required) {
            problems.push(Problem::new(1, Some(required), "the header lacks this required column"));
        }
    }
    if problems.is_empty() { Ok((index, ignored)) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: Columns = Columns { required: &["title", "account"], optional: &["why_now"] };

    fn read(text: &[u8]) -> Result<(Sheet, Vec<Problem>), Vec<Problem>> {
        Sheet::read(text, &COLUMNS).map(|(sheet, problems)| (sheet, problems.into_listed().0))
    }

    #[test]
    fn headers_match_loosely_and_unknown_columns_are_reported() {
        let (sheet, problems) = read(b"\xEF\xBB\xBFTitle, Account ,Why-Now,Stage\nA,Acme,soon,won\n").unwrap();
        assert!(problems.is_empty());
        assert_eq!(sheet.ignored_columns, vec!["Stage"]);
        let line = sheet.lines().next().unwrap();
        assert_eq!((line.row, line.get("title"), line.get("why_now"), line.get("missing")), (2, "A", "soon", ""));
    }

    #[test]
    fn semicolons_and_quoted_newlines_are_read() {
        let (sheet, _) = read(b"title;account\n\"two\nlines\";\"A; B\"\n").unwrap();
        let line = sheet.lines().next().unwrap();
        assert_eq!((line.get("title"), line.get("account")), ("two\nlines", "A; B"));
    }

    #[test]
    fn missing_and_doubled_columns_stop_the_file() {
        let problems = read(b"title,why now,why_now\nA,b,c\n").err().unwrap();
        let messages: Vec<_> = problems.iter().map(|p| (p.column.as_deref().unwrap(), p.row)).collect();
        assert_eq!(messages, vec![("why_now", 1), ("account", 1)]);
    }

    #[test]
    fn encodings_other_than_utf8_are_named() {
        let problems = read(b"\xFF\xFEt\0i\0").err().unwrap();
        assert!(problems[0].message.contains("UTF-16"));
        let (_, problems) = read(b"title,account\nCaf\xE9,Acme\n").unwrap();
        assert_eq!((problems[0].row, problems[0].column.as_deref()), (2, Some("title")));
        assert!(problems[0].message.contains("UTF-8"));
    }

    #[test]
    fn row_problems_name_their_row() {
        let text = b"title,account\nA,Acme\n\n,,\nB,Acme,extra\n=HYPERLINK(\"x\"),Acme\n\"open,Acme\n";
        let (sheet, problems) = read(text).unwrap();
        assert_eq!(sheet.len(), 4);
        let found: Vec<_> = problems.iter().map(|p| (p.row, p.column.clone())).collect();
        assert_eq!(found, vec![(5, None), (6, Some("title".to_owned())), (7, None)]);
        let (sheet, _) = read(b"title,account\n\"a\nb\",Acme\nc,Acme\n").unwrap();
        assert_eq!(sheet.lines().map(|l| l.row).collect::<Vec<_>>(), vec![2, 3]);
        let (sheet, _) = read(b"title,account\ra,Acme\rb,Acme\r").unwrap();
        assert_eq!(sheet.lines().map(|l| l.row).collect::<Vec<_>>(), vec![2, 3], "lone carriage returns end rows");
        let flagged: Vec<bool> = read(text).unwrap().0.lines().map(|l| l.flagged()).collect();
        assert_eq!(flagged, vec![false, true, true, true]);
    }

    #[test]
    fn quotes_inside_unquoted_cells_are_text_and_only_an_open_quote_at_the_end_is_a_problem() {
        let (sheet, problems) = read(b"title,account\n27\" monitor,Acme\n\"a \"\"b\"\"\",Acme\n").unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(sheet.lines().map(|l| l.get("title").to_owned()).collect::<Vec<_>>(), ["27\" monitor", "a \"b\""]);
        let (_, problems) = read(b"title,account\nx\",Acme\ny\",Acme\n\"open,Acme\n").unwrap();
        assert_eq!(problems.iter().map(|p| p.row).collect::<Vec<_>>(), vec![4], "two stray quotes hide nothing");
    }

    #[test]
    fn empty_files_and_headers_alone_are_refused() {
        assert!(read(b"  \n").is_err());
        assert!(read(b"title,account\n").err().unwrap()[0].message.contains("no rows"));
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut text = b"title,account\n".to_vec();
        for _ in 0..=MAX_ROWS {
            text.extend_from_slice(b"a,b\n");
        }
        assert!(read(&text).err().unwrap()[0].message.contains("more than"));
    }
}
