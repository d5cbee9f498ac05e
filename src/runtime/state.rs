//! The state of one event loop (a *scope*): run queue, live tasks, timers and budget.
//!
//! Every [`run`](crate::run) makes one scope, and so does every request a wasi:http export
//! answers. Under WASI 0.2 at most one scope runs at a time; under WASI 0.3 up to as many as
//! the host runs concurrent calls into the instance, each driven by its own component-model
//! task and entered only while that task polls it. A task belongs to the scope that spawned
//! it, so a wake-up from anywhere (another scope, a host event) queues it where it runs.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::ptr::NonNull;
use std::rc::Rc;

use slab::Slab;

use super::task::Runnable;
use super::timers::Timers;
use super::waker::Wake;
use crate::sys::driver::HostWaker;

/// Everything one event loop owns.
pub(crate) struct State {
    /// Tasks that were woken and wait for their turn, in wake order.
    pub(crate) queue: RefCell<VecDeque<Rc<dyn Runnable>>>,
    /// Tasks that returned `Pending` and have not finished: with the run queue, where shutdown
    /// finds the tasks it must cancel.
    pub(crate) parked: RefCell<Slab<Rc<dyn Runnable>>>,
    /// Spawned tasks that have neither finished nor been cancelled.
    pub(crate) live: Cell<usize>,
    /// The task being polled, if any (not the root future): set by the task around its poll,
    /// while the task's `Rc` is alive.
    pub(crate) current: Cell<Option<NonNull<dyn Runnable>>>,
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
    /// Whether the root future was woken since its last poll: the loop's state is the root
    /// future's waker (one allocation fewer per loop, and so per request), which raises this
    /// and makes sure the loop runs.
    pub(crate) root_woken: Cell<bool>,
    /// Whether the loop is being polled right now (entered): a wake-up then needs no signal.
    active: Cell<bool>,
    /// Whether the loop has shut down: wake-ups of its leftover wakers are ignored.
    closed: Cell<bool>,
    /// What drives the loop when the host does (WASI 0.3: the component-model task),
    /// woken when a task becomes runnable while the loop is not being polled.
    pub(crate) host: HostWaker,
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
            current: Cell::new(None),
            timers: Timers::new(id),
            budget: Cell::new(task_budget),
            task_budget: Cell::new(task_budget),
            polls: Cell::new(0),
            turns: Cell::new(0),
            root_woken: Cell::new(true),
            active: Cell::new(false),
            closed: Cell::new(false),
            host: HostWaker::new(),
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
    #[inline]
    pub(crate) fn wake_host(&self) {
        if !self.active.get() {
            self.wake_host_now();
        }
    }

    #[inline(never)]
    fn wake_host_now(&self) {
        self.host.wake();
    }

    /// Marks the loop shut down and lets go of what drives it.
    pub(crate) fn close(&self) {
        self.closed.set(true);
        self.host.clear();
    }
}

impl Wake for State {
    fn wake_by_ref(this: &Rc<Self>) {
        this.root_woken.set(true);
        this.wake_host();
    }
}

thread_local! {
    /// The loop being polled on this thread, if any: set by `enter` for the length of a call.
    static CURRENT: Cell<*const State> = const { Cell::new(std::ptr::null()) };
}

/// Runs `f` with `state` as the current loop, then restores the one before (calls nest).
pub(crate) fn enter<R>(state: &Rc<State>, f: impl FnOnce() -> R) -> R {
    /// Puts the previous loop back, and this one's `active` flag, however `f` ends.
    struct Leave<'a> {
        state: &'a State,
        previous: *const State,
        was_active: bool,
    }
    impl Drop for Leave<'_> {
        fn drop(&mut self) {
            CURRENT.with(|current| current.set(self.previous));
            self.state.active.set(self.was_active);
        }
    }
    let _leave = Leave {
        state,
        previous: CURRENT.with(|current| current.replace(Rc::as_ptr(state))),
        was_active: state.active.replace(true),
    };
    f()
}

/// The current loop, if any.
fn get() -> Option<&'static State> {
    let current = CURRENT.with(Cell::get);
    // SAFETY: a non-null pointer was set by a call of `enter` that has not returned yet (it
    // puts the previous pointer back when it does), from an `Rc` that call borrows: the state
    // is alive until then. The reference is only lent to the closures of `with`, `try_with`
    // and `current`, which cannot keep it past the `enter` they run in (a loop is entered
    // only around polls, which those closures cannot outlast). One thread only.
    unsafe { current.as_ref() }
}

/// Whether a loop is being polled on this thread.
pub(crate) fn is_running() -> bool {
    get().is_some()
}

/// Runs `f` with the current loop.
///
/// # Panics
///
/// When no loop is running: `what` (a wasio future or function) would otherwise wait for an
/// event loop that never comes.
pub(crate) fn with<R>(what: &str, f: impl FnOnce(&State) -> R) -> R {
    match get() {
        Some(state) => f(state),
        None => not_running(what),
    }
}

/// Runs `f` with the current loop, if there is one.
pub(crate) fn try_with<R>(f: impl FnOnce(&State) -> R) -> Option<R> {
    get().map(f)
}

/// The current loop, for a task to keep.
pub(crate) fn current(what: &str) -> Rc<State> {
    let state = with(what, std::ptr::from_ref);
    // SAFETY: `state` is the pointer `enter` took from an `Rc` it borrows for as long as the
    // loop is current (see `get`), so the allocation is alive and one more owner may be
    // counted; the returned `Rc` gives that count back when it drops.
    unsafe {
        Rc::increment_strong_count(state);
        Rc::from_raw(state)
    }
}

#[cold]
#[inline(never)]
fn not_running(what: &str) -> ! {
    panic!("{what} needs a running wasio runtime: call it inside `wasio::run` or `#[wasio::main]`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enters_nest_and_restore_the_loop_before() {
        let outer = State::new(8);
        let inner = State::new(8);
        assert!(!is_running());
        enter(&outer, || {
            assert!(std::ptr::eq(with("test", std::ptr::from_ref), &*outer));
            assert!(outer.active.get());
            enter(&inner, || {
                assert!(std::ptr::eq(with("test", std::ptr::from_ref), &*inner));
                assert!(inner.active.get() && outer.active.get());
            });
            assert!(std::ptr::eq(with("test", std::ptr::from_ref), &*outer));
            assert!(!inner.active.get());
        });
        assert!(!is_running() && !outer.active.get());
        assert!(try_with(|_| ()).is_none());
    }

    #[test]
    fn the_current_loop_handed_out_is_counted_and_outlives_its_enter() {
        let state = State::new(8);
        let kept = enter(&state, || current("test"));
        assert!(Rc::ptr_eq(&kept, &state));
        assert_eq!(Rc::strong_count(&state), 2, "one count per owner, no more");
        drop(state);
        assert_eq!(Rc::strong_count(&kept), 1);
        assert_eq!(kept.task_budget.get(), 8, "still alive");
    }
}
