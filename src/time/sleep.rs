//! `sleep` and `sleep_until`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::Instant;
use crate::runtime::{TimerKey, TimerState, poll_proceed, state};

/// Waits until `duration` has passed (`asyncio.sleep`).
///
/// Every sleep shares the runtime's one deadline structure: a hundred thousand concurrent
/// sleeps cost one clock pollable. A deadline already passed completes at once, yielding
/// only when the task has used up its budget (use [`yield_now`](crate::yield_now) to yield).
///
/// ```
/// # wasio::run(async {
/// use std::time::Duration;
///
/// let start = wasio::time::Instant::now();
/// wasio::time::sleep(Duration::from_millis(20)).await;
/// assert!(start.elapsed() >= Duration::from_millis(20));
/// # });
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    sleep_until(Instant::now() + duration)
}

/// Waits until `deadline`; at once when it has passed.
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        deadline,
        state: State::Idle,
    }
}

/// The future of [`sleep`] and [`sleep_until`]. It is `Unpin`, and can be
/// [`reset`](Sleep::reset) to a new deadline.
#[must_use = "futures do nothing unless polled or .awaited"]
#[derive(Debug)]
pub struct Sleep {
    deadline: Instant,
    state: State,
}

#[derive(Debug)]
enum State {
    /// Not registered with the timers yet.
    Idle,
    Waiting(TimerKey),
    Elapsed,
}

impl Sleep {
    /// When the sleep ends.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the deadline has passed.
    pub fn is_elapsed(&self) -> bool {
        matches!(self.state, State::Elapsed) || Instant::now() >= self.deadline
    }

    /// Moves the deadline (earlier or later), even after the sleep completed; the next poll
    /// waits for the new one.
    pub fn reset(&mut self, deadline: Instant) {
        self.deregister();
        self.deadline = deadline;
        self.state = State::Idle;
    }

    fn deregister(&mut self) {
        if let State::Waiting(key) = self.state {
            // A loop that is gone took its timers with it.
            state::try_with(|s| s.timers.remove(key));
        }
    }
}

impl Sleep {
    /// Polls for the deadline without spending the task's budget: a [`Timeout`] must be able to
    /// fire around a future that spends it all.
    ///
    /// [`Timeout`]: super::Timeout
    pub(crate) fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        state::with("wasio::time::sleep", |s| {
            if let State::Waiting(key) = self.state {
                match s.timers.update(key, cx.waker()) {
                    TimerState::Pending => return Poll::Pending,
                    TimerState::Fired => {
                        self.state = State::Elapsed;
                        return Poll::Ready(());
                    }
                    TimerState::Stale => self.state = State::Idle,
                }
            }
            if matches!(self.state, State::Idle) {
                if Instant::now() < self.deadline {
                    let key = s
                        .timers
                        .insert(self.deadline.as_nanos(), cx.waker().clone());
                    self.state = State::Waiting(key);
                    return Poll::Pending;
                }
                self.state = State::Elapsed;
            }
            Poll::Ready(())
        })
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        std::task::ready!(self.poll_deadline(cx));
        poll_proceed(cx)
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.deregister();
    }
}
