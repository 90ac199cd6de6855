//! Throttling rules as pure decisions: given a bucket's state and the time, may one more attempt
//! pass, and what is the bucket's state after it? The store applies a decision only if the bucket
//! did not change in between, so parallel attempts cannot all pass one check.

use chrono::{DateTime, Duration, Utc};

/// How a bucket limits attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `free` attempts pass at once; each later one waits twice as long as the one before (1 s,
    /// 2 s, 4 s … up to `max_delay`). A quiet `reset_after` starts the bucket over.
    Progressive { free: u32, max_delay: Duration, reset_after: Duration },
    /// At most `limit` attempts per `window`, the window starting at the first attempt.
    Window { limit: u32, window: Duration },
}

/// A bucket's stored state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub hits: u32,
    pub window_started_at: DateTime<Utc>,
    pub blocked_until: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The attempt passes; store this state.
    Allow(Bucket),
    /// Refused; the client may try again after this long.
    Refuse { retry_after: Duration },
}

/// The decision for one more attempt against `current` (`None`: never seen).
pub fn decide(shape: Shape, current: Option<Bucket>, now: DateTime<Utc>) -> Decision {
    match shape {
        Shape::Progressive { free, max_delay, reset_after } => {
            let current = current.filter(|b| now - b.window_started_at < reset_after);
            // Only a wait the bucket imposed refuses. Parallel attempts read the clock at slightly
            // different times and may be stored out of order: a free attempt stored with a later
            // reading than this one's must not count as a wait of a few microseconds.
            let waiting = |b: &Bucket| b.blocked_until > b.window_started_at && b.blocked_until > now;
            if let Some(bucket) = current.filter(waiting) {
                return Decision::Refuse { retry_after: bucket.blocked_until - now };
            }
            let hits = current.map_or(0, |b| b.hits).saturating_add(1);
            Decision::Allow(Bucket { hits, window_started_at: now, blocked_until: now + delay(hits, free, max_delay) })
        }
        Shape::Window { limit, window } => match current.filter(|b| now - b.window_started_at < window) {
            Some(bucket) if bucket.hits >= limit => {
                Decision::Refuse { retry_after: bucket.window_started_at + window - now }
            }
            Some(bucket) => Decision::Allow(Bucket { hits: bucket.hits + 1, ..bucket }),
            None => Decision::Allow(Bucket { hits: 1, window_started_at: now, blocked_until: now }),
        },
    }
}

/// The wait imposed after the `hits`-th attempt.
pub fn delay(hits: u32, free: u32, max_delay: Duration) -> Duration {
    if hits < free {
        return Duration::zero();
    }
    let doublings = (hits - free).min(20);
    Duration::seconds(1i64 << doublings).min(max_delay)
}

/// Why an attempt is handed back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refund {
    /// It succeeded: a progressive bucket starts over.
    Succeeded,
    /// It never ran (the server was too busy, or failed): only this one attempt is given back.
    NotAttempted,
}

/// The state after an attempt is handed back (`None`: delete the bucket). A window always gives the
/// one attempt back.
pub fn refund(shape: Shape, bucket: Bucket, why: Refund) -> Option<Bucket> {
    let hits = bucket.hits.saturating_sub(1);
    match (shape, why) {
        (Shape::Progressive { .. }, Refund::Succeeded) => None,
        // The wait the handed-back attempt imposed goes with it.
        (Shape::Progressive { free, max_delay, .. }, Refund::NotAttempted) => {
            Some(Bucket { hits, blocked_until: bucket.window_started_at + delay(hits, free, max_delay), ..bucket })
        }
        (Shape::Window { .. }, _) => Some(Bucket { hits, ..bucket }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    const PROGRESSIVE: Shape =
        Shape::Progressive { free: 3, max_delay: Duration::minutes(15), reset_after: Duration::days(1) };

    fn run(shape: Shape, times: &[i64]) -> Vec<bool> {
        let mut bucket = None;
        times
            .iter()
            .map(|&s| match decide(shape, bucket, t(s)) {
                Decision::Allow(next) => {
                    bucket = Some(next);
                    true
                }
                Decision::Refuse { .. } => false,
            })
            .collect()
    }

    #[test]
    fn progressive_buckets_let_a_few_through_then_double_the_wait() {
        assert_eq!(delay(2, 3, Duration::minutes(15)), Duration::zero());
        assert_eq!(delay(3, 3, Duration::minutes(15)), Duration::seconds(1));
        assert_eq!(delay(5, 3, Duration::minutes(15)), Duration::seconds(4));
        assert_eq!(delay(40, 3, Duration::minutes(15)), Duration::minutes(15));
        // Three at once pass, the fourth at the same instant waits a second.
        assert_eq!(run(PROGRESSIVE, &[0, 0, 0, 0, 1, 1, 2, 3]), [true, true, true, false, true, false, false, true]);
    }

    #[test]
    fn a_free_attempt_stored_with_a_later_clock_reading_imposes_no_wait() {
        // Two parallel attempts read the clock a millisecond apart; the later reading is stored first.
        let later = t(0) + Duration::milliseconds(1);
        let free = Bucket { hits: 1, window_started_at: later, blocked_until: later };
        assert!(matches!(decide(PROGRESSIVE, Some(free), t(0)), Decision::Allow(Bucket { hits: 2, .. })));
        // A wait the bucket did impose still holds for such an attempt.
        let waiting = Bucket { hits: 3, window_started_at: later, blocked_until: later + Duration::seconds(1) };
        assert!(matches!(decide(PROGRESSIVE, Some(waiting), t(0)), Decision::Refuse { .. }));
    }

    #[test]
    fn a_quiet_day_starts_a_progressive_bucket_over() {
        let heavy = Bucket { hits: 30, window_started_at: t(0), blocked_until: t(900) };
        assert!(matches!(decide(PROGRESSIVE, Some(heavy), t(100)), Decision::Refuse { .. }));
        let next_day = decide(PROGRESSIVE, Some(heavy), t(86_400));
        assert!(matches!(next_day, Decision::Allow(Bucket { hits: 1, .. })));
    }

    #[test]
    fn windows_count_up_to_the_limit_then_refuse_until_the_window_ends() {
        let shape = Shape::Window { limit: 2, window: Duration::minutes(1) };
        assert_eq!(run(shape, &[0, 10, 20, 59, 60, 61, 62]), [true, true, false, false, true, true, false]);
        let full = Bucket { hits: 2, window_started_at: t(0), blocked_until: t(0) };
        assert_eq!(decide(shape, Some(full), t(45)), Decision::Refuse { retry_after: Duration::seconds(15) });
    }

    #[test]
    fn refunds_reset_progressive_buckets_and_give_window_hits_back() {
        let bucket = Bucket { hits: 2, window_started_at: t(0), blocked_until: t(0) };
        assert_eq!(refund(PROGRESSIVE, bucket, Refund::Succeeded), None);
        assert_eq!(refund(PROGRESSIVE, bucket, Refund::NotAttempted).unwrap().hits, 1);
        // The fourth attempt imposed a second's wait; handing it back lifts the wait.
        let waiting = Bucket { hits: 3, window_started_at: t(10), blocked_until: t(11) };
        assert_eq!(refund(PROGRESSIVE, waiting, Refund::NotAttempted).unwrap().blocked_until, t(10));
        let shape = Shape::Window { limit: 2, window: Duration::minutes(1) };
        assert_eq!(refund(shape, bucket, Refund::Succeeded).unwrap().hits, 1);
    }
}
