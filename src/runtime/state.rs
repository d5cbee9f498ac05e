//! The one runtime of this thread: run queue, live tasks, reactor and timers.
//!
//! WASI 0.2 components are single-threaded, so the runtime lives in a `thread_local!` that is
//! initialised at compile time; `with` is a plain access to a static.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use slab::Slab;

use super::reactor::Reactor;
use super::task::Runnable;
use super::timers::Timers;

/// Everything the event loop owns.
pub(crate) struct State {
    /// Whether `run` is driving the loop right now.
    pub(crate) running: Cell<bool>,
    /// Tasks that were woken and wait for their turn, in wake order.
    pub(crate) queue: RefCell<VecDeque<Rc<dyn Runnable>>>,
    /// Tasks that returned `Pending` and have not finished: with the run queue, where shutdown
    /// finds the tasks it must cancel.
    pub(crate) parked: RefCell<Slab<Rc<dyn Runnable>>>,
    /// Spawned tasks that have neither finished nor been cancelled.
    pub(crate) live: Cell<usize>,
    /// Pollables registered by `AsyncPollable`s, and their waiters.
    pub(crate) reactor: Reactor,
    /// Every pending `Sleep`, by deadline.
    pub(crate) timers: Timers,
    /// Cooperative budget left to the task being polled (see `coop`).
    pub(crate) budget: Cell<u32>,
    /// The budget each poll of a task starts with.
    pub(crate) task_budget: Cell<u32>,
    /// Host `poll` calls made since `run` started.
    pub(crate) polls: Cell<u64>,
    /// Turns of the loop since `run` started.
    pub(crate) turns: Cell<u64>,
}

impl State {
    const fn new() -> Self {
        State {
            running: Cell::new(false),
            queue: RefCell::new(VecDeque::new()),
            parked: RefCell::new(Slab::new()),
            live: Cell::new(0),
            reactor: Reactor::new(),
            timers: Timers::new(),
            budget: Cell::new(u32::MAX),
            task_budget: Cell::new(u32::MAX),
            polls: Cell::new(0),
            turns: Cell::new(0),
        }
    }

    /// Fails loudly when a wasio future is used without a running `wasio::run`: it would
    /// otherwise wait for an event loop that never comes.
    pub(crate) fn assert_running(&self, what: &str) {
        assert!(
            self.running.get(),
            "{what} needs a running wasio runtime: call it inside `wasio::run` or `#[wasio::main]`"
        );
    }
}

thread_local! {
    // All zero until first used, so the static is `.bss`, not `.data`: under `wasmtime serve`
    // every request is a fresh instance, and writing a `.data` page the request would not
    // otherwise touch costs a copy-on-write page fault.
    static STATE: OnceCell<State> = const { OnceCell::new() };
}

/// Runs `f` with this thread's runtime state.
pub(crate) fn with<R>(f: impl FnOnce(&State) -> R) -> R {
    STATE.with(|state| f(state.get().unwrap_or_else(|| init(state))))
}

/// The first use: one copy of the set-up code, however many callers `with` has.
#[inline(never)]
fn init(state: &OnceCell<State>) -> &State {
    state.get_or_init(State::new)
}
