//! One cell's value: the formula check every cell passes, and the typed readings of cells.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};

use crate::domain::Email;
use crate::domain::scorecard::{Component, Decision, Grade};
use crate::domain::text::{self, ProofLink};

/// Why a spreadsheet would run the cell as a formula, if it would: the signs a spreadsheet reads
/// as one (`=`, `+`, `-`, `@` and their full-width forms) first, even after spaces, or a leading
/// tab or line break, as `http::spreadsheet` escapes them in exports. A plain number (`-5`,
/// `+0.5`) and a dash before a word (`- call back`) pass. Such cells are refused rather than
/// stored, so no later export can carry them.
pub fn formula_problem(raw: &str) -> Option<String> {
    let first = raw.chars().next()?;
    let trimmed = raw.trim();
    let sign = trimmed.chars().next()?;
    let signed = matches!(sign, '=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠');
    let number = trimmed.parse::<f64>().is_ok_and(f64::is_finite);
    let dash_before_word = trimmed.strip_prefix("- ").is_some_and(|rest| rest.starts_with(char::is_alphabetic));
    let risky = (signed && !number && !dash_before_word) || matches!(first, '\t' | '\r' | '\n');
    risky.then(|| {
        format!(
            "starts with `{}`, which a spreadsheet runs as a formula; reword the cell so it starts \
             with a letter or a digit",
            if signed { sign.to_string() } else { first.escape_default().to_string() }
        )
    })
}

/// A member named by email (anything with an `@`) or by their display name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PersonRef {
    Email(String),
    Name(String),
}

impl PersonRef {
    pub fn parse(raw: &str) -> Result<Option<Self>, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        if raw.contains('@') {
            return Email::parse(raw).map(|e| Some(Self::Email(e.as_str().to_owned()))).map_err(|e| e.0);
        }
        Ok(Some(Self::Name(text::ShortText::required_string(raw).map_err(|e| e.0)?)))
    }

    /// As the file wrote it, for messages.
    pub fn shown(&self) -> &str {
        match self {
            Self::Email(s) | Self::Name(s) => s,
        }
    }
}

/// A calendar date, `YYYY-MM-DD`.
pub fn date(raw: &str) -> Result<Option<NaiveDate>, String> {
    if raw.is_empty() {
        return Ok(None);
    }
    text::date(raw).map(Some).map_err(|e| e.0)
}

/// A moment: RFC 3339 (`2026-03-31T14:05:00Z`, any offset), or `YYYY-MM-DD HH:MM[:SS]` and
/// `YYYY-MM-DD` read as UTC.
pub fn instant(raw: &str) -> Result<Option<DateTime<Utc>>, String> {
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        // Microseconds, as the databases keep them: the same file read twice gives the same key.
        let at = at.with_timezone(&Utc);
        return Ok(at.with_nanosecond(at.nanosecond() / 1000 * 1000).or(Some(at)));
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(raw, format) {
            return Ok(Some(at.and_utc()));
        }
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(day) => Ok(day.and_hms_opt(0, 0, 0).map(|at| at.and_utc())),
        Err(_) => Err("must be a time like 2026-03-31T14:05:00Z, 2026-03-31 14:05 (UTC) or 2026-03-31".to_owned()),
    }
}

/// `true`/`false`, `yes`/`no`, `y`/`n` or `1`/`0`; empty is false.
pub fn flag(raw: &str) -> Result<bool, String> {
    match raw.to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "n" | "0" => Ok(false),
        "true" | "yes" | "y" | "1" => Ok(true),
        _ => Err("must be true or false (yes/no, 1/0)".to_owned()),
    }
}

/// `STRONG`, `WEAK` or `MISSING` (any case), or their points 2, 1, 0; empty is not graded.
pub fn grade(raw: &str) -> Result<Option<Grade>, String> {
    match raw.to_ascii_uppercase().as_str() {
        "" => Ok(None),
        "STRONG" | "2" => Ok(Some(Grade::Strong)),
        "WEAK" | "1" => Ok(Some(Grade::Weak)),
        "MISSING" | "0" => Ok(Some(Grade::Missing)),
        _ => Err("must be STRONG, WEAK or MISSING (or 2, 1, 0)".to_owned()),
    }
}

/// `ACCEPT`, `DECLINE` or `REQUEST_CLARIFICATION` (any case; `accepted` and `declined` too).
pub fn decision(raw: &str) -> Result<Option<Decision>, String> {
    match name_code(raw).as_str() {
        "" => Ok(None),
        "ACCEPT" | "ACCEPTED" => Ok(Some(Decision::Accept)),
        "DECLINE" | "DECLINED" => Ok(Some(Decision::Decline)),
        "REQUEST_CLARIFICATION" | "CLARIFICATION" => Ok(Some(Decision::RequestClarification)),
        _ => Err("must be ACCEPT, DECLINE or REQUEST_CLARIFICATION".to_owned()),
    }
}

