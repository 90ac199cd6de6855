use super::InvalidInput;

/// Shipped with the binary, so the check needs no network or file at run time.
const COMMON: &str = include_str!("common_passwords.txt");

fn is_common(raw: &str) -> bool {
    let candidate = raw.trim().to_lowercase();
    COMMON.lines().filter(|l| !l.starts_with('#')).any(|l| l == candidate)
}

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
        let mut chars = raw.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(InvalidInput::new("must not be one character repeated"));
        }
        if is_common(raw) {
            return Err(InvalidInput::new("is one of the most common passwords; choose another"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Refuses a password that is the account's own email, the email's local part, or its name.
    pub fn check_personal(&self, email: &str, name: &str) -> Result<(), InvalidInput> {
        let password = self.0.trim().to_lowercase();
        let local = email.split('@').next().unwrap_or_default();
        let personal = [email, local, name.trim()].map(str::to_lowercase);
        if personal.iter().any(|p| !p.is_empty() && password == *p) {
            return Err(InvalidInput::new("must not be your email or name"));
        }
        Ok(())
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
    fn common_repeated_and_personal_passwords_are_refused() {
        assert!(NewPassword::parse("Password123").is_err());
        assert!(NewPassword::parse("qwertyuiop").is_err());
        assert!(NewPassword::parse("aaaaaaaaaaaa").is_err());
        let pw = NewPassword::parse("ana.lee@example.com").unwrap();
        assert!(pw.check_personal("ana.lee@example.com", "Ana").is_err());
        let pw = NewPassword::parse("Ana Lee Smith").unwrap();
        assert!(pw.check_personal("ana@example.com", "ana lee smith").is_err());
        let pw = NewPassword::parse("correct horse battery").unwrap();
        assert!(pw.check_personal("ana@example.com", "Ana").is_ok());
    }

    #[test]
    fn debug_output_hides_the_password() {
        let p = NewPassword::parse("correct horse battery").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }
}
