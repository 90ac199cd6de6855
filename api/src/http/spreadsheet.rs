//! CSV that a spreadsheet opens as data. A cell starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is read by Excel, LibreOffice and Google Sheets as a formula, which can run
//! commands or send the sheet's contents away (`=HYPERLINK(...)`, `=WEBSERVICE(...)`): such a
//! cell gets a leading apostrophe, which the spreadsheet shows as text and hides. The apostrophe
//! also marks honest values that start so (`-3`, `+1 555 …`): CSV is for reading in a
//! spreadsheet; the JSON export is the faithful copy. Quoting of commas, quotes and line breaks is
//! the `csv` crate's.

use std::borrow::Cow;

/// `text` as a cell a spreadsheet will not evaluate: also when spaces or line breaks come before
/// the sign, or the sign is a full-width one some spreadsheets read the same.
pub fn cell(text: &str) -> Cow<'_, str> {
    let starts = |c: char| matches!(c, '=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠');
    let first = text.chars().next();
    let after_space = text.trim_start().chars().next();
    if matches!(first, Some('\t' | '\r' | '\n')) || after_space.is_some_and(starts) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A JSON value as a cell: text as it is, null as nothing, numbers, lists and objects as JSON.
pub fn text_of(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `rows` as CSV (a header row first), every cell made safe with `cell`.
pub fn write(rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in rows {
        writer.write_record(row.iter().map(|c| cell(c).into_owned()))?;
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_evaluate_become_text() {
        for formula in [
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "\n=1",
            "  =1",
            "＝1+1",
        ] {
            assert_eq!(cell(formula), format!("'{formula}"), "{formula:?}");
        }
        for plain in ["Acme", "18", "0.5", "", "a=b", "x =y"] {
            assert_eq!(cell(plain), plain);
        }
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted_and_formulas_escaped_inside_quotes() {
        let rows = vec![
            vec!["name".to_owned(), "note".to_owned()],
            vec!["Acme, Inc.".to_owned(), "said \"hi\"\nthen left".to_owned()],
            vec!["=1+1".to_owned(), "ok".to_owned()],
        ];
        let text = String::from_utf8(write(&rows).unwrap()).unwrap();
        assert_eq!(text, "name,note\r\n\"Acme, Inc.\",\"said \"\"hi\"\"\nthen left\"\r\n'=1+1,ok\r\n");
    }
}
