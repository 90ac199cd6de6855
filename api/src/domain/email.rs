use super::InvalidInput;

/// An email address, trimmed and lowercased so that one person has one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Accepts the common `local@domain.tld` shape; anything stricter belongs to a confirmation mail.
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let value = raw.trim().to_lowercase();
        if value.len() > 254 {
            return Err(InvalidInput::new("must be at most 254 characters"));
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(InvalidInput::new("must be an email address like name@example.com"));
        };
        let well_formed = !local.is_empty()
            && local.len() <= 64
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !value.chars().any(|c| c.is_whitespace() || c.is_control() || super::text::is_format_char(c));
        if !well_formed {
            return Err(InvalidInput::new("must be an email address like name@example.com"));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_trimmed_and_lowercased() {
        assert_eq!(Email::parse("  Ana@Example.COM ").unwrap().as_str(), "ana@example.com");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for raw in [
            "",
            "ana",
            "@example.com",
            "ana@",
            "ana@example",
            "a b@example.com",
            "ana@@x.com",
            "ana@.com",
            "ana@x..com",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw:?} should be refused");
        }
    }
}
