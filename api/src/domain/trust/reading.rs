//! How a signal's value compares with the window before it.

/// Direction of the change between two windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Up,
    Down,
    Flat,
}

/// What the change means for trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Building,
    Burning,
    Steady,
    NotEnoughData,
}

/// A change smaller than this share of the previous value is flat (noise, not a trend).
pub const FLAT_WITHIN: f64 = 0.10;

/// The trend from `previous` to `value`; `None` when either is missing.
pub fn trend(value: Option<f64>, previous: Option<f64>) -> Option<Trend> {
    let (value, previous) = (value?, previous?);
    let scale = previous.abs().max(f64::EPSILON);
    let change = (value - previous) / scale;
    Some(if previous == 0.0 && value == 0.0 {
        Trend::Flat
    } else if previous == 0.0 {
        if value > 0.0 { Trend::Up } else { Trend::Down }
    } else if change > FLAT_WITHIN {
        Trend::Up
    } else if change < -FLAT_WITHIN {
        Trend::Down
    } else {
        Trend::Flat
    })
}

/// Reads a signal: NOT_ENOUGH_DATA below `min_sample` in the current window; STEADY without a
/// previous value to compare with or when flat; otherwise BUILDING when the value moved in the
/// healthy direction and BURNING when it moved against it.
pub fn read(value: Option<f64>, previous: Option<f64>, sample: usize, min_sample: usize, healthy_up: bool) -> Reading {
    if sample < min_sample || value.is_none() {
        return Reading::NotEnoughData;
    }
    match trend(value, previous) {
        None | Some(Trend::Flat) => Reading::Steady,
        Some(Trend::Up) if healthy_up => Reading::Building,
        Some(Trend::Down) if !healthy_up => Reading::Building,
        Some(_) => Reading::Burning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_within_ten_percent_are_flat() {
        assert_eq!(trend(Some(1.05), Some(1.0)), Some(Trend::Flat));
        assert_eq!(trend(Some(1.2), Some(1.0)), Some(Trend::Up));
        assert_eq!(trend(Some(0.8), Some(1.0)), Some(Trend::Down));
        assert_eq!(trend(Some(0.0), Some(0.0)), Some(Trend::Flat));
        assert_eq!(trend(Some(2.0), Some(0.0)), Some(Trend::Up));
        assert_eq!(trend(None, Some(1.0)), None);
        assert_eq!(trend(Some(1.0), None), None);
    }

    #[test]
    fn the_healthy_direction_decides_building_or_burning() {
        assert_eq!(read(Some(0.8), Some(0.5), 5, 3, true), Reading::Building);
        assert_eq!(read(Some(0.3), Some(0.5), 5, 3, true), Reading::Burning);
        // Response time: down is healthy.
        assert_eq!(read(Some(20.0), Some(40.0), 5, 3, false), Reading::Building);
        assert_eq!(read(Some(60.0), Some(40.0), 5, 3, false), Reading::Burning);
    }

    #[test]
    fn too_small_a_sample_is_not_enough_data_and_no_history_is_steady() {
        assert_eq!(read(Some(0.8), Some(0.5), 2, 3, true), Reading::NotEnoughData);
        assert_eq!(read(None, Some(0.5), 9, 3, true), Reading::NotEnoughData);
        assert_eq!(read(Some(0.8), None, 3, 3, true), Reading::Steady);
        assert_eq!(read(Some(0.52), Some(0.5), 3, 3, true), Reading::Steady);
    }
}
