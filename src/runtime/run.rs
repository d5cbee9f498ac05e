//! `run`: the event loop that drives a root future and every spawned task.

use std::future::Future;
use std::pin::pin;

use super::event_loop::EventLoop;

/// Runs `future` to completion on a new event loop, with every task it spawns
/// (`asyncio.run`). Returns the future's output.
///
/// Each turn of the loop polls the root future if it was woken, then the tasks that were
/// runnable when the turn began (in wake order, at most
/// [`tasks_per_turn`](Builder::tasks_per_turn)), then waits on the host, blocking only when
/// nothing is runnable: one `wasi:io/poll.poll` call under WASI 0.2; under WASI 0.3 the loop
/// runs inside the component-model task of the program's `wasi:cli/run@0.3.0` export (which
/// [`#[wasio::main]`](crate::main) or [`export_run!`](crate::export_run) adds) and blocks it.
///
/// When the root future completes, tasks that are still pending are cancelled: their futures
/// are dropped (releasing their pollables and timers) before `run` returns, and their
/// [`JoinHandle`](crate::runtime::JoinHandle)s yield [`JoinError::Shutdown`](crate::runtime::JoinError::Shutdown). Await the tasks
/// (or a [`TaskGroup`](crate::runtime::TaskGroup)) before returning to let them finish.
///
/// # Panics
///
/// When called inside a running `run` (one event loop per thread); under WASI 0.2 when the
/// root future waits while no task can run and nothing is waited on (a deadlock that would
/// otherwise hang the component; WASI 0.3 cannot tell one, and waits); under WASI 0.3 when
/// `main` does not run inside the task of `export_run!` (a synchronous export may not block).
///
/// # Example
///
/// ```
/// let answer = wasio::run(async {
///     let task = wasio::spawn(async { 21 * 2 });
///     task.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
pub fn run<F: Future>(future: F) -> F::Output {
    Builder::new().run(future)
}

/// Runs `future` on a new event loop inside the component-model task that awaits this, with
/// every task it spawns, and gives its output: the body of an async export of a WASI 0.3
/// component (an `async func` of its own WIT interface, whose bindings wit-bindgen makes).
/// Like [`run`], except that it waits without blocking: while the loop waits on the host,
/// the instance goes on with its other calls, so concurrent calls of the export run side by
/// side, each on its own loop. Tasks still pending when `future` completes are cancelled, as
/// [`run`] cancels them.
///
/// WASI 0.3 only (the `p3` feature): under WASI 0.2 every export is synchronous, and its
/// body calls [`run`] instead, which blocks the instance until the loop is done.
///
/// ```no_run
/// // An `async func double(n: u32) -> u32` of the component's world, as wit-bindgen binds it:
/// async fn double(n: u32) -> u32 {
///     wasio::run_async(async move {
///         wasio::time::sleep(std::time::Duration::from_millis(10)).await;
///         wasio::spawn(async move { n * 2 }).await.unwrap_or(0)
///     })
///     .await
/// }
/// ```
///
/// # Panics
///
/// When awaited inside a running event loop (by a wasio task): spawn the future instead.
#[cfg(wasio_p3)]
pub async fn run_async<F: Future>(future: F) -> F::Output {
    Builder::new().run_async(future).await
}

/// Settings of the event loop; [`run`] uses the defaults.
///
/// ```
/// let n = wasio::runtime::Builder::new()
///     .tasks_per_turn(64)
///     .task_budget(32)
///     .run(async { 7 });
/// assert_eq!(n, 7);
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    pub(crate) tasks_per_turn: usize,
    pub(crate) task_budget: u32,
    pub(crate) finish_tasks: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// The default settings: 256 tasks per turn, a budget of 128 per task poll.
    pub const fn new() -> Self {
        Builder {
            tasks_per_turn: 256,
            task_budget: 128,
            finish_tasks: false,
        }
    }

    /// How many tasks one turn polls at most before timers and I/O are checked again.
    /// Values below 1 mean 1.
    pub const fn tasks_per_turn(mut self, tasks: usize) -> Self {
        self.tasks_per_turn = if tasks == 0 { 1 } else { tasks };
        self
    }

    /// How many wasio operations that complete without waiting one poll of a task may do
    /// before it is made to yield (so a task whose input is always ready cannot starve the
    /// others). Values below 1 mean 1.
    pub const fn task_budget(mut self, operations: u32) -> Self {
        self.task_budget = if operations == 0 { 1 } else { operations };
        self
    }

    /// Whether `run` waits, once the root future is done, for the tasks still running to
    /// finish (instead of cancelling them). Under WASI 0.2, tasks that can never finish
    /// (nothing can wake them) are still cancelled; WASI 0.3 cannot tell those from tasks
    /// waiting on the host, and waits for them. The wasi:http export runs this way, so work a
    /// handler spawned completes after its response.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use std::time::Duration;
    ///
    /// let finished = Rc::new(Cell::new(false));
    /// let flag = finished.clone();
    /// wasio::runtime::Builder::new().finish_tasks(true).run(async move {
    ///     drop(wasio::spawn(async move {
    ///         wasio::time::sleep(Duration::from_millis(10)).await;
    ///         flag.set(true);
    ///     }));
    /// });
    /// assert!(finished.get());
    /// ```
    pub const fn finish_tasks(mut self, finish: bool) -> Self {
        self.finish_tasks = finish;
        self
    }

    /// Runs `future` like [`run`], with these settings.
    ///
    /// # Panics
    ///
    /// As [`run`].
    pub fn run<F: Future>(&self, future: F) -> F::Output {
        let future = pin!(future);
        crate::sys::driver::block_on(EventLoop::new(self, future))
    }

    /// Runs `future` like [`run_async`], with these settings.
    ///
    /// # Panics
    ///
    /// As [`run_async`].
    #[cfg(wasio_p3)]
    pub async fn run_async<F: Future>(&self, future: F) -> F::Output {
        let future = pin!(future);
        let mut event_loop = EventLoop::new(self, future);
        let output =
            crate::sys::driver::drive(&mut event_loop, crate::sys::driver::Yield::ToWitBindgen)
                .await;
        event_loop.shutdown();
        output
    }
}
