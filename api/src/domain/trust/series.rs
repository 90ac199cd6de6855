//! Buckets of time for charts of a signal.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};

use super::signals::Window;

/// The width of one point in a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Calendar weeks, Monday 00:00 UTC to Monday.
    Week,
    /// Calendar months, UTC.
    Month,
}

/// At most this many points in one series.
pub const MAX_BUCKETS: usize = 400;

fn start_of_day(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists"))
}

fn bucket_start(at: DateTime<Utc>, bucket: Bucket) -> DateTime<Utc> {
    let date = at.date_naive();
    match bucket {
        Bucket::Week => start_of_day(date - Duration::days(i64::from(date.weekday().num_days_from_monday()))),
        Bucket::Month => start_of_day(date.with_day(1).expect("every month has a first day")),
    }
}

fn next(start: DateTime<Utc>, bucket: Bucket) -> DateTime<Utc> {
    match bucket {
        Bucket::Week => start + Duration::days(7),
        Bucket::Month => {
            let d = start.date_naive();
            let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
            start_of_day(NaiveDate::from_ymd_opt(y, m, 1).expect("valid first of month"))
        }
    }
}

/// The calendar buckets that cover `[from, to)`, the first starting at or before `from`.
/// `None` when `to` is not after `from` or the span needs more than `MAX_BUCKETS` points.
pub fn buckets(from: DateTime<Utc>, to: DateTime<Utc>, bucket: Bucket) -> Option<Vec<Window>> {
    if to <= from {
        return None;
    }
    let mut out = Vec::new();
    let mut start = bucket_start(from, bucket);
    while start < to {
        if out.len() == MAX_BUCKETS {
            return None;
        }
        let end = next(start, bucket);
        out.push(Window { start, end });
        start = end;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2026-01-01 is a Thursday.
        let weeks = buckets(at("2026-01-01T12:00:00Z"), at("2026-01-13T00:00:00Z"), Bucket::Week).unwrap();
        // Dec 29 – Jan 5, Jan 5 – Jan 12, Jan 12 – Jan 19 (the span ends on Jan 13).
        assert_eq!(weeks.len(), 3);
        assert_eq!(weeks[0].start, at("2025-12-29T00:00:00Z"));
        assert_eq!(weeks[2].end, at("2026-01-19T00:00:00Z"));
    }

    #[test]
    fn months_follow_the_calendar_across_a_year_end() {
        let months = buckets(at("2025-11-15T00:00:00Z"), at("2026-02-01T00:00:00Z"), Bucket::Month).unwrap();
        let starts: Vec<String> = months.iter().map(|w| w.start.format("%Y-%m-%d").to_string()).collect();
        assert_eq!(starts, ["2025-11-01", "2025-12-01", "2026-01-01"]);
    }

    #[test]
    fn empty_or_huge_spans_are_refused() {
        assert!(buckets(at("2026-01-02T00:00:00Z"), at("2026-01-01T00:00:00Z"), Bucket::Week).is_none());
        assert!(buckets(at("2000-01-01T00:00:00Z"), at("2026-01-01T00:00:00Z"), Bucket::Week).is_none());
    }
}
