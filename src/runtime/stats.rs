//! Counters of the running event loop, for diagnostics and leak checks.

use super::state;

/// A snapshot of the event loop of this thread (see [`stats`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Stats {
    /// Spawned tasks that have neither finished nor been cancelled.
    pub tasks: usize,
    /// Pollables registered through [`AsyncPollable`](crate::runtime::AsyncPollable)s.
    pub pollables: usize,
    /// Registered pollables that some future is waiting on (those listed in `poll`).
    pub waiting: usize,
    /// Pending timers ([`sleep`](crate::time::sleep)s, timeouts, intervals).
    pub timers: usize,
    /// `wasi:io/poll.poll` calls since the current [`run`](crate::run) started.
    pub polls: u64,
    /// Turns of the loop since the current [`run`](crate::run) started.
    pub turns: u64,
}

/// Reads the counters of the running event loop (zeros outside one, but for pollables).
///
/// ```
/// # wasio::run(async {
/// let before = wasio::runtime::stats();
/// wasio::time::sleep(std::time::Duration::from_millis(5)).await;
/// assert_eq!(wasio::runtime::stats().tasks, before.tasks);
/// # });
/// ```
pub fn stats() -> Stats {
    let (pollables, waiting) = crate::sys::driver::pollable_counts();
    let this_loop = state::try_with(|s| Stats {
        tasks: s.live.get(),
        timers: s.timers.len(),
        polls: s.polls.get(),
        turns: s.turns.get(),
        ..Stats::default()
    });
    Stats {
        pollables,
        waiting,
        ..this_loop.unwrap_or_default()
    }
}
