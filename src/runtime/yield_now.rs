//! `yield_now`: let the other tasks, timers and I/O go first.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Gives the event loop back once (`await asyncio.sleep(0)`): every task that was runnable
/// runs, and timers and I/O are checked, before the caller continues.
///
/// ```
/// # wasio::run(async {
/// for chunk in 0..1_000 {
///     // ... a slice of CPU-bound work ...
///     # let _ = chunk;
///     wasio::yield_now().await;
/// }
/// # });
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future of [`yield_now`].
#[must_use = "futures do nothing unless polled or .awaited"]
#[derive(Debug)]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
