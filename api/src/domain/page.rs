use super::InvalidInput;

/// How many items one page of a connection holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(u64);

impl PageSize {
    pub const DEFAULT: u64 = 50;
    pub const MAX: u64 = 100;

    /// `None` means the default; 0 is allowed (a client asking only for `pageInfo`).
    pub fn parse(first: Option<i32>) -> Result<Self, InvalidInput> {
        match first {
            None => Ok(Self(Self::DEFAULT)),
            Some(n) if n < 0 => Err(InvalidInput::new("must not be negative")),
            Some(n) if n as u64 > Self::MAX => Err(InvalidInput::new(format!("must be at most {}", Self::MAX))),
            Some(n) => Ok(Self(n as u64)),
        }
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_defaults_to_fifty_and_caps_at_one_hundred() {
        assert_eq!(PageSize::parse(None).unwrap().get(), 50);
        assert_eq!(PageSize::parse(Some(100)).unwrap().get(), 100);
        assert_eq!(PageSize::parse(Some(0)).unwrap().get(), 0);
        assert!(PageSize::parse(Some(101)).is_err());
        assert!(PageSize::parse(Some(-1)).is_err());
    }
}
