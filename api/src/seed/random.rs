//! A small deterministic generator (SplitMix64): the same seed gives the same data on every
//! machine, and ids that are UUIDv7 of the row's own (synthetic) time.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

pub struct Random(u64);

impl Random {
    /// The generator of `stream` under `seed`. Streams start at well-mixed, unrelated states: a
    /// plain offset would make one stream's numbers another's, shifted by a few steps.
    pub fn new(seed: u64, stream: u64) -> Self {
        let start = Random(stream).next();
        Random(Random(seed).next() ^ start)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A time up to `span` after `from`.
    pub fn within(&mut self, from: DateTime<Utc>, span: Duration) -> DateTime<Utc> {
        let millis = span.num_milliseconds().max(1) as u64;
        from + Duration::milliseconds(self.below(millis) as i64)
    }

    /// A UUIDv7 stamped `at`, its random part from this generator.
    pub fn id(&mut self, at: DateTime<Utc>) -> Uuid {
        let bytes = [self.next().to_le_bytes(), self.next().to_le_bytes()].concat();
        let random: [u8; 10] = bytes[..10].try_into().expect("ten bytes");
        uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis().max(0) as u64, &random).into_uuid()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers_and_ids() {
        let at = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap().to_utc();
        let (mut a, mut b) = (Random::new(7, 1), Random::new(7, 1));
        assert_eq!((a.next(), a.id(at)), (b.next(), b.id(at)));
        assert_ne!(Random::new(7, 1).next(), Random::new(8, 1).next());
        assert_ne!(Random::new(7, 1).next(), Random::new(7, 2).next());
        let id = Random::new(7, 1).id(at);
        assert_eq!(id.get_version_num(), 7);
        assert!(Random::new(1, 1).below(10) < 10);
        // Streams share no numbers (an offset start would repeat one stream's, shifted).
        let first: std::collections::HashSet<u64> = {
            let mut r = Random::new(1, 0);
            (0..10_000).map(|_| r.next()).collect()
        };
        for stream in 1..=4 {
            let mut other = Random::new(1, stream);
            assert!((0..10_000).all(|_| !first.contains(&other.next())), "stream {stream}");
        }
    }
}
