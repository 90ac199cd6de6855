//! The six signals' formulas over one window. Outcomes (decided, overdue) are read as of `now`.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// A half-open span of time, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    /// The `days` days up to `end`.
    pub fn ending(end: DateTime<Utc>, days: u32) -> Self {
        Self { start: end - Duration::days(i64::from(days)), end }
    }

    /// The window of the same length just before this one.
    pub fn previous(self) -> Self {
        Self { start: self.start - (self.end - self.start), end: self.start }
    }

    pub fn contains(self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }
}

/// The six signals of seller behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    ResponseTime,
    AcceptanceRate,
    SellerInitiatedAsks,
    PipelineLanguage,
    RepeatUsage,
    EscalationQuality,
}

impl Signal {
    pub const ALL: [Signal; 6] = [
        Signal::ResponseTime,
        Signal::AcceptanceRate,
        Signal::SellerInitiatedAsks,
        Signal::PipelineLanguage,
        Signal::RepeatUsage,
        Signal::EscalationQuality,
    ];

    /// Whether a rising value means trust is building (response time is the one that should fall).
    pub fn healthy_up(self) -> bool {
        self != Signal::ResponseTime
    }

    /// The smallest sample worth reading: three for medians and shares (one or two handoffs say
    /// little), one for counts (any logged event is data).
    pub fn min_sample(self) -> usize {
        match self {
            Signal::SellerInitiatedAsks | Signal::PipelineLanguage => 1,
            _ => 3,
        }
    }
}

/// A signal's value over one window and how many events it rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignalValue {
    pub value: Option<f64>,
    pub sample: usize,
}

/// A sent handoff's outcome.
#[derive(Debug, Clone, Copy)]
pub struct DecisionFact {
    pub sent_at: DateTime<Utc>,
    pub respond_by: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub accepted: bool,
}

/// A seller's ask for partner help; `brought` when partner marketing had already sent a handoff
/// on that account.
#[derive(Debug, Clone, Copy)]
pub struct AskFact {
    pub asked_at: DateTime<Utc>,
    pub brought: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct MentionFact {
    pub mentioned_at: DateTime<Utc>,
    pub partner_marketing_present: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct MeetingFact {
    pub seller_id: Uuid,
    pub met_at: DateTime<Utc>,
}

/// What an escalation was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EscalationTopic {
    WhichAccount,
    WhichPartner,
    /// Whether partner handoffs are worth reading at all: the bad kind.
    WorthReading,
}

impl EscalationTopic {
    pub const ALL: [EscalationTopic; 3] =
        [EscalationTopic::WhichAccount, EscalationTopic::WhichPartner, EscalationTopic::WorthReading];

