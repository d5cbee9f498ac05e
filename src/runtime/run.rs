//! `run`: the event loop that drives a root future and every spawned task.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::coop;
use super::join_handle::JoinError;
use super::reactor::Turn;
use super::state::{self, State};
use super::waker::{Wake, WakerRef};

/// Runs `future` to completion on a new event loop, with every task it spawns
/// (`asyncio.run`). Returns the future's output.
///
/// Each turn of the loop polls the root future if it was woken, then the tasks that were
/// runnable when the turn began (in wake order, at most
/// [`tasks_per_turn`](Builder::tasks_per_turn)), then makes at most one `wasi:io/poll.poll`
/// call, which blocks only when nothing is runnable.
///
/// When the root future completes, tasks that are still pending are cancelled: their futures
/// are dropped (releasing their pollables and timers) before `run` returns, and their
/// [`JoinHandle`](crate::runtime::JoinHandle)s yield [`JoinError::Shutdown`]. Await the tasks
/// (or a [`TaskGroup`](crate::runtime::TaskGroup)) before returning to let them finish.
///
/// # Panics
///
/// When called inside a running `run` (one event loop per thread), or when the root future
/// waits while no task can run and nothing is waited on (a deadlock that would otherwise
/// hang the component).
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
    tasks_per_turn: usize,
    task_budget: u32,
    finish_tasks: bool,
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
    /// finish (instead of cancelling them). Tasks that can never finish (nothing can wake
    /// them) are still cancelled. The wasi:http export runs this way, so work a handler
    /// spawned completes after its response.
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
        let _session = Session::enter(self);
        let root = Rc::new(RootWaker {
            woken: Cell::new(true),
        });
        // Borrowed, so nothing is dropped through the waker's vtable when `run` returns.
        let waker = WakerRef::new(&root);
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(future);
        let mut output = None;
        loop {
            if output.is_none() && root.woken.replace(false) {
                coop::reset();
                if let Poll::Ready(done) = future.as_mut().poll(&mut cx) {
                    output = Some(done);
                }
            }
            if let Some(done) = output.take() {
                if !self.finish_tasks || state::with(|s| s.live.get() == 0) {
                    return done;
                }
                output = Some(done);
            }
            let turn = state::with(|s| {
                run_tasks(s, self.tasks_per_turn);
                let idle = s.queue.borrow().is_empty() && !root.woken.get();
                let turn = s.reactor.turn(&s.timers, idle);
                if turn == Turn::Polled {
                    s.polls.set(s.polls.get() + 1);
                }
                s.turns.set(s.turns.get() + 1);
                turn
            });
            if turn == Turn::Stuck {
                // No task can ever be woken: with the root done, what is left is cancelled.
                if let Some(done) = output.take() {
                    return done;
                }
                panic!(
                    "wasio::run: deadlock: the root future is waiting, but no task can run, \
                     no timer is set and no pollable is waited on"
                );
            }
        }
    }
}

/// Polls the tasks that are runnable now, but no more than `limit`: tasks woken meanwhile
/// (a task that yields, say) wait for the next turn, after timers and I/O.
fn run_tasks(s: &State, limit: usize) {
    let runnable = s.queue.borrow().len().min(limit);
    for _ in 0..runnable {
        let task = s.queue.borrow_mut().pop_front();
        let Some(task) = task else { break };
        task.run();
    }
}

/// The root future's waker: it only raises a flag the loop checks every turn.
struct RootWaker {
    woken: Cell<bool>,
}

impl Wake for RootWaker {
    fn wake_by_ref(this: &Rc<Self>) {
        this.woken.set(true);
    }
}

/// Marks the runtime as running; on drop, cancels what is left and resets the state.
struct Session;

impl Session {
    fn enter(builder: &Builder) -> Session {
        state::with(|s| {
            assert!(
                !s.running.replace(true),
                "wasio::run called inside a running wasio::run: there is one event loop per \
                 thread; spawn the future or await it instead"
            );
            s.task_budget.set(builder.task_budget);
            s.polls.set(0);
            s.turns.set(0);
        });
        Session
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        state::with(|s| {
            // Every live task is queued or parked. Cancelling one runs its destructors, and so
            // does dropping the wakers timers and pollables hold (a waker may be the last owner
            // of a finished task and its output); destructors may spawn: repeat until no task
            // is left.
            loop {
                let mut tasks: Vec<_> = s.parked.borrow_mut().drain().collect();
                tasks.extend(s.queue.borrow_mut().drain(..));
                if tasks.is_empty() {
                    s.timers.clear();
                    s.reactor.clear();
                    if s.queue.borrow().is_empty() && s.parked.borrow().is_empty() {
                        break;
                    }
                }
                for task in tasks {
                    task.cancel(JoinError::Shutdown);
                }
            }
            s.running.set(false);
        });
    }
}
