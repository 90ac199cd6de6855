use super::InvalidInput;

/// An organization's URL name: lowercase letters, digits and hyphens, 3 to 40 characters,
/// starting and ending with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let len = raw.len();
        if !(3..=40).contains(&len) {
            return Err(InvalidInput::new("must be 3 to 40 characters"));
        }
        if !raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(InvalidInput::new("may hold only lowercase letters, digits and hyphens"));
        }
        if raw.starts_with('-') || raw.ends_with('-') {
            return Err(InvalidInput::new("must start and end with a letter or digit"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_rules() {
        for ok in ["abc", "acme-corp", "a1b2", &"x".repeat(40)] {
            assert!(Slug::parse(ok).is_ok(), "{ok:?} should be accepted");
        }
        for bad in ["ab", "Acme", "acme corp", "acme_corp", "-acme", "acme-", "acmé", &"x".repeat(41)] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
