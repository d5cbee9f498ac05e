//! The event loop: tasks, the timers and the cooperative budget, over the host layer (the
//! reactor over `wasi:io/poll` under WASI 0.2; component-model tasks under WASI 0.3).
//!
//! | asyncio | wasio |
//! |---|---|
//! | `asyncio.run(main())` | [`run`] / `#[wasio::main]` |
//! | `asyncio.create_task(coro)` | [`spawn`] → [`JoinHandle`] |
//! | `create_task(coro, name=...)`, `current_task()`, `all_tasks()` | [`spawn_named`], [`current_task`], [`all_tasks`] (with [`TaskId`]s) |
//! | `task.cancel()`, `task.done()` | [`JoinHandle::abort`], [`JoinHandle::is_finished`] |
//! | `asyncio.TaskGroup` | [`TaskGroup`] |
//! | `await asyncio.sleep(0)` | [`yield_now`] |
//! | `loop.add_reader`-style waits | `AsyncPollable`, `wait_for` (WASI 0.2: WASI 0.3 has no pollables) |
//!
//! One event loop runs per [`run`] (and one per request a wasi:http export answers); a
//! component has one thread, so under WASI 0.2 one loop runs at a time, and under WASI 0.3
//! several may be alive at once, each inside its own component-model task. Each turn polls
//! the runnable tasks in wake order, up to [`Builder::tasks_per_turn`]; then the loop waits on
//! the host: WASI 0.2 makes at most one `poll` call listing the pollables some task waits on
//! plus the earliest timer deadline, WASI 0.3 gives its task back to the host (at once when
//! tasks are still runnable) with one `monotonic-clock.wait-until` for the earliest deadline.
//! It blocks only when no task is runnable. A task is queued once however many times it is
//! woken, and every wasio future that completes without waiting spends from a per-poll budget
//! ([`Builder::task_budget`]), so no task can starve timers, I/O or other tasks.

mod coop;
pub(crate) mod event_loop;
mod join_handle;
mod run;
pub(crate) mod state;
mod stats;
pub(crate) mod task;
mod task_group;
pub(crate) mod timers;
pub(crate) mod unwind;
pub(crate) mod waker;
mod yield_now;

#[cfg(not(wasio_p3))]
pub use crate::sys::pollable::{AsyncPollable, Wait, WaitFor, wait_for};
pub use join_handle::{AbortHandle, JoinError, JoinHandle, TaskId};
#[cfg(wasio_p3)]
pub use run::run_async;
pub use run::{Builder, run};
pub use stats::{Stats, all_tasks, current_task, stats};
pub use task::{spawn, spawn_named};
pub use task_group::{GroupClosed, GroupSpawner, TaskGroup};
pub use yield_now::{YieldNow, yield_now};

pub(crate) use coop::poll_proceed;
pub(crate) use timers::{TimerKey, TimerState};
