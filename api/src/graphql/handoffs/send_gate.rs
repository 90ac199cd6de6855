//! `Handoff.sendBlockers` and the refusal `sendHandoff` answers with: the same list, from the same
//! pure rule (`domain::scorecard::check_send`).

use async_graphql::indexmap::IndexMap;
use async_graphql::resolver_utils::enum_value;
use async_graphql::{Enum, Name, Object, Value};

use super::super::scorecard_enums::ComponentGql;
use crate::domain::scorecard::SendBlocker as Blocker;

/// What kind of thing stands between a handoff and sending it.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum SendBlockerCode {
    /// The score is 0 to 8: a lead dump, never sent.
    NotAHandoffYet,
    /// The score is below the minimum score to send; `gap` says by how much.
    BelowMinimumScore,
    /// The agreed working agreement requires `component`, and it is graded MISSING.
    RequiredComponentMissing,
    /// No seller is addressed, or the one addressed is no SELLER of the organization.
    NoSeller,
    /// No owner is named.
    NoOwner,
    /// No next action is set.
    NoNextAction,
    /// No response window is set.
    NoResponseWindow,
}

/// One thing that stands between a handoff and sending it.
pub struct SendBlocker(pub Blocker);

impl SendBlocker {
    fn kind(&self) -> SendBlockerCode {
        match self.0 {
            Blocker::NotAHandoffYet => SendBlockerCode::NotAHandoffYet,
            Blocker::BelowMinimumScore { .. } => SendBlockerCode::BelowMinimumScore,
            Blocker::RequiredComponentMissing(_) => SendBlockerCode::RequiredComponentMissing,
            Blocker::NoSeller => SendBlockerCode::NoSeller,
            Blocker::NoOwner => SendBlockerCode::NoOwner,
            Blocker::NoNextAction => SendBlockerCode::NoNextAction,
            Blocker::NoResponseWindow => SendBlockerCode::NoResponseWindow,
        }
    }

    fn required(&self) -> Option<ComponentGql> {
        match self.0 {
            Blocker::RequiredComponentMissing(c) => Some(c.into()),
            _ => None,
        }
    }

    /// The blocker as `sendHandoff`'s refusal lists it in `extensions.blockers`.
    fn to_extension(&self) -> Value {
        let mut entry = IndexMap::new();
        entry.insert(Name::new("code"), enum_value(self.kind()));
        entry.insert(Name::new("message"), Value::from(self.0.describe()));
        if let Some(component) = self.required() {
            entry.insert(Name::new("component"), enum_value(component));
        }
        if let Some(gap) = self.0.gap() {
            entry.insert(Name::new("gap"), Value::from(gap));
        }
        Value::Object(entry)
    }
}

/// One thing that stands between a handoff and sending it, with what would clear it.
#[Object]
impl SendBlocker {
    /// What kind of blocker this is.
    async fn code(&self) -> SendBlockerCode {
        self.kind()
    }
    /// What is missing, in a sentence that says what would fix it.
    async fn message(&self) -> String {
        self.0.describe()
    }
    /// The required component graded MISSING (REQUIRED_COMPONENT_MISSING only).
    async fn component(&self) -> Option<ComponentGql> {
        self.required()
    }
    /// Points the score still needs to reach the minimum (BELOW_MINIMUM_SCORE only).
    async fn gap(&self) -> Option<i32> {
        self.0.gap().map(i32::from)
    }
}

/// `sendHandoff`'s refusal lists the blockers under `extensions.blockers`, each as
/// `Handoff.sendBlockers` shows it.
pub fn extension(blockers: &[Blocker]) -> Value {
    Value::List(blockers.iter().map(|b| SendBlocker(*b).to_extension()).collect())
}
