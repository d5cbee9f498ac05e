//! The one deadline structure every timer shares.
//!
//! Pending sleeps live in a slab, and a min-heap orders them by (deadline, registration
//! order). The reactor turns only the earliest deadline into a monotonic-clock pollable, so
//! 100 000 sleeps cost one host handle, not 100 000. A cancelled sleep leaves its heap entry
//! behind, skipped when it surfaces; the heap is rebuilt when such leftovers outnumber the
//! live timers, so cancelling many timeouts does not grow it without bound.

use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::task::Waker;

use slab::Slab;

/// Identifies one registered timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimerKey {
    slot: usize,
    seq: u64,
    /// The loop whose timers hold it, and how many times they had been cleared.
    scope: u64,
    generation: u64,
}

/// What became of a registered timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimerState {
    Pending,
    Fired,
    /// Registered with another runtime, or one that has since shut down: register again.
    Stale,
}

struct Entry {
    seq: u64,
    waker: Waker,
}

/// A heap entry: (deadline, seq) orders it, `slot` finds the timer.
type Due = Reverse<(u64, u64, usize)>;

struct Inner {
    timers: Slab<Entry>,
    heap: BinaryHeap<Due>,
}

impl Inner {
    /// Whether a heap entry still stands for a pending timer.
    fn is_live(&self, Reverse((_, seq, slot)): &Due) -> bool {
        self.timers
            .get(*slot)
            .is_some_and(|entry| entry.seq == *seq)
    }

    /// Drops cancelled entries from the top of the heap.
    fn skip_cancelled(&mut self) {
        while let Some(top) = self.heap.peek() {
            if self.is_live(top) {
                return;
            }
            self.heap.pop();
        }
    }
}

pub(crate) struct Timers {
    inner: RefCell<Inner>,
    next_seq: Cell<u64>,
    /// The loop these timers belong to, so that keys from another are told apart.
    scope: u64,
    /// Bumped by `clear`, so keys from before are told apart from fired ones.
    generation: Cell<u64>,
    /// Wakers of fired timers, woken after the timers are released; kept to reuse its
    /// allocation.
    fired: RefCell<Vec<Waker>>,
}

