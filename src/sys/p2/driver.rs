//! Driving an event loop under WASI 0.2: turns of the loop, each followed by at most one
//! `wasi:io/poll.poll` call (see `reactor`), until the root future is done.

use std::future::Future;

use super::reactor::{self, Turn};
use crate::runtime::event_loop::{EventLoop, Step};

/// Runs the loop until its root future is done; then cancels what is left.
pub(crate) fn block_on<F: Future>(mut event_loop: EventLoop<'_, F>) -> F::Output {
    let output = reactor::with(|reactor| {
        event_loop.entered(|event_loop| {
            loop {
                let block = match event_loop.turn() {
                    Step::Done(output) => break output,
                    Step::Busy => false,
                    Step::Idle => true,
                };
                let s = event_loop.scope();
                match reactor.turn(&s.timers, block) {
                    Turn::Polled => s.polls.set(s.polls.get() + 1),
                    Turn::Skipped => {}
                    // No task can ever be woken: with the root done, what is left is cancelled.
                    Turn::Stuck => match event_loop.take_output() {
                        Some(output) => break output,
                        None => panic!(
                            "wasio::run: deadlock: the root future is waiting, but no task can \
                         run, no timer is set and no pollable is waited on"
                        ),
                    },
                }
            }
        })
    });
    event_loop.shutdown();
    output
}

/// Drops the wakers the reactor holds for the loop that is shutting down.
pub(crate) fn release_waiters() {
    reactor::with(|r| r.clear());
}

/// Registered pollables, and how many of them some future waits on.
pub(crate) fn pollable_counts() -> (usize, usize) {
    reactor::with(|r| r.counts())
}

/// What wakes a loop when it is not being polled: nothing under WASI 0.2, where one loop
/// runs at a time and waits in `wasi:io/poll.poll` itself, which any wake-up it needs
/// interrupts (a host event).
pub(crate) struct HostWaker;

impl HostWaker {
    pub(crate) fn new() -> HostWaker {
        HostWaker
    }

    /// Nothing waits elsewhere to be woken.
    pub(crate) fn wake(&self) {}

    /// Nothing to let go of.
    pub(crate) fn clear(&self) {}
}
