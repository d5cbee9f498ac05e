//! Counters of the running event loop and its tasks, for diagnostics and leak checks.

use std::rc::Rc;

use super::join_handle::AbortHandle;
use super::state;
use super::task::Runnable;

/// A snapshot of the event loop of this thread (see [`stats`]; [`all_tasks`] lists the tasks
/// counted in `tasks`, with their names).
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

/// The task being polled (`asyncio.current_task()`): its id, its name, and
/// [`abort`](AbortHandle::abort) (asyncio's `cancel()`). `None` in the root future of
/// [`run`](crate::run) (or of a wasi:http export's request), which is not a spawned task, and
/// outside an event loop.
///
/// ```
/// # wasio::run(async {
/// assert!(wasio::runtime::current_task().is_none(), "the root future is no task");
/// let task = wasio::runtime::spawn_named("worker", async {
///     let me = wasio::runtime::current_task().expect("a spawned task");
///     (me.id(), me.name().map(str::to_owned))
/// });
/// let id = task.id();
/// assert_eq!(task.await, Ok((id, Some("worker".to_owned()))));
/// # });
/// ```
pub fn current_task() -> Option<AbortHandle> {
    let task = state::try_with(|s| s.current.get())??;
    // SAFETY: the pointer was set by the task's `run`, which holds an `Rc` of the task for as
    // long as the pointer is current (it puts the previous value back before it returns), so
    // the allocation is alive and one more owner may be counted; one thread only.
    let task: Rc<dyn Runnable> = unsafe {
        Rc::increment_strong_count(task.as_ptr());
        Rc::from_raw(task.as_ptr())
    };
    Some(AbortHandle::new(task))
}

/// Every task of the running event loop that has neither finished nor been cancelled
/// (`asyncio.all_tasks()`), by id: with their names, what is still running when a program
/// hangs or leaks tasks. Empty outside an event loop. Tasks of other loops (under WASI 0.3,
/// other requests') are not listed.
///
/// ```
/// # wasio::run(async {
/// let idle = wasio::runtime::spawn_named("idle", std::future::pending::<()>());
/// let names: Vec<_> = wasio::runtime::all_tasks()
///     .iter()
///     .map(|task| task.name().map(str::to_owned))
///     .collect();
/// assert_eq!(names, [Some("idle".to_owned())]);
/// idle.abort();
/// assert!(wasio::runtime::all_tasks().is_empty());
/// # });
/// ```
pub fn all_tasks() -> Vec<AbortHandle> {
    let mut tasks: Vec<AbortHandle> = state::try_with(|s| {
        let parked = s.parked.borrow();
        let queue = s.queue.borrow();
        parked
            .iter()
            .map(|(_, task)| task)
            .chain(queue.iter())
            .filter(|task| !task.is_finished())
            .map(|task| AbortHandle::new(task.clone()))
            .collect()
    })
    .unwrap_or_default();
    tasks.extend(current_task());
    tasks.sort_by_key(AbortHandle::id);
    tasks.dedup_by_key(|task| task.id());
    tasks
}
