//! The FIFO of waiting futures every primitive in `sync` is built on.
//!
//! A waiter is a node in a slab, linked into a doubly-linked list in arrival order. Notifying
//! a waiter *unlinks* it but keeps its node, so the waiting future, when polled, sees that it
//! was chosen; a future dropped after being chosen but before using its turn hands the turn on
//! (each primitive decides how). Every operation is O(1).

use std::task::Waker;

use slab::Slab;

struct Node<T> {
    prev: Option<usize>,
    next: Option<usize>,
    linked: bool,
    waker: Option<Waker>,
    state: T,
}

/// Wakers gathered while a primitive is borrowed, to be woken once it is released. The first
/// needs no allocation, and it is by far the most common case.
#[derive(Default)]
pub(crate) struct Wakers {
    first: Option<Waker>,
    rest: Vec<Waker>,
}

impl Wakers {
    pub(crate) fn push(&mut self, waker: Option<Waker>) {
        let Some(waker) = waker else { return };
        if self.first.is_none() {
            self.first = Some(waker);
        } else {
            self.rest.push(waker);
        }
    }

    pub(crate) fn wake(self) {
        if let Some(first) = self.first {
            first.wake();
        }
        self.rest.into_iter().for_each(Waker::wake);
    }
}

/// How a waiter stands when its future is polled again (see [`WaitList::turn`]).
pub(crate) enum Turn<T> {
    /// Still queued. Holds the waker it replaced, if any, to be dropped once the caller has
    /// released its borrows.
    Waiting(Option<Waker>),
    /// Chosen: the waiter is forgotten, and this is its state.
    Chosen(T),
}

pub(crate) struct WaitList<T> {
    nodes: Slab<Node<T>>,
    head: Option<usize>,
    tail: Option<usize>,
    linked: usize,
}

impl<T> WaitList<T> {
    pub(crate) const fn new() -> Self {
        WaitList {
            nodes: Slab::new(),
            head: None,
            tail: None,
            linked: 0,
        }
    }

    /// Queues a waiter at the back; returns its key.
    pub(crate) fn push(&mut self, waker: &Waker, state: T) -> usize {
        let key = self.nodes.insert(Node {
            prev: self.tail,
            next: None,
            linked: true,
            waker: Some(waker.clone()),
            state,
        });
        match self.tail {
            Some(tail) => self.nodes[tail].next = Some(key),
            None => self.head = Some(key),
        }
        self.tail = Some(key);
        self.linked += 1;
        key
    }

    /// The waiter that has waited longest, if any is still queued.
    pub(crate) fn front(&self) -> Option<usize> {
        self.head
    }

    /// How many waiters are queued (not yet chosen).
    pub(crate) fn len(&self) -> usize {
        self.linked
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.linked == 0
    }

    /// Whether the waiter is still queued, that is, not chosen yet.
    pub(crate) fn is_queued(&self, key: usize) -> bool {
        self.nodes[key].linked
    }

    pub(crate) fn state(&self, key: usize) -> &T {
        &self.nodes[key].state
    }

    pub(crate) fn state_mut(&mut self, key: usize) -> &mut T {
        &mut self.nodes[key].state
    }

    /// Chooses a waiter: takes it out of the queue (its node stays) and returns its waker,
    /// to be woken once the caller has released its borrows.
    pub(crate) fn choose(&mut self, key: usize) -> Option<Waker> {
        self.unlink(key);
        self.nodes[key].waker.take()
    }

    /// Chooses every queued waiter, front to back.
    pub(crate) fn choose_all(&mut self) -> Wakers {
        let mut wakers = Wakers::default();
        self.choose_all_into(&mut wakers);
        wakers
    }

    /// Chooses every queued waiter, front to back, adding their wakers to `wakers`.
    pub(crate) fn choose_all_into(&mut self, wakers: &mut Wakers) {
        while let Some(key) = self.head {
            wakers.push(self.choose(key));
        }
    }

    /// Polls a waiter again: once it was chosen, forgets it and returns its state; while it is
    /// still queued, stores the waker it was polled with.
    pub(crate) fn turn(&mut self, key: usize, waker: &Waker) -> Turn<T> {
        if self.is_queued(key) {
            Turn::Waiting(self.set_waker(key, waker))
        } else {
            Turn::Chosen(self.remove(key))
        }
    }

    /// Stores the waker a waiter was last polled with; returns the one it replaces, if it
    /// differs, to be dropped once the caller has released its borrows.
    pub(crate) fn set_waker(&mut self, key: usize, waker: &Waker) -> Option<Waker> {
        replace_waker(&mut self.nodes[key].waker, waker)
    }

