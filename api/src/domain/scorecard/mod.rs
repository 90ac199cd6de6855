//! The scorecard rules (SPEC "The scorecard"): nine components graded STRONG / WEAK / MISSING, a
//! score of 0–18, a band with its next step, the two weakest components, the plays that raise the
//! score, the send gate, and the scorecard over the last handoffs. Pure functions only.

mod band;
mod component;
mod content;
pub mod gate;
mod grades;
mod lifecycle;
mod plays;
pub mod suggest;
mod summary;

pub use band::Band;
pub use component::Component;
pub use content::PacketContent;
pub use gate::{Packet, SendBlocker, SendCheck, SendFacts, SendRefusal, SendRules, Sending, check_send};
pub use grades::{Grade, GradeSet};
pub use lifecycle::{Decision, DecisionError, Frozen, HandoffStatus, decide, editable, is_overdue, respond_by};
pub use plays::{Play, PlayContext, PlayTrigger, RulePlay, packet_plays, plays, rule_plays};
pub use suggest::{OwnerFact, PacketFacts, Suggestion, gaps, suggest};
pub use summary::{ScorecardSummary, summarize};