/// Component names separated by `;`, `,`, `|` or line breaks, e.g. `proof; owner` or
/// `Partner offer, Next action`.
pub fn components(raw: &str) -> Result<Vec<Component>, String> {
    let mut found = Vec::new();
    for part in raw.split([';', ',', '|', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let code = name_code(part);
        let component = Component::ALL
            .into_iter()
            .find(|c| c.code() == code)
            .ok_or_else(|| format!("`{}` is not one of the nine components", super::excerpt(part)))?;
        if !found.contains(&component) {
            found.push(component);
        }
    }
    Ok(found)
}

/// Proof links, one per line or separated by `|`: each a link, after an optional label
/// (`Case study https://…`); a link without a label is labelled with its host.
pub fn proof(raw: &str) -> Result<Vec<ProofLink>, String> {
    let mut links = Vec::new();
    for entry in raw.split(['\n', '|']).map(str::trim).filter(|e| !e.is_empty()) {
        let Some(start) = entry.find("https://").or_else(|| entry.find("http://")) else {
            return Err(format!("`{}` holds no http(s) link", super::excerpt(entry)));
        };
        let url = entry[start..].split_whitespace().next().unwrap_or_default();
        let url = url.trim_end_matches(['>', ')', ',', ';']);
        let label = entry[..start].trim().trim_end_matches([':', '-', '<', '(']).trim();
        let label = if label.is_empty() { host(url) } else { label };
        if let Some(problem) = formula_problem(label) {
            return Err(format!("the label `{}` {problem}", super::excerpt(label)));
        }
        links.push(ProofLink::parse(label, url).map_err(|e| format!("`{}`: {}", super::excerpt(entry), e.0))?);
    }
    if links.len() > 20 {
        return Err("holds more than 20 links".to_owned());
    }
    Ok(links)
}

fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// `Partner offer` as `PARTNER_OFFER`.
fn name_code(raw: &str) -> String {
    raw.trim().to_ascii_uppercase().replace([' ', '-'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_found_and_numbers_and_dashes_pass() {
        for risky in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+cmd",
            "@SUM(A1)",
            "-cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "- 1+cmd|' /C calc'!A0",
            "-.5+1",
            "＝1+1",
            "＋cmd",
            "\tx",
            "\nx",
            " =1+1",
        ] {
            assert!(formula_problem(risky).is_some(), "{risky}");
        }
        for fine in ["Acme", "-5", "+0.5", "- call them", "-0.5", "", "a=b", "2026-01-01"] {
            assert!(formula_problem(fine).is_none(), "{fine}");
        }
    }

    #[test]
    fn people_are_emails_or_names() {
        assert_eq!(PersonRef::parse(" Ana@Example.com ").unwrap(), Some(PersonRef::Email("ana@example.com".into())));
        assert_eq!(PersonRef::parse("Ana Lopez").unwrap(), Some(PersonRef::Name("Ana Lopez".into())));
        assert_eq!(PersonRef::parse("").unwrap(), None);
        assert!(PersonRef::parse("ana@").is_err());
    }

    #[test]
    fn times_read_in_three_shapes() {
        let at = |raw| instant(raw).unwrap().unwrap().to_rfc3339();
        assert_eq!(at("2026-03-31T14:05:00+02:00"), "2026-03-31T12:05:00+00:00");
        assert_eq!(at("2026-03-31 14:05"), "2026-03-31T14:05:00+00:00");
        assert_eq!(at("2026-03-31"), "2026-03-31T00:00:00+00:00");
        assert_eq!(at("2026-03-31T14:05:00.123456789Z"), "2026-03-31T14:05:00.123456+00:00");
        assert!(instant("31/03/2026").is_err());
        assert_eq!(instant("").unwrap(), None);
    }

    #[test]
    fn grades_decisions_and_flags() {
        assert_eq!(grade("strong").unwrap(), Some(Grade::Strong));
        assert_eq!(grade("0").unwrap(), Some(Grade::Missing));
        assert!(grade("good").is_err());
        assert_eq!(decision("Declined").unwrap(), Some(Decision::Decline));
        assert_eq!(decision("request clarification").unwrap(), Some(Decision::RequestClarification));
        assert!(decision("maybe").is_err());
        assert!(flag("Yes").unwrap());
        assert!(flag("maybe").is_err());
    }

    #[test]
    fn components_read_by_name() {
        assert_eq!(components("proof; Partner offer,proof").unwrap(), vec![Component::Proof, Component::PartnerOffer]);
        assert!(components("proof; vibes").unwrap_err().contains("vibes"));
    }

    #[test]
    fn proof_links_with_and_without_labels() {
        let links = proof("Case study: https://example.com/case\nhttps://docs.example.org/a?b=1 | x").unwrap_err();
        assert!(links.contains("`x`"));
        let links = proof("Case study: https://example.com/case\n<https://docs.example.org/a?b=1>").unwrap();
        assert_eq!(links[0].label, "Case study");
        assert_eq!(links[1].label, "docs.example.org");
        assert_eq!(links[1].url, "https://docs.example.org/a?b=1");
        assert!(proof(&"https://example.com/x\n".repeat(21)).is_err());
        assert!(proof("Docs https://a.example/x\n=HYPERLINK(1) https://b.example/y").unwrap_err().contains("formula"));
    }
}