    /// Forgets a waiter (it completed or was dropped); returns its state.
    ///
    /// A waker still stored is dropped here, inside the caller's borrow. It is the waker of
    /// the task that owns the waiting future, which is alive (it is polling or dropping that
    /// future), so dropping one of its counts frees nothing and runs no user code.
    pub(crate) fn remove(&mut self, key: usize) -> T {
        self.unlink(key);
        self.nodes.remove(key).state
    }

    fn unlink(&mut self, key: usize) {
        let node = &mut self.nodes[key];
        if !node.linked {
            return;
        }
        node.linked = false;
        let (prev, next) = (node.prev.take(), node.next.take());
        match prev {
            Some(prev) => self.nodes[prev].next = next,
            None => self.head = next,
        }
        match next {
            Some(next) => self.nodes[next].prev = prev,
            None => self.tail = prev,
        }
        self.linked -= 1;
    }
}

/// Stores `waker` in `slot` unless the one there already wakes the same task; returns the one
/// it replaces, to be dropped once the caller has released its borrows (dropping a waker may
/// free another task, whose destructors may use the primitive).
pub(crate) fn replace_waker(slot: &mut Option<Waker>, waker: &Waker) -> Option<Waker> {
    match slot {
        Some(old) if old.will_wake(waker) => None,
        _ => slot.replace(waker.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(list: &WaitList<u32>) -> Vec<u32> {
        let mut out = Vec::new();
        let mut at = list.head;
        while let Some(key) = at {
            out.push(*list.state(key));
            at = list.nodes[key].next;
        }
        out
    }

    #[test]
    fn keeps_arrival_order_through_removals_from_anywhere() {
        let waker = Waker::noop();
        let mut list = WaitList::new();
        let keys: Vec<usize> = (0..5).map(|n| list.push(waker, n)).collect();
        assert_eq!(order(&list), [0, 1, 2, 3, 4]);
        assert_eq!(list.remove(keys[2]), 2);
        assert_eq!(list.remove(keys[0]), 0);
        assert_eq!(list.remove(keys[4]), 4);
        assert_eq!(order(&list), [1, 3]);
        assert_eq!(list.len(), 2);
        let again = list.push(waker, 9);
        assert_eq!(order(&list), [1, 3, 9]);
        assert_eq!(list.front(), Some(keys[1]));
        list.remove(again);
        list.remove(keys[1]);
        list.remove(keys[3]);
        assert!(list.is_empty());
        assert_eq!((list.head, list.tail), (None, None));
    }

    #[test]
    fn a_chosen_waiter_leaves_the_queue_but_keeps_its_node() {
        let waker = Waker::noop();
        let mut list = WaitList::new();
        let a = list.push(waker, 1);
        let b = list.push(waker, 2);
        assert!(list.choose(a).is_some());
        assert!(!list.is_queued(a));
        assert!(list.is_queued(b));
        assert_eq!(list.front(), Some(b));
        *list.state_mut(a) += 10;
        assert_eq!(list.remove(a), 11);
        assert!(list.choose_all().first.is_some());
        assert!(list.is_empty());
        assert_eq!(list.remove(b), 2);
    }

    #[test]
    fn turn_refreshes_a_queued_waiter_and_forgets_a_chosen_one() {
        let (a, b) = (waker(), waker());
        let mut list = WaitList::new();
        let key = list.push(&a, 7);
        assert!(matches!(list.turn(key, &a), Turn::Waiting(None)));
        assert!(matches!(list.turn(key, &b), Turn::Waiting(Some(old)) if old.will_wake(&a)));
        assert!(list.choose(key).is_some_and(|w| w.will_wake(&b)));
        assert!(matches!(list.turn(key, &a), Turn::Chosen(7)));
        assert!(list.is_empty());
        assert_eq!(list.push(&a, 8), key, "the node was freed");
    }

    /// A waker of its own, so that `will_wake` tells two of them apart.
    fn waker() -> Waker {
        struct Woken(std::sync::atomic::AtomicBool);
        impl std::task::Wake for Woken {
            fn wake(self: std::sync::Arc<Self>) {
                self.0.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
        Waker::from(std::sync::Arc::new(Woken(Default::default())))
    }

    #[test]
    fn set_waker_returns_only_a_replaced_waker() {
        let (a, b) = (waker(), waker());
        let mut list = WaitList::new();
        let key = list.push(&a, ());
        assert!(list.set_waker(key, &a).is_none(), "the same waker is kept");
        assert!(list.set_waker(key, &b).is_some_and(|old| old.will_wake(&a)));
        assert!(list.choose(key).is_some_and(|w| w.will_wake(&b)));
        assert!(
            list.set_waker(key, &a).is_none(),
            "a chosen waiter had none"
        );
    }
}
