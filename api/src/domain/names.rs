use super::InvalidInput;

fn bounded_text(raw: &str, max_chars: usize) -> Result<String, InvalidInput> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(InvalidInput::new("must not be empty"));
    }
    if value.chars().count() > max_chars {
        return Err(InvalidInput::new(format!("must be at most {max_chars} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(InvalidInput::new("must not contain control characters"));
    }
    // A name identifies someone to other people: nothing invisible may change how it reads.
    if value.chars().any(super::text::is_format_char) {
        return Err(InvalidInput::new("must not contain invisible format characters (bidi overrides, zero-width)"));
    }
    Ok(value.to_owned())
}

/// A person's or an organization's name as shown to people: trimmed, 1 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        bounded_text(raw, 200).map(Self)
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A label for an API token, so its owner can tell tokens apart: 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        bounded_text(raw, 100).map(Self)
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ana Lee ").unwrap().into_inner(), "Ana Lee");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(201)).is_err());
        assert!(DisplayName::parse(&"é".repeat(200)).is_ok());
        assert!(TokenName::parse(&"x".repeat(101)).is_err());
        assert!(DisplayName::parse("a\u{0}b").is_err());
        assert!(DisplayName::parse("Ana\u{202E}eL").is_err());
        assert!(DisplayName::parse("Ana\u{200D}Lee").is_err());
    }
}
