//! The WASI 0.2 reactor: the pollables tasks wait on, and the one `wasi:io/poll.poll` call per
//! turn.
//!
//! A registered pollable (a *source*) is listed in `poll` only while some future waits on it.
//! Readiness is level-triggered in WASI, so a source that `poll` reports ready bumps its
//! epoch and wakes every waiter; each waiter saw the epoch it registered at move on.

use std::cell::{Cell, OnceCell, RefCell};
use std::task::{Poll, Waker};

use slab::Slab;
use wasip2::clocks::monotonic_clock;
use wasip2::io::poll::{Pollable, poll};

use crate::runtime::timers::Timers;

thread_local! {
    // Empty until first used, so the static is `.bss`, not `.data`: under `wasmtime serve`
    // every request is a fresh instance, and writing a `.data` page the request would not
    // otherwise touch costs a copy-on-write page fault.
    static REACTOR: OnceCell<Reactor> = const { OnceCell::new() };
}

/// Runs `f` with this thread's reactor. Pollables outlive event loops (a stream kept between
/// two `run`s, say), so there is one reactor per thread, serving whichever loop runs.
pub(crate) fn with<R>(f: impl FnOnce(&Reactor) -> R) -> R {
    REACTOR.with(|reactor| f(reactor.get().unwrap_or_else(|| init(reactor))))
}

/// The first use: one copy of the set-up code, however many callers `with` has.
#[inline(never)]
fn init(reactor: &OnceCell<Reactor>) -> &Reactor {
    reactor.get_or_init(Reactor::new)
}

struct Source {
    pollable: Pollable,
    /// How many times `poll` has reported this source ready.
    epoch: u64,
    /// The futures waiting for the next readiness, by waiter id.
    waiters: Vec<(u64, Waker)>,
}

/// Where one waiting future stands with its source.
#[derive(Debug, Default)]
pub(crate) struct WaitState {
    /// The epoch and waiter id it registered with; `None` before it first waits.
    registered: Option<(u64, u64)>,
    /// Ask the host whether the pollable is ready before registering. Worth a host call only
    /// when the caller has not just been told it would block (a stream read that returned
    /// nothing, say), so only the public waits set it.
    check_first: bool,
}

impl WaitState {
    /// A waiter that asks the host first, in case the pollable is ready already.
    pub(crate) fn checking_first() -> Self {
        WaitState {
            registered: None,
            check_first: true,
        }
    }
}

pub(crate) struct Reactor {
    sources: RefCell<Slab<Source>>,
    next_waiter: Cell<u64>,
    /// The `poll` argument, kept empty between turns so its allocation is reused.
    list: Cell<Vec<&'static Pollable>>,
    /// Source key of each entry of `list`.
    keys: RefCell<Vec<usize>>,
    /// Wakers of the sources found ready, woken once `sources` is released.
    woken: RefCell<Vec<Waker>>,
    /// The clock pollable of the earliest timer deadline, kept while that deadline stays first.
    timer: RefCell<Option<(u64, Pollable)>>,
}

/// What a turn of the reactor did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Turn {
    /// It called `poll`.
    Polled,
    /// Tasks were runnable and nothing was waited on: no `poll` was needed.
    Skipped,
    /// It was to block, but nothing is waited on and no timer is set: no task can ever be
    /// woken again.
    Stuck,
}

/// A `poll` that reports this many ready pollables is followed by a yield to the host (see
/// [`yield_to_host`]).
const YIELD_AFTER_READY: usize = 16;

/// A pollable that is ready at once: in a `poll` list it keeps the call from blocking.
///
/// wasmtime makes a zero-duration clock pollable yield to its async executor the first time it
/// is polled (and only then), so a fresh one per non-blocking `poll` also lets the host's I/O
/// driver run; a reused one would not.
fn zero_timeout() -> Pollable {
    monotonic_clock::subscribe_duration(0)
}

/// Lets the host's executor run once, refilling the per-task I/O budget that wasmtime's
/// socket readiness checks draw on.
///
/// In wasmtime 48 every readiness check (`check-write`, `read`, `ready`, and each pollable a
/// `poll` reports ready) spends tokio's cooperative budget of the task running the guest, and
/// once it is spent every socket reads "not ready" until the host yields (wasmtime issue
/// 14174, fixed after 48). A `poll` that reports many pollables ready can spend it all, so the
/// tasks it wakes would find nothing ready and wait again, for ever. One more `poll` on a fresh
/// zero-duration pollable makes the host yield and refill the budget before they run.
fn yield_to_host() {
    let zero = zero_timeout();
    poll(&[&zero]);
}

/// Reuses an empty `Vec`'s allocation for references of another lifetime (an in-place collect).
fn relabel<'b, T>(mut list: Vec<&T>) -> Vec<&'b T> {
    list.clear();
    list.into_iter()
        .map(|_| unreachable!("the list is empty"))
        .collect()
}

impl Reactor {
    const fn new() -> Self {
        Reactor {
            sources: RefCell::new(Slab::new()),
            next_waiter: Cell::new(0),
            list: Cell::new(Vec::new()),
            keys: RefCell::new(Vec::new()),
            woken: RefCell::new(Vec::new()),
            timer: RefCell::new(None),
        }
    }

    pub(crate) fn register(&self, pollable: Pollable) -> usize {
        self.sources.borrow_mut().insert(Source {
            pollable,
            epoch: 0,
            waiters: Vec::new(),
        })
    }

