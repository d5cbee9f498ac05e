//! Waiting on WASI pollables from async code.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use wasip2::io::poll::Pollable;

use super::reactor::{self, WaitState};
use crate::runtime::{poll_proceed, state};

/// A `wasi:io/poll` pollable registered with the reactor, to be awaited any number of times.
///
/// Streams, sockets and HTTP bodies hand out pollables; wrap one once and [`wait`] on it
/// whenever the operation it guards would block. Dropping the `AsyncPollable` drops the
/// pollable, releasing its host handle.
///
/// ```
/// # wasio::run(async {
/// use wasio::runtime::AsyncPollable;
/// use wasip2::clocks::monotonic_clock;
///
/// // A pollable that becomes ready in 10 ms.
/// let pollable = AsyncPollable::new(monotonic_clock::subscribe_duration(10_000_000));
/// pollable.wait().await;
/// pollable.wait().await; // still ready: WASI readiness is level-triggered
/// # });
/// ```
///
/// [`wait`]: AsyncPollable::wait
pub struct AsyncPollable {
    key: usize,
    /// The registration belongs to this thread's reactor.
    _local: PhantomData<*const ()>,
}

impl AsyncPollable {
    /// Registers `pollable` with the reactor; it is listed in `poll` only while waited on.
    pub fn new(pollable: Pollable) -> Self {
        let key = reactor::with(|r| r.register(pollable));
        AsyncPollable {
            key,
            _local: PhantomData,
        }
    }

    /// Waits until the pollable is ready (at once when it already is).
    ///
    /// # Panics
    ///
    /// When polled without a running wasio runtime.
    pub fn wait(&self) -> Wait<'_> {
        Wait {
            pollable: self,
            state: WaitState::checking_first(),
        }
    }

    /// Waits like [`wait`](Self::wait), without first asking the host whether the pollable is
    /// ready: for callers that were just told it is not (an operation would block).
    pub(crate) fn wait_not_ready(&self) -> Wait<'_> {
        Wait {
            pollable: self,
            state: WaitState::default(),
        }
    }

    /// Ready once the pollable is; `state` records this waiter's place (one per waiter).
    pub(crate) fn poll_wait(&self, state: &mut WaitState, cx: &mut Context<'_>) -> Poll<()> {
        state::with("waiting on a pollable", |_| ());
        std::task::ready!(reactor::with(|r| r.poll_wait(self.key, state, cx.waker())));
        poll_proceed(cx)
    }

    /// Withdraws a waiter that stops waiting.
    pub(crate) fn cancel_wait(&self, state: &mut WaitState) {
        reactor::with(|r| r.cancel_wait(self.key, state));
    }
}

impl Drop for AsyncPollable {
    fn drop(&mut self) {
        reactor::with(|r| r.deregister(self.key));
    }
}

impl fmt::Debug for AsyncPollable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncPollable")
            .field("key", &self.key)
            .finish()
    }
}

/// The future of [`AsyncPollable::wait`].
#[must_use = "futures do nothing unless polled or .awaited"]
#[derive(Debug)]
pub struct Wait<'a> {
    pollable: &'a AsyncPollable,
    state: WaitState,
}

impl Future for Wait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.pollable.poll_wait(&mut this.state, cx)
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        self.pollable.cancel_wait(&mut self.state);
    }
}

/// Waits once for `pollable`, then drops it. See [`AsyncPollable`] to wait repeatedly.
///
/// ```
/// # wasio::run(async {
/// use wasip2::clocks::monotonic_clock;
///
/// wasio::runtime::wait_for(monotonic_clock::subscribe_duration(1_000_000)).await;
/// # });
/// ```
pub fn wait_for(pollable: Pollable) -> WaitFor {
    WaitFor {
        pollable: AsyncPollable::new(pollable),
        state: WaitState::checking_first(),
    }
}

/// The future of [`wait_for`]: owns its pollable.
#[must_use = "futures do nothing unless polled or .awaited"]
#[derive(Debug)]
pub struct WaitFor {
    pollable: AsyncPollable,
    state: WaitState,
}

impl Future for WaitFor {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.pollable.poll_wait(&mut this.state, cx)
    }
}

impl Drop for WaitFor {
    fn drop(&mut self) {
        self.pollable.cancel_wait(&mut self.state);
    }
}
