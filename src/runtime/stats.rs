//! Counters of the running event loop, for diagnostics and leak checks.

use super::state;

/// A snapshot of the event loop of this thread (see [`stats`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Stats {
    /// Spawned tasks that have neither finished nor been cancelled.
    pub tasks: usize,
    /// Pollables registered through `runtime::AsyncPollable`s (WASI 0.2; 0 under WASI 0.3,
    /// which has none).
    pub pollables: usize,
    /// Registered pollables that some future is waiting on (those listed in `poll`; 0 under
    /// WASI 0.3).
    pub waiting: usize,
    /// Pending timers ([`sleep`](crate::time::sleep)s, timeouts, intervals).
    pub timers: usize,
    /// Times the loop waited on the host since it started: `wasi:io/poll.poll` calls under
    /// WASI 0.2; under WASI 0.3, times it gave its component-model task back to the host.
    pub polls: u64,
    /// Turns of the loop since it started.
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