    /// Drops the source's pollable (the host handle is released now) and its waiters.
    pub(crate) fn deregister(&self, key: usize) {
        let source = self.sources.borrow_mut().try_remove(key);
        drop(source);
    }

    /// Ready once the source's pollable is ready; registers `waker` otherwise.
    pub(crate) fn poll_wait(&self, key: usize, state: &mut WaitState, waker: &Waker) -> Poll<()> {
        let mut sources = self.sources.borrow_mut();
        let source = &mut sources[key];
        match state.registered {
            Some((epoch, _)) if epoch != source.epoch => {
                // The reactor found it ready and already took our waker.
                state.registered = None;
                Poll::Ready(())
            }
            Some((_, id)) => {
                let slot = source.waiters.iter_mut().find(|(w, _)| *w == id);
                match slot {
                    Some((_, w)) if w.will_wake(waker) => {}
                    Some((_, w)) => {
                        let old = std::mem::replace(w, waker.clone());
                        drop(sources);
                        drop(old);
                    }
                    None => source.waiters.push((id, waker.clone())),
                }
                Poll::Pending
            }
            None => {
                if state.check_first && source.pollable.ready() {
                    return Poll::Ready(());
                }
                let id = self.next_waiter.get();
                self.next_waiter.set(id + 1);
                source.waiters.push((id, waker.clone()));
                state.registered = Some((source.epoch, id));
                Poll::Pending
            }
        }
    }

    /// Withdraws a waiter that stops waiting before its source became ready.
    pub(crate) fn cancel_wait(&self, key: usize, state: &mut WaitState) {
        let Some((_, id)) = state.registered.take() else {
            return;
        };
        let mut sources = self.sources.borrow_mut();
        let Some(source) = sources.get_mut(key) else {
            return;
        };
        if let Some(at) = source.waiters.iter().position(|(w, _)| *w == id) {
            let (_, waker) = source.waiters.swap_remove(at);
            drop(sources);
            drop(waker);
        }
    }

    /// Registered sources, and how many of them are waited on.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let sources = self.sources.borrow();
        let waited = sources
            .iter()
            .filter(|(_, s)| !s.waiters.is_empty())
            .count();
        (sources.len(), waited)
    }

    /// One turn of I/O: fires due timers, then makes at most one `poll` call over the waited
    /// sources (plus, when many are ready, one short yield to the host). It blocks (adding the
    /// earliest timer deadline to the list) only when `block` is set and nothing became
    /// runnable meanwhile; otherwise a zero-duration pollable in the list makes the call return
    /// at once.
    pub(crate) fn turn(&self, timers: &Timers, mut block: bool) -> Turn {
        if timers.len() > 0 && timers.fire(monotonic_clock::now()) > 0 {
            block = false;
        }
        let mut keys = self.keys.borrow_mut();
        keys.clear();
        let timer_slot;
        let zero;
        let sources = self.sources.borrow();
        let mut list = relabel(self.list.take());
        for (key, source) in sources.iter() {
            if !source.waiters.is_empty() {
                list.push(&source.pollable);
                keys.push(key);
            }
        }
        if block {
            let deadline = timers.earliest();
            timer_slot = deadline.map(|deadline| self.timer_pollable(deadline));
            if let Some(timer) = &timer_slot {
                list.push(&timer.as_ref().expect("just set").1);
            }
            if list.is_empty() {
                self.list.set(relabel(list));
                return Turn::Stuck;
            }
        } else {
            if list.is_empty() {
                self.list.set(relabel(list));
                return Turn::Skipped;
            }
            zero = zero_timeout();
            list.push(&zero);
        }
        let ready = poll(&list);
        self.list.set(relabel(list));
        drop(sources);
        let ready_sources = ready.iter().filter(|&&i| (i as usize) < keys.len()).count();
        if ready_sources >= YIELD_AFTER_READY {
            yield_to_host();
        }

        let mut woken = std::mem::take(&mut *self.woken.borrow_mut());
        {
            let mut sources = self.sources.borrow_mut();
            for index in ready {
                let Some(&key) = keys.get(index as usize) else {
                    continue;
                };
                let source = &mut sources[key];
                source.epoch += 1;
                woken.extend(source.waiters.drain(..).map(|(_, waker)| waker));
            }
        }
        drop(keys);
        for waker in woken.drain(..) {
            waker.wake();
        }
        *self.woken.borrow_mut() = woken;
        if block && timers.len() > 0 {
            timers.fire(monotonic_clock::now());
        }
        Turn::Polled
    }

    fn timer_pollable(&self, deadline: u64) -> std::cell::Ref<'_, Option<(u64, Pollable)>> {
        {
            let mut timer = self.timer.borrow_mut();
            if timer.as_ref().is_none_or(|(at, _)| *at != deadline) {
                *timer = Some((deadline, monotonic_clock::subscribe_instant(deadline)));
            }
        }
        self.timer.borrow()
    }

    /// Drops every waiter and the timer's pollable (shutdown); sources stay with their owners.
    pub(crate) fn clear(&self) {
        let mut wakers = Vec::new();
        for (_, source) in self.sources.borrow_mut().iter_mut() {
            wakers.extend(source.waiters.drain(..).map(|(_, waker)| waker));
        }
        drop(wakers);
        self.timer.borrow_mut().take();
    }
}
