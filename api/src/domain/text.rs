//! Free-text and small structured values of a handoff's packet.

use chrono::NaiveDate;

use super::InvalidInput;

/// Trimmed text of at most `max_chars`; blank becomes `None` (an absent component).
pub fn optional_text(raw: Option<&str>, max_chars: usize) -> Result<Option<String>, InvalidInput> {
    let Some(value) = raw.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if value.chars().count() > max_chars {
        return Err(InvalidInput::new(format!("must be at most {max_chars} characters")));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(InvalidInput::new("must not contain control characters"));
    }
    Ok(Some(value.to_owned()))
}

/// Text that must be present: 1 to `max_chars` after trimming.
pub fn required_text(raw: &str, max_chars: usize) -> Result<String, InvalidInput> {
    optional_text(Some(raw), max_chars)?.ok_or_else(|| InvalidInput::new("must not be empty"))
}

/// Days a seller has to accept or decline: 1 to 90 ("a response window measured in days").
pub fn response_window_days(days: i32) -> Result<u16, InvalidInput> {
    if (1..=90).contains(&days) { Ok(days as u16) } else { Err(InvalidInput::new("must be between 1 and 90 days")) }
}

/// A date written as `YYYY-MM-DD`.
pub fn date(raw: &str) -> Result<NaiveDate, InvalidInput> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| InvalidInput::new("must be a date like 2026-03-31"))
}

/// One piece of proof a seller can verify: a label and an http(s) link.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProofLink {
    pub label: String,
    pub url: String,
}

impl ProofLink {
    pub fn parse(label: &str, url: &str) -> Result<Self, InvalidInput> {
        let label = required_text(label, 200)?;
        let url = url.trim();
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        if !scheme_ok || url.len() > 2000 || url.chars().any(char::is_whitespace) || url.len() < 11 {
            return Err(InvalidInput::new("must be an http(s) link"));
        }
        Ok(Self { label, url: url.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_text_is_absent_and_long_text_refused() {
        assert_eq!(optional_text(Some("  "), 10).unwrap(), None);
        assert_eq!(optional_text(Some(" hi "), 10).unwrap(), Some("hi".into()));
        assert!(optional_text(Some(&"x".repeat(11)), 10).is_err());
        assert!(required_text(" ", 10).is_err());
        assert_eq!(optional_text(Some("a\nb"), 10).unwrap(), Some("a\nb".into()));
    }

    #[test]
    fn response_windows_are_one_to_ninety_days() {
        assert!(response_window_days(0).is_err());
        assert_eq!(response_window_days(1).unwrap(), 1);
        assert_eq!(response_window_days(90).unwrap(), 90);
        assert!(response_window_days(91).is_err());
    }

    #[test]
    fn proof_needs_a_label_and_a_web_link() {
        assert!(ProofLink::parse("10-K, p. 12", "https://example.com/10k").is_ok());
        assert!(ProofLink::parse("", "https://example.com").is_err());
        assert!(ProofLink::parse("x", "javascript:alert(1)").is_err());
        assert!(ProofLink::parse("x", "https://exa mple.com").is_err());
    }

    #[test]
    fn dates_are_iso() {
        assert_eq!(date("2026-03-31").unwrap().to_string(), "2026-03-31");
        assert!(date("31/03/2026").is_err());
    }
}
