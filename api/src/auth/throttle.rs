//! Slows password guessing: after too many failed logins for one email within a window, further
//! attempts are refused with RATE_LIMITED until the window has passed. In memory, per process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

/// Past this many tracked emails, expired entries are swept so memory stays bounded.
const SWEEP_ABOVE: usize = 10_000;

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new(10, Duration::from_secs(15 * 60))
    }
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self { max_failures, window, failures: Mutex::new(HashMap::new()) }
    }

    /// Whether another attempt for `email` may be checked now.
    pub fn allows(&self, email: &str) -> bool {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match failures.get(email) {
            Some((count, since)) => *count < self.max_failures || since.elapsed() >= self.window,
            None => true,
        }
    }

    pub fn record_failure(&self, email: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() > SWEEP_ABOVE {
            let window = self.window;
            failures.retain(|_, (_, since)| since.elapsed() < window);
        }
        let entry = failures.entry(email.to_owned()).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn record_success(&self, email: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(email);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_failures_lock_the_email_until_the_window_passes() {
        let throttle = LoginThrottle::new(3, Duration::from_millis(50));
        for _ in 0..3 {
            assert!(throttle.allows("ana@example.com"));
            throttle.record_failure("ana@example.com");
        }
        assert!(!throttle.allows("ana@example.com"));
        assert!(throttle.allows("bob@example.com"));
        std::thread::sleep(Duration::from_millis(60));
        assert!(throttle.allows("ana@example.com"));
    }

    #[test]
    fn a_success_clears_the_count() {
        let throttle = LoginThrottle::new(2, Duration::from_secs(60));
        throttle.record_failure("ana@example.com");
        throttle.record_success("ana@example.com");
        throttle.record_failure("ana@example.com");
        assert!(throttle.allows("ana@example.com"));
    }
}
