//! The state of one event loop (a *scope*): run queue, live tasks, timers and budget.
//!
//! Every [`run`](crate::run) makes one scope, and so does every request a wasi:http export
//! answers. Under WASI 0.2 at most one scope runs at a time; under WASI 0.3 up to as many as
//! the host runs concurrent calls into the instance, each driven by its own component-model
//! task and entered only while that task polls it. A task belongs to the scope that spawned
//! it, so a wake-up from anywhere (another scope, a host event) queues it where it runs.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::task::Waker;

use slab::Slab;

use super::task::Runnable;
use super::timers::Timers;

/// Everything one event loop owns.
pub(crate) struct State {
    /// Tasks that were woken and wait for their turn, in wake order.
    pub(crate) queue: RefCell<VecDeque<Rc<dyn Runnable>>>,
    /// Tasks that returned `Pending` and have not finished: with the run queue, where shutdown
    /// finds the tasks it must cancel.
    pub(crate) parked: RefCell<Slab<Rc<dyn Runnable>>>,
    /// Spawned tasks that have neither finished nor been cancelled.
    pub(crate) live: Cell<usize>,
    /// Every pending `Sleep`, by deadline.
    pub(crate) timers: Timers,
    /// Cooperative budget left to the task being polled (see `coop`).
    pub(crate) budget: Cell<u32>,
    /// The budget each poll of a task starts with.
    pub(crate) task_budget: Cell<u32>,
    /// Times the loop waited on the host since it started.
    pub(crate) polls: Cell<u64>,
    /// Turns of the loop since it started.
    pub(crate) turns: Cell<u64>,
    /// Whether the loop is being polled right now (entered): a wake-up then needs no signal.
    active: Cell<bool>,
    /// Whether the loop has shut down: wake-ups of its leftover wakers are ignored.
    closed: Cell<bool>,
    /// What drives the loop when the host does (WASI 0.3: the component-model task's waker),
    /// woken when a task becomes runnable while the loop is not being polled.
    host_waker: RefCell<Option<Waker>>,
}

impl State {
    pub(crate) fn new(task_budget: u32) -> Rc<State> {
        thread_local! {
            static SCOPES: Cell<u64> = const { Cell::new(0) };
        }
        let id = SCOPES.with(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        Rc::new(State {
            queue: RefCell::new(VecDeque::new()),
            parked: RefCell::new(Slab::new()),
            live: Cell::new(0),
            timers: Timers::new(id),
            budget: Cell::new(task_budget),
            task_budget: Cell::new(task_budget),
            polls: Cell::new(0),
            turns: Cell::new(0),
            active: Cell::new(false),
            closed: Cell::new(false),
            host_waker: RefCell::new(None),
        })
    }

    /// Queues a woken task (which is not queued already) and makes sure the loop runs.
    pub(crate) fn schedule(&self, task: Rc<dyn Runnable>) {
        if self.closed.get() {
            return;
        }
        self.queue.borrow_mut().push_back(task);
        self.wake_host();
    }

    /// Makes the loop run again when it is not running now: wakes what drives it.
    pub(crate) fn wake_host(&self) {
        if self.active.get() {
            return;
        }
        let waker = self.host_waker.borrow();
        if let Some(waker) = waker.as_ref() {
            waker.wake_by_ref();
        }
    }

    /// Records what drives the loop from now on.
    #[cfg(wasio_p3)]
    pub(crate) fn set_host_waker(&self, waker: &Waker) {
        let mut slot = self.host_waker.borrow_mut();
        if slot.as_ref().is_none_or(|w| !w.will_wake(waker)) {
            let old = slot.replace(waker.clone());
            drop(slot);
            drop(old);
        }
    }

    /// Marks the loop shut down and drops what drives it.
    pub(crate) fn close(&self) {
        self.closed.set(true);
        let waker = self.host_waker.borrow_mut().take();
        drop(waker);
    }
}

thread_local! {
    /// The loop being polled on this thread, if any.
    static CURRENT: RefCell<Option<Rc<State>>> = const { RefCell::new(None) };
}

/// Makes `state` the current loop until dropped, then restores the one before.
pub(crate) struct Enter {
    previous: Option<Rc<State>>,
}

impl Enter {
    pub(crate) fn new(state: &Rc<State>) -> Enter {
        state.active.set(true);
        let previous = CURRENT.with(|current| current.replace(Some(state.clone())));
        Enter { previous }
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        let left = CURRENT.with(|current| current.replace(self.previous.take()));
        if let Some(state) = &left {
            state.active.set(false);
        }
        drop(left);
    }
}

/// Whether a loop is being polled on this thread.
pub(crate) fn is_running() -> bool {
    CURRENT.with(|current| current.borrow().is_some())
}

/// Runs `f` with the current loop.
///
/// # Panics
///
/// When no loop is running: `what` (a wasio future or function) would otherwise wait for an
/// event loop that never comes.
pub(crate) fn with<R>(what: &str, f: impl FnOnce(&State) -> R) -> R {
    CURRENT.with(|current| match current.borrow().as_deref() {
        Some(state) => f(state),
        None => not_running(what),
    })
}

/// Runs `f` with the current loop, if there is one.
pub(crate) fn try_with<R>(f: impl FnOnce(&State) -> R) -> Option<R> {
    CURRENT.with(|current| current.borrow().as_deref().map(f))
}

/// The current loop, for a task to keep.
pub(crate) fn current(what: &str) -> Rc<State> {
    CURRENT.with(|current| match current.borrow().as_ref() {
        Some(state) => state.clone(),
        None => not_running(what),
    })
}

#[cold]
#[inline(never)]
fn not_running(what: &str) -> ! {
    panic!("{what} needs a running wasio runtime: call it inside `wasio::run` or `#[wasio::main]`")
}