impl Timers {
    /// The timers of the loop `scope` (an id no other loop has).
    pub(crate) const fn new(scope: u64) -> Self {
        Timers {
            inner: RefCell::new(Inner {
                timers: Slab::new(),
                heap: BinaryHeap::new(),
            }),
            next_seq: Cell::new(0),
            scope,
            generation: Cell::new(0),
            fired: RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn insert(&self, deadline: u64, waker: Waker) -> TimerKey {
        let seq = self.next_seq.get();
        self.next_seq.set(seq + 1);
        let mut inner = self.inner.borrow_mut();
        let slot = inner.timers.insert(Entry { seq, waker });
        inner.heap.push(Reverse((deadline, seq, slot)));
        TimerKey {
            slot,
            seq,
            scope: self.scope,
            generation: self.generation.get(),
        }
    }

    /// Whether `key` was handed out by these timers since they were last cleared.
    fn owns(&self, key: TimerKey) -> bool {
        key.scope == self.scope && key.generation == self.generation.get()
    }

    /// Replaces the waker of a pending timer, or tells that it fired or went stale.
    pub(crate) fn update(&self, key: TimerKey, waker: &Waker) -> TimerState {
        if !self.owns(key) {
            return TimerState::Stale;
        }
        let mut inner = self.inner.borrow_mut();
        let Some(entry) = inner.timers.get_mut(key.slot).filter(|e| e.seq == key.seq) else {
            return TimerState::Fired;
        };
        if !entry.waker.will_wake(waker) {
            let old = std::mem::replace(&mut entry.waker, waker.clone());
            drop(inner);
            drop(old);
        }
        TimerState::Pending
    }

    pub(crate) fn remove(&self, key: TimerKey) {
        if !self.owns(key) {
            return;
        }
        let mut inner = self.inner.borrow_mut();
        if inner.timers.get(key.slot).is_none_or(|e| e.seq != key.seq) {
            return;
        }
        let old = inner.timers.remove(key.slot);
        if inner.heap.len() > 64 && inner.heap.len() > 2 * inner.timers.len() {
            let Inner { timers, heap } = &mut *inner;
            heap.retain(|Reverse((_, seq, slot))| timers.get(*slot).is_some_and(|e| e.seq == *seq));
        }
        drop(inner);
        drop(old);
    }

    pub(crate) fn earliest(&self) -> Option<u64> {
        let mut inner = self.inner.borrow_mut();
        inner.skip_cancelled();
        inner.heap.peek().map(|Reverse((deadline, _, _))| *deadline)
    }

    pub(crate) fn len(&self) -> usize {
        self.inner.borrow().timers.len()
    }

    /// Removes every timer due at `now` and wakes its task, in deadline order; returns how
    /// many fired.
    pub(crate) fn fire(&self, now: u64) -> usize {
        let mut fired = std::mem::take(&mut *self.fired.borrow_mut());
        {
            let mut inner = self.inner.borrow_mut();
            loop {
                inner.skip_cancelled();
                match inner.heap.peek() {
                    Some(Reverse((deadline, _, slot))) if *deadline <= now => {
                        let slot = *slot;
                        inner.heap.pop();
                        fired.push(inner.timers.remove(slot).waker);
                    }
                    _ => break,
                }
            }
        }
        let count = fired.len();
        for waker in fired.drain(..) {
            waker.wake();
        }
        *self.fired.borrow_mut() = fired;
        count
    }

    /// Drops every waker (shutdown); keys handed out so far become stale.
    pub(crate) fn clear(&self) {
        self.generation.set(self.generation.get() + 1);
        let mut inner = self.inner.borrow_mut();
        let timers = std::mem::take(&mut inner.timers);
        inner.heap.clear();
        drop(inner);
        drop(timers);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    use super::*;

    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn waker() -> (Arc<Count>, Waker) {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        (count.clone(), Waker::from(count))
    }

    #[test]
    fn timers_fire_in_deadline_order_and_cancelled_ones_never() {
        let timers = Timers::new(1);
        let (woken, w) = waker();
        let late = timers.insert(30, w.clone());
        let early = timers.insert(10, w.clone());
        let cancelled = timers.insert(5, w.clone());
        timers.remove(cancelled);
        assert_eq!(timers.earliest(), Some(10));
        assert_eq!(timers.fire(20), 1);
        assert_eq!(timers.update(early, &w), TimerState::Fired);
        assert_eq!(timers.update(late, &w), TimerState::Pending);
        assert_eq!(timers.update(cancelled, &w), TimerState::Fired);
        assert_eq!(timers.fire(30), 1);
        assert_eq!(woken.0.load(Ordering::Relaxed), 2);
        assert_eq!((timers.len(), timers.earliest()), (0, None));
    }

    #[test]
    fn a_reused_slot_is_not_mistaken_for_the_timer_that_left_it() {
        let timers = Timers::new(1);
        let (_, w) = waker();
        let first = timers.insert(10, w.clone());
        timers.remove(first);
        let second = timers.insert(20, w.clone());
        assert_eq!(timers.update(first, &w), TimerState::Fired);
        timers.remove(first);
        assert_eq!(
            timers.update(second, &w),
            TimerState::Pending,
            "removing a gone key is a no-op"
        );
        assert_eq!(timers.earliest(), Some(20));
    }

    #[test]
    fn cancelled_entries_do_not_pile_up() {
        let timers = Timers::new(1);
        let (_, w) = waker();
        let keep = timers.insert(1_000_000, w.clone());
        for n in 0..100_000 {
            let key = timers.insert(500_000 + n, w.clone());
            timers.remove(key);
        }
        assert!(
            timers.inner.borrow().heap.len() <= 130,
            "{}",
            timers.inner.borrow().heap.len()
        );
        assert_eq!(timers.update(keep, &w), TimerState::Pending);
        assert_eq!(timers.earliest(), Some(1_000_000));
    }

    #[test]
    fn keys_of_other_timers_are_stale_and_not_removed() {
        let ours = Timers::new(1);
        let theirs = Timers::new(2);
        let (_, w) = waker();
        let key = theirs.insert(10, w.clone());
        let mine = ours.insert(10, w.clone());
        assert_eq!(ours.update(key, &w), TimerState::Stale);
        ours.remove(key);
        assert_eq!(
            ours.update(mine, &w),
            TimerState::Pending,
            "same slot, other timers"
        );
        assert_eq!(theirs.update(key, &w), TimerState::Pending);
    }

    #[test]
    fn clear_makes_old_keys_stale() {
        let timers = Timers::new(1);
        let (_, w) = waker();
        let key = timers.insert(10, w.clone());
        timers.clear();
        assert_eq!(timers.update(key, &w), TimerState::Stale);
        assert_eq!(timers.len(), 0);
    }
}