    /// The stored and contract name, e.g. `WHICH_ACCOUNT`.
    pub fn code(self) -> &'static str {
        match self {
            EscalationTopic::WhichAccount => "WHICH_ACCOUNT",
            EscalationTopic::WhichPartner => "WHICH_PARTNER",
            EscalationTopic::WorthReading => "WORTH_READING",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct EscalationFact {
    pub raised_at: DateTime<Utc>,
    pub topic: EscalationTopic,
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// RESPONSE_TIME: median hours from sent to decision, over handoffs sent in the window and decided.
pub fn median_response_hours(facts: &[DecisionFact], window: Window) -> SignalValue {
    let mut hours: Vec<f64> = facts
        .iter()
        .filter(|f| window.contains(f.sent_at))
        .filter_map(|f| f.decided_at.map(|d| (d - f.sent_at).num_seconds() as f64 / 3600.0))
        .collect();
    hours.sort_by(f64::total_cmp);
    let n = hours.len();
    let value = match n {
        0 => None,
        _ if n % 2 == 1 => Some(hours[n / 2]),
        _ => Some((hours[n / 2 - 1] + hours[n / 2]) / 2.0),
    };
    SignalValue { value, sample: n }
}

/// Whether a handoff went silent: no decision by its `respondBy` (decided late, or never), as of `now`.
fn went_silent(f: &DecisionFact, now: DateTime<Utc>) -> bool {
    match f.decided_at {
        Some(d) => d > f.respond_by,
        None => now > f.respond_by,
    }
}

/// The share of handoffs sent in the window, and due by `now`, that went silent.
pub fn silent_share(facts: &[DecisionFact], window: Window, now: DateTime<Utc>) -> SignalValue {
    let due: Vec<&DecisionFact> =
        facts.iter().filter(|f| window.contains(f.sent_at) && (f.decided_at.is_some() || now > f.respond_by)).collect();
    let silent = due.iter().filter(|f| went_silent(f, now)).count();
    SignalValue { value: share(silent, due.len()), sample: due.len() }
}

/// ACCEPTANCE_RATE: accepted ÷ (decided + overdue without a decision), over handoffs sent in the window.
pub fn acceptance_rate(facts: &[DecisionFact], window: Window, now: DateTime<Utc>) -> SignalValue {
    let counted: Vec<&DecisionFact> =
        facts.iter().filter(|f| window.contains(f.sent_at) && (f.decided_at.is_some() || now > f.respond_by)).collect();
    let accepted = counted.iter().filter(|f| f.decided_at.is_some() && f.accepted).count();
    SignalValue { value: share(accepted, counted.len()), sample: counted.len() }
}

/// SELLER_INITIATED_ASKS: asks in the window on accounts partner marketing had not brought.
pub fn seller_initiated_asks(facts: &[AskFact], window: Window) -> SignalValue {
    let in_window: Vec<&AskFact> = facts.iter().filter(|f| window.contains(f.asked_at)).collect();
    let initiated = in_window.iter().filter(|f| !f.brought).count();
    SignalValue { value: (!in_window.is_empty()).then_some(initiated as f64), sample: in_window.len() }
}

/// PIPELINE_LANGUAGE: partner-influence mentions in the window with partner marketing absent.
pub fn pipeline_language(facts: &[MentionFact], window: Window) -> SignalValue {
    let in_window: Vec<&MentionFact> = facts.iter().filter(|f| window.contains(f.mentioned_at)).collect();
    let unprompted = in_window.iter().filter(|f| !f.partner_marketing_present).count();
    SignalValue { value: (!in_window.is_empty()).then_some(unprompted as f64), sample: in_window.len() }
}

/// REPEAT_USAGE: of the sellers who took a partner meeting in the window, the share who took two or more.
pub fn repeat_usage(facts: &[MeetingFact], window: Window) -> SignalValue {
    let mut per_seller: HashMap<Uuid, usize> = HashMap::new();
    for f in facts.iter().filter(|f| window.contains(f.met_at)) {
        *per_seller.entry(f.seller_id).or_default() += 1;
    }
    let repeat = per_seller.values().filter(|n| **n >= 2).count();
    SignalValue { value: share(repeat, per_seller.len()), sample: per_seller.len() }
}

/// ESCALATION_QUALITY: the share of escalations in the window about which account or which partner.
pub fn escalation_quality(facts: &[EscalationFact], window: Window) -> SignalValue {
    let in_window: Vec<&EscalationFact> = facts.iter().filter(|f| window.contains(f.raised_at)).collect();
    let good = in_window.iter().filter(|f| f.topic != EscalationTopic::WorthReading).count();
    SignalValue { value: share(good, in_window.len()), sample: in_window.len() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(day: i64, hour: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().with_timezone(&Utc)
            + Duration::days(day)
            + Duration::hours(hour)
    }

    fn sent(day: i64, decided_after_hours: Option<i64>, accepted: bool) -> DecisionFact {
        DecisionFact {
            sent_at: t(day, 0),
            respond_by: t(day + 3, 0),
            decided_at: decided_after_hours.map(|h| t(day, h)),
            accepted,
        }
    }

    /// Days 30 to 60 of 2026 (`now` at its end).
    fn window() -> Window {
        Window::ending(t(60, 0), 30)
    }

    #[test]
    fn windows_are_half_open_and_chain_backwards() {
        let w = window();
        assert!(w.contains(t(30, 0)) && !w.contains(t(60, 0)));
        assert_eq!(w.previous(), Window { start: t(0, 0), end: t(30, 0) });
    }

    #[test]
    fn response_time_is_the_median_of_decided_handoffs_sent_in_the_window() {
        // Decided after 2, 10 and 100 hours, one undecided, one sent before the window.
        let facts = [
            sent(31, Some(2), true),
            sent(35, Some(10), false),
            sent(40, Some(100), true),
            sent(41, None, false),
            sent(10, Some(1), true),
        ];
        assert_eq!(median_response_hours(&facts, window()), SignalValue { value: Some(10.0), sample: 3 });
        let even = [sent(31, Some(2), true), sent(35, Some(10), false)];
        assert_eq!(median_response_hours(&even, window()), SignalValue { value: Some(6.0), sample: 2 });
        assert_eq!(median_response_hours(&[], window()), SignalValue { value: None, sample: 0 });
    }

    #[test]
    fn silence_is_no_decision_by_respond_by() {
        let now = t(60, 0);
        // On time; late (100 h > 72 h window); never, overdue; never, not yet due.
        let facts = [sent(31, Some(2), true), sent(35, Some(100), true), sent(40, None, false), sent(59, None, false)];
        assert_eq!(silent_share(&facts, window(), now), SignalValue { value: Some(2.0 / 3.0), sample: 3 });
    }

    #[test]
    fn a_decision_exactly_at_respond_by_is_on_time_and_one_second_later_is_silence() {
        let now = t(60, 0);
        let on_time =
            DecisionFact { sent_at: t(31, 0), respond_by: t(34, 0), decided_at: Some(t(34, 0)), accepted: true };
        let late = DecisionFact { decided_at: Some(t(34, 0) + Duration::seconds(1)), ..on_time };
        assert_eq!(silent_share(&[on_time], window(), now).value, Some(0.0));
        assert_eq!(silent_share(&[late], window(), now).value, Some(1.0));
        // Undecided: due only once now is past respondBy.
        let open = DecisionFact { decided_at: None, ..on_time };
        assert_eq!(silent_share(&[open], window(), t(34, 0)).sample, 0);
        assert_eq!(silent_share(&[open], window(), t(34, 0) + Duration::seconds(1)).value, Some(1.0));
    }

    #[test]
    fn acceptance_counts_overdue_silence_against_the_rate() {
        let now = t(60, 0);
        // Accepted, declined, accepted late, overdue and undecided, not yet due (left out).
        let facts = [
            sent(31, Some(2), true),
            sent(33, Some(5), false),
            sent(35, Some(100), true),
            sent(40, None, false),
            sent(59, None, false),
        ];
        assert_eq!(acceptance_rate(&facts, window(), now), SignalValue { value: Some(0.5), sample: 4 });
    }

    #[test]
    fn asks_and_mentions_count_only_what_sellers_did_on_their_own() {
        let asks = [
            AskFact { asked_at: t(31, 0), brought: false },
            AskFact { asked_at: t(32, 0), brought: true },
            AskFact { asked_at: t(1, 0), brought: false },
        ];
        assert_eq!(seller_initiated_asks(&asks, window()), SignalValue { value: Some(1.0), sample: 2 });
        assert_eq!(seller_initiated_asks(&[], window()), SignalValue { value: None, sample: 0 });
        let mentions = [
            MentionFact { mentioned_at: t(31, 0), partner_marketing_present: false },
            MentionFact { mentioned_at: t(32, 0), partner_marketing_present: false },
            MentionFact { mentioned_at: t(33, 0), partner_marketing_present: true },
        ];
        assert_eq!(pipeline_language(&mentions, window()), SignalValue { value: Some(2.0), sample: 3 });
    }

    #[test]
    fn repeat_usage_is_the_share_of_sellers_with_a_second_meeting() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let meetings = [
            MeetingFact { seller_id: a, met_at: t(31, 0) },
            MeetingFact { seller_id: a, met_at: t(45, 0) },
            MeetingFact { seller_id: b, met_at: t(33, 0) },
            MeetingFact { seller_id: c, met_at: t(50, 0) },
            MeetingFact { seller_id: c, met_at: t(5, 0) },
        ];
        assert_eq!(repeat_usage(&meetings, window()), SignalValue { value: Some(1.0 / 3.0), sample: 3 });
    }

    #[test]
    fn escalation_quality_is_the_share_not_about_worth() {
        let e = |day, topic| EscalationFact { raised_at: t(day, 0), topic };
        let facts = [
            e(31, EscalationTopic::WhichAccount),
            e(32, EscalationTopic::WhichPartner),
            e(33, EscalationTopic::WorthReading),
            e(34, EscalationTopic::WhichAccount),
        ];
        assert_eq!(escalation_quality(&facts, window()), SignalValue { value: Some(0.75), sample: 4 });
    }

    #[test]
    fn only_response_time_is_healthy_going_down() {
        assert!(!Signal::ResponseTime.healthy_up());
        assert!(Signal::ALL.iter().filter(|s| s.healthy_up()).count() == 5);
    }
}
