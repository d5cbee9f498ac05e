//! The one deadline structure every timer shares.
//!
//! Pending sleeps live in a map ordered by (deadline, registration order). The reactor turns
//! only the earliest deadline into a monotonic-clock pollable, so 100 000 sleeps cost one host
//! handle, not 100 000. A sleep whose key is gone from the map has fired.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::task::Waker;

/// Identifies one registered timer: its deadline (monotonic nanoseconds) and a tie-breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TimerKey {
    deadline: u64,
    seq: u64,
    generation: u64,
}

/// What became of a registered timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimerState {
    Pending,
    Fired,
    /// Registered with a runtime that has since shut down: register again.
    Stale,
}

pub(crate) struct Timers {
    map: RefCell<BTreeMap<TimerKey, Waker>>,
    next_seq: Cell<u64>,
    /// Bumped by `clear`, so keys from an earlier run are told apart from fired ones.
    generation: Cell<u64>,
    /// Wakers of fired timers, woken after the map is released; kept to reuse its allocation.
    fired: RefCell<Vec<Waker>>,
}

impl Timers {
    pub(crate) const fn new() -> Self {
        Timers {
            map: RefCell::new(BTreeMap::new()),
            next_seq: Cell::new(0),
            generation: Cell::new(0),
            fired: RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn insert(&self, deadline: u64, waker: Waker) -> TimerKey {
        let seq = self.next_seq.get();
        self.next_seq.set(seq + 1);
        let key = TimerKey {
            deadline,
            seq,
            generation: self.generation.get(),
        };
        self.map.borrow_mut().insert(key, waker);
        key
    }

    /// Replaces the waker of a pending timer, or tells that it fired or went stale.
    pub(crate) fn update(&self, key: TimerKey, waker: &Waker) -> TimerState {
        if key.generation != self.generation.get() {
            return TimerState::Stale;
        }
        let mut map = self.map.borrow_mut();
        let Some(slot) = map.get_mut(&key) else {
            return TimerState::Fired;
        };
        if !slot.will_wake(waker) {
            let old = std::mem::replace(slot, waker.clone());
            drop(map);
            drop(old);
        }
        TimerState::Pending
    }

    pub(crate) fn remove(&self, key: TimerKey) {
        let old = self.map.borrow_mut().remove(&key);
        drop(old);
    }

    pub(crate) fn earliest(&self) -> Option<u64> {
        self.map.borrow().first_key_value().map(|(k, _)| k.deadline)
    }

    pub(crate) fn len(&self) -> usize {
        self.map.borrow().len()
    }

    /// Removes every timer due at `now` and wakes its task, in deadline order; returns how
    /// many fired.
    pub(crate) fn fire(&self, now: u64) -> usize {
        let mut fired = std::mem::take(&mut *self.fired.borrow_mut());
        {
            let mut map = self.map.borrow_mut();
            while let Some(entry) = map.first_entry() {
                if entry.key().deadline > now {
                    break;
                }
                fired.push(entry.remove());
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
        let map = std::mem::take(&mut *self.map.borrow_mut());
        drop(map);
    }
}
