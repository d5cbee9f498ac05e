//! `timeout`: bound how long a future may take (`asyncio.wait_for`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::{Instant, Sleep, sleep_until};

/// The error of a [`timeout`] whose deadline passed before the future completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Elapsed {
    deadline: Instant,
}

impl Elapsed {
    /// The deadline that passed.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline elapsed before the future completed")
    }
}

impl std::error::Error for Elapsed {}

/// Runs `future` for at most `duration` (`asyncio.wait_for`): `Ok(output)` if it completes
/// first, `Err(Elapsed)` otherwise. The future is dropped (cancelled) with the `Timeout`.
/// When both are ready in the same poll, the output wins.
///
/// ```
/// # wasio::run(async {
/// use std::time::Duration;
/// use wasio::time::{sleep, timeout};
///
/// assert_eq!(timeout(Duration::from_millis(50), async { 7 }).await, Ok(7));
/// let slow = timeout(Duration::from_millis(5), sleep(Duration::from_secs(60))).await;
/// assert!(slow.is_err());
/// # });
/// ```
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    timeout_at(Instant::now() + duration, future)
}

/// Runs `future` until `deadline` at the latest; see [`timeout`].
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Timeout {
        future,
        sleep: sleep_until(deadline),
    }
}

pin_project_lite::pin_project! {
    /// The future of [`timeout`] and [`timeout_at`].
    #[must_use = "futures do nothing unless polled or .awaited"]
    #[derive(Debug)]
    pub struct Timeout<F> {
        #[pin]
        future: F,
        sleep: Sleep,
    }
}

impl<F> Timeout<F> {
    /// The wrapped future.
    pub fn get_ref(&self) -> &F {
        &self.future
    }

    /// Gives the wrapped future back, without its deadline.
    pub fn into_inner(self) -> F {
        self.future
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        // The deadline spends no budget: it must fire even when the future used it all.
        let deadline = this.sleep.deadline();
        this.sleep
            .poll_deadline(cx)
            .map(|()| Err(Elapsed { deadline }))
    }
}
