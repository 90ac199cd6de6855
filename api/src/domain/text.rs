//! Free-text and small structured values of a handoff's packet.

use chrono::NaiveDate;

use super::InvalidInput;

/// Unicode format characters (general category Cf): invisible, and able to reorder or hide what a
/// reader sees (bidi overrides, zero-width spaces, tag characters).
pub fn is_format_char(c: char) -> bool {
    matches!(u32::from(c),
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF
        | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// Characters refused in every string a request carries: NUL, which PostgreSQL cannot store, and
/// every format character except the zero-width joiner and non-joiner, which emoji sequences and
/// several scripts need in free text.
pub fn forbidden_anywhere(c: char) -> bool {
    c == '\0' || (is_format_char(c) && c != '\u{200C}' && c != '\u{200D}')
}

/// Trimmed text of at most `max_chars`; blank becomes `None` (an absent component).
fn optional_text(raw: Option<&str>, max_chars: usize) -> Result<Option<String>, InvalidInput> {
    let Some(value) = raw.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if value.chars().count() > max_chars {
        return Err(InvalidInput::new(format!("must be at most {max_chars} characters")));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(InvalidInput::new("must not contain control characters"));
    }
    if value.chars().any(forbidden_anywhere) {
        return Err(InvalidInput::new("must not contain invisible format characters"));
    }
    Ok(Some(value.to_owned()))
}

/// Text that must be present: 1 to `max_chars` after trimming.
fn required_text(raw: &str, max_chars: usize) -> Result<String, InvalidInput> {
    optional_text(Some(raw), max_chars)?.ok_or_else(|| InvalidInput::new("must not be empty"))
}

/// Text of at most `MAX` characters, trimmed, with no control or invisible format characters: the
/// type says how long it may be, so every input of a kind is held to the same limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<const MAX: usize>(String);

/// A name or title: 1 to 200 characters.
pub type ShortText = Text<200>;
/// A note, a reason, or a sentence about a partner: at most 2,000 characters.
pub type Note = Text<2000>;
/// A packet component or an agreement term: at most 4,000 characters.
pub type LongText = Text<4000>;

impl<const MAX: usize> Text<MAX> {
    /// Blank or absent is `None`.
    pub fn optional(raw: Option<&str>) -> Result<Option<Self>, InvalidInput> {
        Ok(optional_text(raw, MAX)?.map(Self))
    }

    /// Blank is refused.
    pub fn required(raw: &str) -> Result<Self, InvalidInput> {
        Ok(Self(required_text(raw, MAX)?))
    }

    /// `optional`, as the plain string a row stores.
    pub fn optional_string(raw: Option<&str>) -> Result<Option<String>, InvalidInput> {
        Ok(Self::optional(raw)?.map(String::from))
    }

    /// `required`, as the plain string a row stores.
    pub fn required_string(raw: &str) -> Result<String, InvalidInput> {
        Ok(Self::required(raw)?.0)
    }
}

impl<const MAX: usize> From<Text<MAX>> for String {
    fn from(text: Text<MAX>) -> String {
        text.0
    }
}

impl<const MAX: usize> std::ops::Deref for Text<MAX> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// Days a seller has to accept or decline: 1 to 90 ("a response window measured in days").
pub fn response_window_days(days: i32) -> Result<u16, InvalidInput> {
    if (1..=90).contains(&days) { Ok(days as u16) } else { Err(InvalidInput::new("must be between 1 and 90 days")) }
}

/// A date written as `YYYY-MM-DD`, in the years 2000 to 2100 (a packet's dates are near today).
pub fn date(raw: &str) -> Result<NaiveDate, InvalidInput> {
    use chrono::Datelike;
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| InvalidInput::new("must be a date like 2026-03-31"))?;
    if !(2000..=2100).contains(&date.year()) {
        return Err(InvalidInput::new("must be a date between 2000-01-01 and 2100-12-31"));
    }
    Ok(date)
}

/// How far back a record may be dated: five years, enough for a client's history and short of
/// nonsense such as the year 1.
pub const OLDEST_RECORD_DAYS: i64 = 5 * 366;
/// Clock skew tolerated for a time "now" given by a client.
const FUTURE_SKEW_MINUTES: i64 = 5;

/// When something happened: the given time, or now; never in the future, never older than
/// [`OLDEST_RECORD_DAYS`].
pub fn happened_at(
    given: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<chrono::DateTime<chrono::Utc>, InvalidInput> {
    match given {
        None => Ok(now),
        Some(at) if at > now + chrono::Duration::minutes(FUTURE_SKEW_MINUTES) => {
            Err(InvalidInput::new("must not be in the future"))
        }
        Some(at) if at < now - chrono::Duration::days(OLDEST_RECORD_DAYS) => {
            Err(InvalidInput::new("must be within the last five years"))
        }
        Some(at) => Ok(at),
    }
}

/// One piece of proof a seller can verify: a label and an http(s) link.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProofLink {
    pub label: String,
    pub url: String,
}

impl ProofLink {
    pub fn parse(label: &str, url: &str) -> Result<Self, InvalidInput> {
        let label = ShortText::required_string(label)?;
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
    fn nul_and_bidi_overrides_are_refused_but_emoji_joiners_kept() {
        assert!(optional_text(Some("pay\u{202E}txt.exe"), 50).is_err());
        assert!(optional_text(Some("a\u{0}b"), 50).is_err());
        assert!(optional_text(Some("zero\u{200B}width"), 50).is_err());
        assert!(optional_text(Some("family \u{1F468}\u{200D}\u{1F469}"), 50).is_ok());
        assert!(is_format_char('\u{200D}') && !forbidden_anywhere('\u{200D}'));
        assert!(!is_format_char('é') && !is_format_char('\u{5D0}'));
    }

    #[test]
    fn record_times_are_bounded_on_both_sides() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z").unwrap().to_utc();
        assert_eq!(happened_at(None, now).unwrap(), now);
        assert!(happened_at(Some(now + chrono::Duration::minutes(4)), now).is_ok());
        assert!(happened_at(Some(now + chrono::Duration::minutes(6)), now).is_err());
        assert!(happened_at(Some(now - chrono::Duration::days(4 * 365)), now).is_ok());
        let year_one = chrono::DateTime::parse_from_rfc3339("0001-01-01T00:00:00Z").unwrap().to_utc();
        assert!(happened_at(Some(year_one), now).is_err());
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
        assert!(date("0001-01-01").is_err());
        assert!(date("2101-01-01").is_err());
    }
}
