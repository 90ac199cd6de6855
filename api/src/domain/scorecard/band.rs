/// What a score means and what to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Band {
    /// 15–18.
    SalesReady,
    /// 9–14.
    FixBeforeVolume,
    /// 0–8.
    NotAHandoffYet,
}

impl Band {
    pub const SALES_READY_FROM: u8 = 15;
    pub const FIX_BEFORE_VOLUME_FROM: u8 = 9;

    pub fn for_score(score: u8) -> Self {
        Self::for_average(f64::from(score))
    }

    /// The band of an average score: the average must reach a band's lowest score
    /// (an average of 8.67 has not reached 9, so it is still NOT_A_HANDOFF_YET).
    pub fn for_average(score: f64) -> Self {
        if score >= f64::from(Self::SALES_READY_FROM) {
            Band::SalesReady
        } else if score >= f64::from(Self::FIX_BEFORE_VOLUME_FROM) {
            Band::FixBeforeVolume
        } else {
            Band::NotAHandoffYet
        }
    }

    /// The band's next step, in plain words.
    pub fn guidance(self) -> &'static str {
        match self {
            Band::SalesReady => {
                "Scale the motion: more partners, more accounts, same packet discipline. \
                 Track acceptance rate as you add volume."
            }
            Band::FixBeforeVolume => {
                "Rebuild the two weakest components before the next handoff goes out. \
                 Volume on a weak packet burns trust."
            }
            Band::NotAHandoffYet => {
                "This reads to sales as a lead dump. Restart from target account logic and \
                 acceptance criteria before sending anything."
            }
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Band::SalesReady => "SALES_READY",
            Band::FixBeforeVolume => "FIX_BEFORE_VOLUME",
            Band::NotAHandoffYet => "NOT_A_HANDOFF_YET",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_boundaries_sit_at_8_9_and_14_15() {
        assert_eq!(Band::for_score(0), Band::NotAHandoffYet);
        assert_eq!(Band::for_score(8), Band::NotAHandoffYet);
        assert_eq!(Band::for_score(9), Band::FixBeforeVolume);
        assert_eq!(Band::for_score(14), Band::FixBeforeVolume);
        assert_eq!(Band::for_score(15), Band::SalesReady);
        assert_eq!(Band::for_score(18), Band::SalesReady);
    }

    #[test]
    fn an_average_must_reach_the_band() {
        assert_eq!(Band::for_average(8.99), Band::NotAHandoffYet);
        assert_eq!(Band::for_average(9.0), Band::FixBeforeVolume);
        assert_eq!(Band::for_average(14.67), Band::FixBeforeVolume);
        assert_eq!(Band::for_average(15.0), Band::SalesReady);
    }

    #[test]
    fn every_band_has_its_next_step() {
        assert!(Band::SalesReady.guidance().contains("acceptance rate"));
        assert!(Band::FixBeforeVolume.guidance().contains("two weakest"));
        assert!(Band::NotAHandoffYet.guidance().contains("lead dump"));
    }
}
