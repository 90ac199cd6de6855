use super::{Band, Component};

/// How well one component is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grade {
    /// Specific, current, actionable without a clarifying call: 2 points.
    Strong,
    /// Exists but generic, stale, or needs interpretation: 1 point.
    Weak,
    /// Absent, assumed, or in someone's head: 0 points.
    Missing,
}

impl Grade {
    pub fn points(self) -> u8 {
        match self {
            Grade::Strong => 2,
            Grade::Weak => 1,
            Grade::Missing => 0,
        }
    }

    /// The grade nearest to an average of points (halves round up): used to read several
    /// handoffs' component as one.
    pub fn nearest(average_points: f64) -> Self {
        if average_points >= 1.5 {
            Grade::Strong
        } else if average_points >= 0.5 {
            Grade::Weak
        } else {
            Grade::Missing
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Grade::Strong => "STRONG",
            Grade::Weak => "WEAK",
            Grade::Missing => "MISSING",
        }
    }
}

/// The current grade of each of the nine components; a component never graded counts as MISSING.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradeSet([Grade; 9]);

impl Default for GradeSet {
    fn default() -> Self {
        Self([Grade::Missing; 9])
    }
}

impl GradeSet {
    pub fn new(grades: [Grade; 9]) -> Self {
        Self(grades)
    }

    /// Grades from (component, grade) pairs; later pairs win, absent components stay MISSING.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Component, Grade)>) -> Self {
        let mut set = Self::default();
        for (component, grade) in pairs {
            set.0[component.index()] = grade;
        }
        set
    }

    pub fn get(&self, component: Component) -> Grade {
        self.0[component.index()]
    }

    /// Each component with its grade, in the table's order.
    pub fn iter(&self) -> impl Iterator<Item = (Component, Grade)> + '_ {
        Component::ALL.into_iter().map(|c| (c, self.get(c)))
    }

    /// The sum of points, 0 to 18.
    pub fn score(&self) -> u8 {
        self.0.iter().map(|g| g.points()).sum()
    }

    pub fn band(&self) -> Band {
        Band::for_score(self.score())
    }

    /// The two lowest-graded components that are not STRONG, weakest first; ties go to the earlier
    /// component. Fewer, or none, when fewer fall short.
    pub fn weakest(&self) -> Vec<Component> {
        let points = self.0.map(|g| f64::from(g.points()));
        weakest_by_points(&points)
    }
}

/// The (at most) two components with the lowest points below STRONG's 2, weakest first; ties go
/// to the earlier component.
pub(super) fn weakest_by_points(points: &[f64; 9]) -> Vec<Component> {
    let mut order = Component::ALL;
    // A stable sort keeps the table order among equal points.
    order.sort_by(|a, b| points[a.index()].total_cmp(&points[b.index()]));
    order.into_iter().filter(|c| points[c.index()] < f64::from(Grade::Strong.points())).take(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Component::*;
    use Grade::*;

    /// A grade set whose score is `score`: STRONG components first, then one WEAK if odd.
    fn with_score(score: u8) -> GradeSet {
        let mut grades = [Missing; 9];
        for (i, g) in grades.iter_mut().enumerate() {
            let i = i as u8;
            *g = if 2 * i + 2 <= score {
                Strong
            } else if 2 * i + 1 == score {
                Weak
            } else {
                Missing
            };
        }
        GradeSet::new(grades)
    }

    #[test]
    fn every_score_from_0_to_18_sums_the_points_and_bands_right() {
        for score in 0..=18u8 {
            let set = with_score(score);
            assert_eq!(set.score(), score);
            let expected = match score {
                0..=8 => Band::NotAHandoffYet,
                9..=14 => Band::FixBeforeVolume,
                _ => Band::SalesReady,
            };
            assert_eq!(set.band(), expected, "score {score}");
        }
    }

    #[test]
    fn ungraded_components_count_as_missing() {
        let set = GradeSet::from_pairs([(Owner, Strong)]);
        assert_eq!(set.score(), 2);
        assert_eq!(set.get(Proof), Missing);
        assert_eq!(GradeSet::default().score(), 0);
    }

    #[test]
    fn later_pairs_win() {
        let set = GradeSet::from_pairs([(Owner, Strong), (Owner, Weak)]);
        assert_eq!(set.get(Owner), Weak);
    }

    #[test]
    fn the_two_weakest_are_the_lowest_graded_weakest_first() {
        let set =
            GradeSet::from_pairs(Component::ALL.map(|c| (c, Strong))).with(Proof, Missing).with(BuyerProblem, Weak);
        assert_eq!(set.weakest(), [Proof, BuyerProblem]);
    }

    #[test]
    fn ties_among_the_weakest_go_to_the_earlier_component() {
        let all_strong = GradeSet::from_pairs(Component::ALL.map(|c| (c, Strong)));
        assert!(all_strong.weakest().is_empty(), "nothing is weak in an 18/18 packet");
        assert_eq!(GradeSet::default().weakest(), [TargetAccountLogic, PartnerContext]);
        let one = GradeSet::from_pairs(all_strong.iter().chain([(Owner, Weak)]));
        assert_eq!(one.weakest(), [Owner], "one short of STRONG, one listed");
        let set = all_strong.with(Proof, Weak).with(Owner, Weak).with(NextAction, Weak);
        assert_eq!(set.weakest(), [NextAction, Owner]);
        let set = all_strong.with(Proof, Missing).with(Owner, Weak).with(NextAction, Weak);
        assert_eq!(set.weakest(), [Proof, NextAction]);
    }

    #[test]
    fn an_average_reads_as_its_nearest_grade() {
        assert_eq!(Grade::nearest(2.0), Strong);
        assert_eq!(Grade::nearest(1.5), Strong);
        assert_eq!(Grade::nearest(1.49), Weak);
        assert_eq!(Grade::nearest(0.5), Weak);
        assert_eq!(Grade::nearest(0.34), Missing);
    }

    impl GradeSet {
        fn with(mut self, c: Component, g: Grade) -> Self {
            self.0[c.index()] = g;
            self
        }
    }
}
