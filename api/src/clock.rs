//! Where "now" comes from. The server reads the system clock; tests set the time so that
//! windows, deadlines, trends and throttle waits can be checked against hand-computed numbers, not
//! against how fast a loaded machine answers. Access tokens and sessions always use the system
//! clock, since their expiry is checked against it.

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};

#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    /// The system clock, to the microsecond: both databases store microseconds, so a time read
    /// back equals the time written (keyset cursors rely on it).
    pub fn system() -> Self {
        Self(Arc::new(|| Utc::now().trunc_subsecs(6)))
    }

    pub fn from_fn(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}
