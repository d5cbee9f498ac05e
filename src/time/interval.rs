//! `interval`: a timer that ticks every period.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_lite::Stream;

use super::{Instant, Sleep, sleep_until};

/// What an [`Interval`] does when ticks were missed because the task ran late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTicks {
    /// Tick at once for every missed tick, then keep the original schedule.
    Burst,
    /// Tick once now, then one period after each tick from here on.
    Delay,
    /// Tick once now, then at the next point of the original schedule (the default: a task
    /// that stalled for ten periods gets one tick, not ten).
    #[default]
    Skip,
}

/// Ticks every `period`, the first tick at once. See [`Interval`].
///
/// ```
/// # wasio::run(async {
/// use std::time::Duration;
///
/// let mut every = wasio::time::interval(Duration::from_millis(10));
/// for _ in 0..3 {
///     let at = every.tick().await;
///     println!("tick at {at:?}");
/// }
/// # });
/// ```
pub fn interval(period: Duration) -> Interval {
    interval_at(Instant::now(), period)
}

/// Ticks every `period`, the first tick at `start`.
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    Interval {
        next: start,
        period,
        missed: MissedTicks::default(),
        sleep: sleep_until(start),
    }
}

/// A periodic timer: [`tick`](Interval::tick) waits for the next tick and returns when it was
/// scheduled. It is also a [`Stream`] of tick instants that never ends. A zero period ticks
/// on every poll (yielding when the task's budget runs out).
#[derive(Debug)]
pub struct Interval {
    next: Instant,
    period: Duration,
    missed: MissedTicks,
    sleep: Sleep,
}

impl Interval {
    /// Waits for the next tick; returns the instant it was scheduled for.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick (for hand-written futures).
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        std::task::ready!(Pin::new(&mut self.sleep).poll(cx));
        let scheduled = self.next;
        let now = Instant::now();
        self.next = match self.missed {
            MissedTicks::Burst => scheduled + self.period,
            MissedTicks::Delay => now + self.period,
            MissedTicks::Skip => {
                let after = scheduled + self.period;
                if after > now || self.period.is_zero() {
                    after
                } else {
                    let behind = now.duration_since(scheduled).as_nanos();
                    let periods = behind / self.period.as_nanos() + 1;
                    let step = self.period.as_nanos().saturating_mul(periods);
                    Instant::from_nanos(
                        scheduled
                            .as_nanos()
                            .saturating_add(u64::try_from(step).unwrap_or(u64::MAX)),
                    )
                }
            }
        };
        self.sleep.reset(self.next);
        Poll::Ready(scheduled)
    }

    /// Chooses what happens to missed ticks (the default is [`MissedTicks::Skip`]).
    pub fn set_missed_ticks(&mut self, missed: MissedTicks) {
        self.missed = missed;
    }

    /// The period between ticks.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// Restarts the schedule: the next tick is one period from now.
    pub fn reset(&mut self) {
        self.next = Instant::now() + self.period;
        self.sleep.reset(self.next);
    }
}

impl Stream for Interval {
    type Item = Instant;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Instant>> {
        self.get_mut().poll_tick(cx).map(Some)
    }
}
