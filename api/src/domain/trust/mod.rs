//! Seller behaviour: the six trust signals (SPEC "Seller behaviour"). Each signal is computed from
//! plain facts for one window and the window before it, then read as BUILDING, BURNING, STEADY or
//! NOT_ENOUGH_DATA. Pure functions: the caller supplies the facts and the window bounds.

mod reading;
mod report;
mod series;
mod signals;

pub use reading::{Reading, Trend, read, trend};
pub use report::{SignalReport, TrustFacts, TrustSummary, average_score, evaluate, signal_report, summarize_trust};
pub use series::{Bucket, buckets};
pub use signals::{
    AskFact, DecisionFact, EscalationFact, EscalationTopic, MeetingFact, MentionFact, Signal, SignalValue, Window,
    acceptance_rate, escalation_quality, median_response_hours, pipeline_language, repeat_usage, seller_initiated_asks,
    silent_share,
};
