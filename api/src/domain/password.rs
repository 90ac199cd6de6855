use super::InvalidInput;

/// A password chosen at sign-up. Long passphrases are welcome; the upper bound keeps hashing cheap
/// enough that a huge body cannot be used to burn CPU.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let count = raw.chars().count();
        if count < Self::MIN_CHARS {
            return Err(InvalidInput::new(format!("must be at least {} characters", Self::MIN_CHARS)));
        }
        if count > Self::MAX_CHARS {
            return Err(InvalidInput::new(format!("must be at most {} characters", Self::MAX_CHARS)));
        }
        if raw.trim().is_empty() {
            return Err(InvalidInput::new("must not be blank"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

// Never print a password, even in debug output.
impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_long_and_blank_passwords_are_refused() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
        assert!(NewPassword::parse("          ").is_err());
        assert!(NewPassword::parse("correct horse battery").is_ok());
    }

    #[test]
    fn debug_output_hides_the_password() {
        let p = NewPassword::parse("correct horse battery").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }
}
