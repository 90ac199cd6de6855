//! The trust report over one window and the window before it.

use chrono::{DateTime, Utc};

use super::reading::{Reading, Trend, read, trend};
use super::signals::{
    AskFact, DecisionFact, EscalationFact, MeetingFact, MentionFact, Signal, SignalValue, Window, acceptance_rate,
    escalation_quality, median_response_hours, pipeline_language, repeat_usage, seller_initiated_asks, silent_share,
};

/// Everything the signals read, for both windows.
#[derive(Debug, Clone, Default)]
pub struct TrustFacts {
    pub decisions: Vec<DecisionFact>,
    pub asks: Vec<AskFact>,
    pub mentions: Vec<MentionFact>,
    pub meetings: Vec<MeetingFact>,
    pub escalations: Vec<EscalationFact>,
    /// Sent handoffs' scores, by sent time.
    pub scores: Vec<(DateTime<Utc>, u8)>,
}

/// One signal over a window, compared with the window before.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignalReport {
    pub signal: Signal,
    pub current: SignalValue,
    pub previous: SignalValue,
    pub trend: Option<Trend>,
    pub reading: Reading,
}

pub fn evaluate(signal: Signal, facts: &TrustFacts, window: Window, now: DateTime<Utc>) -> SignalValue {
    match signal {
        Signal::ResponseTime => median_response_hours(&facts.decisions, window),
        Signal::AcceptanceRate => acceptance_rate(&facts.decisions, window, now),
        Signal::SellerInitiatedAsks => seller_initiated_asks(&facts.asks, window),
        Signal::PipelineLanguage => pipeline_language(&facts.mentions, window),
        Signal::RepeatUsage => repeat_usage(&facts.meetings, window),
        Signal::EscalationQuality => escalation_quality(&facts.escalations, window),
    }
}

pub fn signal_report(signal: Signal, facts: &TrustFacts, window: Window, now: DateTime<Utc>) -> SignalReport {
    let current = evaluate(signal, facts, window, now);
    let previous = evaluate(signal, facts, window.previous(), now);
    let previous_value = (previous.sample >= signal.min_sample()).then_some(previous.value).flatten();
    SignalReport {
        signal,
        current,
        previous,
        trend: trend(current.value, previous_value),
        reading: read(current.value, previous_value, current.sample, signal.min_sample(), signal.healthy_up()),
    }
}

/// The average score of handoffs sent in the window.
pub fn average_score(facts: &TrustFacts, window: Window) -> SignalValue {
    let scores: Vec<f64> =
        facts.scores.iter().filter(|(at, _)| window.contains(*at)).map(|(_, s)| f64::from(*s)).collect();
    let value = (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64);
    SignalValue { value, sample: scores.len() }
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct TrustSummary {
    pub window: Window,
    pub signals: Vec<SignalReport>,
    pub silent_share: SignalValue,
    pub score: SignalValue,
    pub previous_score: SignalValue,
    pub score_trend: Option<Trend>,
    /// More signals building than burning.
    pub trust_improving: bool,
    /// "Both have to trend up": the handoff score rose and trust is improving.
    pub both_improving: bool,
}

pub fn summarize_trust(facts: &TrustFacts, window: Window, now: DateTime<Utc>) -> TrustSummary {
    let signals: Vec<SignalReport> = Signal::ALL.iter().map(|s| signal_report(*s, facts, window, now)).collect();
    let building = signals.iter().filter(|s| s.reading == Reading::Building).count();
    let burning = signals.iter().filter(|s| s.reading == Reading::Burning).count();
    let score = average_score(facts, window);
    let previous_score = average_score(facts, window.previous());
    let score_trend = trend(score.value, previous_score.value);
    let trust_improving = building > burning;
    TrustSummary {
        window,
        silent_share: silent_share(&facts.decisions, window, now),
        score,
        previous_score,
        score_trend,
        trust_improving,
        both_improving: trust_improving && score_trend == Some(Trend::Up),
        signals,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn t(day: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().with_timezone(&Utc) + Duration::days(day)
    }

    fn decided(day: i64, hours: i64, accepted: bool) -> DecisionFact {
        DecisionFact {
            sent_at: t(day),
            respond_by: t(day + 3),
            decided_at: Some(t(day) + Duration::hours(hours)),
            accepted,
        }
    }

    #[test]
    fn an_empty_organization_reads_not_enough_data_everywhere() {
        let now = t(180);
        let summary = summarize_trust(&TrustFacts::default(), Window::ending(now, 90), now);
        assert!(summary.signals.iter().all(|s| s.reading == Reading::NotEnoughData));
        assert!(!summary.trust_improving && !summary.both_improving);
        assert_eq!(summary.score.value, None);
    }

    #[test]
    fn faster_answers_and_better_scores_are_both_improving() {
        let now = t(180);
        let facts = TrustFacts {
            // Previous window (days 0–90): 48 h answers; current (90–180): 12 h answers.
            decisions: vec![
                decided(10, 48, false),
                decided(20, 48, true),
                decided(30, 48, false),
                decided(100, 12, true),
                decided(110, 12, true),
                decided(120, 12, true),
            ],
            scores: vec![(t(10), 10), (t(20), 10), (t(100), 15), (t(110), 16)],
            ..TrustFacts::default()
        };
        let summary = summarize_trust(&facts, Window::ending(now, 90), now);
        let response = summary.signals[0];
        assert_eq!(response.current.value, Some(12.0));
        assert_eq!(response.previous.value, Some(48.0));
        assert_eq!(response.trend, Some(Trend::Down));
        assert_eq!(response.reading, Reading::Building);
        let acceptance = summary.signals[1];
        assert_eq!(acceptance.current.value, Some(1.0));
        assert_eq!(acceptance.reading, Reading::Building);
        assert_eq!(summary.score.value, Some(15.5));
        assert_eq!(summary.score_trend, Some(Trend::Up));
        assert!(summary.trust_improving && summary.both_improving);
    }

    #[test]
    fn a_thin_previous_window_gives_no_trend() {
        let now = t(180);
        let facts = TrustFacts {
            decisions: vec![
                decided(10, 48, true),
                decided(100, 12, true),
                decided(110, 12, true),
                decided(120, 12, true),
            ],
            ..TrustFacts::default()
        };
        let response = signal_report(Signal::ResponseTime, &facts, Window::ending(now, 90), now);
        assert_eq!(response.previous.sample, 1);
        assert_eq!(response.trend, None);
        assert_eq!(response.reading, Reading::Steady);
    }
}
