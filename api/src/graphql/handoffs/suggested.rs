//! What the packet itself supports, next to the grades the marketer gave.

use async_graphql::SimpleObject;

use crate::domain::scorecard::Suggestion;
use crate::graphql::scorecard_enums::{ComponentGql, GradeGql};

/// The grade a component's Strong test, read against the packet's fields, supports.
#[derive(SimpleObject)]
pub struct SuggestedGrade {
    /// The component.
    pub component: ComponentGql,
    /// STRONG when every part of the test is in the packet, WEAK when some are, MISSING when none.
    pub grade: GradeGql,
    /// One sentence per part of the test: what the packet has first, then what it lacks.
    pub reasons: Vec<String>,
}

impl From<Suggestion> for SuggestedGrade {
    fn from(s: Suggestion) -> Self {
        Self { component: s.component.into(), grade: s.grade.into(), reasons: s.reasons }
    }
}
