//! The event loop: tasks, the reactor over `wasi:io/poll`, and the timers.
//!
//! | asyncio | wasio |
//! |---|---|
//! | `asyncio.run(main())` | [`run`] / `#[wasio::main]` |
//! | `asyncio.create_task(coro)` | [`spawn`] → [`JoinHandle`] |
//! | `task.cancel()`, `task.done()` | [`JoinHandle::abort`], [`JoinHandle::is_finished`] |
//! | `asyncio.TaskGroup` | [`TaskGroup`] |
//! | `await asyncio.sleep(0)` | [`yield_now`] |
//! | `loop.add_reader`-style waits | [`AsyncPollable`], [`wait_for`] |
//!
//! One event loop runs per thread (a WASI 0.2 component has one thread). Each turn it polls
//! the runnable tasks in wake order, up to [`Builder::tasks_per_turn`], then makes at most one
//! `poll` call listing the pollables some task waits on, plus the earliest timer deadline. It
//! blocks in `poll` only when no task is runnable. A task is queued once however many times
//! it is woken, and every wasio future that completes without waiting spends from a per-poll
//! budget ([`Builder::task_budget`]), so no task can starve timers, I/O or other tasks.

mod coop;
pub(crate) mod event_loop;
mod join_handle;
mod run;
pub(crate) mod state;
mod stats;
mod task;
mod task_group;
pub(crate) mod timers;
pub(crate) mod waker;
mod yield_now;

#[cfg(not(wasio_p3))]
pub use crate::sys::pollable::{AsyncPollable, Wait, WaitFor, wait_for};
pub use join_handle::{AbortHandle, JoinError, JoinHandle};
pub use run::{Builder, run};
pub use stats::{Stats, stats};
pub use task::spawn;
pub use task_group::{GroupClosed, GroupSpawner, TaskGroup};
pub use yield_now::{YieldNow, yield_now};

pub(crate) use coop::poll_proceed;
pub(crate) use timers::{TimerKey, TimerState};
