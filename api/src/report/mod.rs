//! The client report: one organization's scorecard and trust signals over a period, as a
//! printable HTML page with SVG charts (`GET /reports/{slug}/scorecard`), or as a PDF printed by
//! headless Chromium. The figures come from the same store reads and domain rules as
//! `Organization.scorecard` and `Organization.trustReport`, so the page and the API agree.

pub mod link;
pub mod page;
pub mod pdf;
pub mod svg;

use chrono::{DateTime, Duration, Utc};

use crate::domain::scorecard::{Band, GradeSet, RulePlay, ScorecardSummary, rule_plays, summarize};
use crate::domain::trust::{self, Bucket, Signal, TrustSummary, Window};
use crate::store::trust_facts::{self, TrustScope};
use crate::store::{StoreError, TenantTx, handoff_views, handoffs, working_agreements};

/// A period as the dates a link carries: its first day and its last (inclusive).
pub fn dates_of(window: Window) -> (String, String) {
    let last = window.end - Duration::seconds(1);
    (window.start.format("%Y-%m-%d").to_string(), last.format("%Y-%m-%d").to_string())
}

/// Sent handoffs the report lists and averages: the scorecard's "last N".
pub const LAST_HANDOFFS: u64 = 10;
/// The longest period a report covers.
pub const MAX_DAYS: i64 = 730;
/// The period when none is asked for.
pub const DEFAULT_DAYS: i64 = 90;

/// One sent handoff as the report lists it.
pub struct SentLine {
    pub title: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub score: u8,
    pub band: Band,
}

/// One month of the "both have to trend up" chart.
pub struct Month {
    pub label: String,
    /// The average score of handoffs sent that month.
    pub score: Option<f64>,
    /// The share of that month's sent handoffs the sellers accepted.
    pub acceptance: Option<f64>,
}

/// Everything the page shows.
pub struct Report {
    pub organization: String,
    pub slug: String,
    pub window: Window,
    pub generated_at: DateTime<Utc>,
    pub scorecard: ScorecardSummary,
    pub rule_plays: Vec<RulePlay>,
    pub last: Vec<SentLine>,
    pub trust: TrustSummary,
    pub months: Vec<Month>,
}

/// The period `[from, to)` a request asks for: dates, `to` inclusive; by default the 90 days up
/// to now. Never past now, at most two years, `from` before `to`, years 2000 to 2100.
pub fn period(from: Option<&str>, to: Option<&str>, now: DateTime<Utc>) -> Result<Window, (&'static str, String)> {
    let day = |field: &'static str, raw: &str| {
        crate::domain::text::date(raw)
            .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
            .map_err(|e| (field, e.0))
    };
    let end = match to {
        Some(raw) => (day("to", raw)? + Duration::days(1)).min(now),
        None => now,
    };
    let start = match from {
        Some(raw) => day("from", raw)?,
        None => end - Duration::days(DEFAULT_DAYS),
    };
    if start >= end {
        return Err(("from", "must be before `to` and before now".to_owned()));
    }
    if end - start > Duration::days(MAX_DAYS) {
        return Err(("from", format!("the period spans at most {MAX_DAYS} days")));
    }
    Ok(Window { start, end })
}

/// Reads what the report needs in the caller's transaction: the last sent handoffs with their
/// grades, the organization's play context, and the trust facts of the period, the period before
/// it, and the months the chart spans.
pub async fn gather(
    tx: &TenantTx,
    organization: (&str, &str),
    window: Window,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    // The last ten sent by the period's end (as graded now).
    let rows = handoffs::last_sent(tx, LAST_HANDOFFS, None, None, Some(window.end)).await?;
    let views = handoff_views::load(tx, rows).await?;
    let context = working_agreements::play_context(tx, now).await?;
    // Calendar months clipped to the period: the first and last may be partial.
    let months: Vec<Window> = trust::buckets(window.start, window.end, Bucket::Month)
        .unwrap_or_default()
        .into_iter()
        .map(|m| Window { start: m.start.max(window.start), end: m.end.min(window.end) })
        .collect();
    let facts = trust_facts::load(tx, window.previous().start, window.end, TrustScope::default()).await?;
    let sets: Vec<GradeSet> = views.iter().map(|v| v.grade_set()).collect();
    let last = views
        .iter()
        .zip(&sets)
        .map(|(v, set)| SentLine {
            title: v.row.title.clone(),
            sent_at: v.row.sent_at,
            score: set.score(),
            band: set.band(),
        })
        .collect();
    let months = months
        .into_iter()
        .map(|m| Month {
            label: m.start.format("%b %Y").to_string(),
            score: trust::average_score(&facts, m).value,
            acceptance: trust::evaluate(Signal::AcceptanceRate, &facts, m, now).value,
        })
        .collect();
    Ok(Report {
        organization: organization.0.to_owned(),
        slug: organization.1.to_owned(),
        window,
        generated_at: now,
        scorecard: summarize(&sets, &context),
        rule_plays: rule_plays(&context),
        last,
        trust: trust::summarize_trust(&facts, window, now),
        months,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-06-15T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_period_defaults_to_ninety_days_and_never_passes_now() {
        let w = period(None, None, now()).unwrap();
        assert_eq!((w.start, w.end), (now() - Duration::days(90), now()));
        let w = period(Some("2026-01-01"), Some("2026-03-31"), now()).unwrap();
        assert_eq!(w.start.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(w.end.to_rfc3339(), "2026-04-01T00:00:00+00:00", "`to` is inclusive");
        assert_eq!(period(Some("2026-06-01"), Some("2027-01-01"), now()).unwrap().end, now());
    }

    #[test]
    fn bad_periods_name_their_field() {
        assert_eq!(period(Some("01/02/2026"), None, now()).unwrap_err().0, "from");
        assert_eq!(period(None, Some("soon"), now()).unwrap_err().0, "to");
        assert_eq!(period(Some("2026-05-01"), Some("2026-04-01"), now()).unwrap_err().0, "from");
        assert!(period(Some("2023-01-01"), None, now()).unwrap_err().1.contains("730"));
        assert_eq!(period(None, Some("-262144-01-01"), now()).unwrap_err().0, "to", "no overflow");
        assert_eq!(period(Some("9999-12-31"), None, now()).unwrap_err().0, "from");
    }
}
