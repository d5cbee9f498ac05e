//! A set of futures polled only when they are woken: the core of `join_all`, `race_all`,
//! `as_completed` and `wait`.
//!
//! Each future gets a waker of its own that queues its index and wakes the task, so a wake-up
//! costs one poll of the future that asked for it, not of every future in the set.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::runtime::waker::{Wake, WakerRef};

/// Indices of the futures woken since they were last polled, and the task to tell.
struct Woken {
    indices: RefCell<VecDeque<usize>>,
    task: RefCell<Option<Waker>>,
}

/// What a future's waker points at.
struct Slot {
    index: usize,
    queued: Cell<bool>,
    woken: Rc<Woken>,
}

impl Wake for Slot {
    fn wake_by_ref(this: &Rc<Self>) {
        if this.queued.replace(true) {
            return;
        }
        this.woken.indices.borrow_mut().push_back(this.index);
        let task = this.woken.task.borrow().clone();
        if let Some(task) = task {
            task.wake();
        }
    }
}

pub(crate) struct Unordered<F> {
    futures: Vec<Option<Pin<Box<F>>>>,
    slots: Vec<Rc<Slot>>,
    woken: Rc<Woken>,
    pending: usize,
}

impl<F: Future> Unordered<F> {
    pub(crate) fn new(futures: impl IntoIterator<Item = F>) -> Self {
        let futures: Vec<_> = futures.into_iter().map(|f| Some(Box::pin(f))).collect();
        let woken = Rc::new(Woken {
            indices: RefCell::new((0..futures.len()).collect()),
            task: RefCell::new(None),
        });
        let slots = (0..futures.len())
            .map(|index| {
                Rc::new(Slot {
                    index,
                    queued: Cell::new(true),
                    woken: woken.clone(),
                })
            })
            .collect();
        Unordered {
            pending: futures.len(),
            futures,
            slots,
            woken,
        }
    }

    /// How many futures were given.
    pub(crate) fn len(&self) -> usize {
        self.futures.len()
    }

    /// The futures that have not completed, with their indices, in input order.
    pub(crate) fn into_pending(self) -> impl Iterator<Item = (usize, Pin<Box<F>>)> {
        self.futures
            .into_iter()
            .enumerate()
            .filter_map(|(index, future)| Some((index, future?)))
    }

    /// The next future to complete, with its index; `None` once all have. Polls at most as
    /// many futures as the set holds per call, so a future that keeps waking itself cannot
    /// keep this call from returning.
    pub(crate) fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<(usize, F::Output)>> {
        {
            let mut task = self.woken.task.borrow_mut();
            if !task.as_ref().is_some_and(|t| t.will_wake(cx.waker())) {
                *task = Some(cx.waker().clone());
            }
        }
        if self.pending == 0 {
            return Poll::Ready(None);
        }
        for _ in 0..self.futures.len() {
            let Some(index) = self.woken.indices.borrow_mut().pop_front() else {
                return Poll::Pending;
            };
            let slot = &self.slots[index];
            slot.queued.set(false);
            let Some(future) = self.futures[index].as_mut() else {
                continue;
            };
            let waker = WakerRef::new(slot);
            if let Poll::Ready(output) = future.as_mut().poll(&mut Context::from_waker(&waker)) {
                self.futures[index] = None;
                self.pending -= 1;
                return Poll::Ready(Some((index, output)));
            }
        }
        // Futures are still queued: come back after the other tasks had a turn.
        if !self.woken.indices.borrow().is_empty() {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}
