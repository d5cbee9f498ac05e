//! `Instant`: a reading of the WASI monotonic clock.

use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::Duration;

/// A point on `wasi:clocks/monotonic-clock`, in nanoseconds since an arbitrary start.
///
/// Arithmetic saturates instead of panicking: adding `Duration::MAX` gives the farthest
/// instant, which a timer treats as "never", and subtracting a later instant gives zero.
///
/// ```
/// use std::time::Duration;
/// use wasio::time::Instant;
///
/// let start = Instant::now();
/// let deadline = start + Duration::from_secs(1);
/// assert!(deadline > start);
/// assert_eq!(deadline - start, Duration::from_secs(1));
/// assert_eq!(start - deadline, Duration::ZERO);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(u64);

/// Nanoseconds of a `Duration`, saturating at `u64::MAX` (about 584 years).
pub(crate) fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

impl Instant {
    /// The current time of the monotonic clock.
    pub fn now() -> Instant {
        Instant(crate::sys::clock::now())
    }

    /// The instant `nanos` nanoseconds after the clock's start, as `wasi:clocks` counts it.
    pub const fn from_nanos(nanos: u64) -> Instant {
        Instant(nanos)
    }

    /// Nanoseconds since the clock's start: the value `monotonic-clock.subscribe-instant`
    /// takes.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// Time from `earlier` to `self`; zero when `earlier` is later.
    pub fn duration_since(self, earlier: Instant) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }

    /// Time from `earlier` to `self`, or `None` when `earlier` is later.
    pub fn checked_duration_since(self, earlier: Instant) -> Option<Duration> {
        self.0.checked_sub(earlier.0).map(Duration::from_nanos)
    }

    /// Time since `self`.
    pub fn elapsed(self) -> Duration {
        Instant::now().duration_since(self)
    }

    /// `self + duration`, or `None` past the clock's range.
    pub fn checked_add(self, duration: Duration) -> Option<Instant> {
        let nanos = u64::try_from(duration.as_nanos()).ok()?;
        self.0.checked_add(nanos).map(Instant)
    }

    /// `self - duration`, or `None` before the clock's start.
    pub fn checked_sub(self, duration: Duration) -> Option<Instant> {
        let nanos = u64::try_from(duration.as_nanos()).ok()?;
        self.0.checked_sub(nanos).map(Instant)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    fn add(self, duration: Duration) -> Instant {
        Instant(self.0.saturating_add(nanos(duration)))
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, duration: Duration) {
        *self = *self + duration;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;

    fn sub(self, duration: Duration) -> Instant {
        Instant(self.0.saturating_sub(nanos(duration)))
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, duration: Duration) {
        *self = *self - duration;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;

    fn sub(self, earlier: Instant) -> Duration {
        self.duration_since(earlier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_at_both_ends() {
        let t = Instant::from_nanos(1_000);
        assert_eq!((t + Duration::MAX).as_nanos(), u64::MAX);
        assert_eq!((t - Duration::from_secs(1)).as_nanos(), 0);
        assert_eq!(t.checked_add(Duration::MAX), None);
        assert_eq!(t.checked_sub(Duration::from_nanos(1_001)), None);
        assert_eq!(
            t.checked_sub(Duration::from_nanos(1_000)),
            Some(Instant::from_nanos(0))
        );
        let later = t + Duration::from_nanos(500);
        assert_eq!(later - t, Duration::from_nanos(500));
        assert_eq!(t - later, Duration::ZERO);
        assert_eq!(t.checked_duration_since(later), None);
        let mut moving = t;
        moving += Duration::from_nanos(5);
        moving -= Duration::from_nanos(2);
        assert_eq!(moving.as_nanos(), 1_003);
    }

    #[test]
    fn now_moves_forward() {
        let a = Instant::now();
        let b = Instant::now();
        assert!(b >= a);
        assert!(a.elapsed() >= b - a);
    }
}
