//! Futures waiting on one host operation in flight that any of them may poll (a listener's
//! next connections, a socket's next datagram): the operation is polled with the list's own
//! waker, which wakes every waiter, so none is left behind by a waiter that stopped polling.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::task::{Context, Waker};

use crate::runtime::waker::{Wake, WakerRef};

#[derive(Default)]
pub(crate) struct Waiters {
    list: RefCell<Vec<(u64, Waker)>>,
    next: Cell<u64>,
}

/// Where one waiting future stands: its place on the list, once it waits.
#[derive(Debug, Default)]
pub(crate) struct Place {
    id: Option<u64>,
}

impl Waiters {
    /// Polls `op` with the list's waker (`op` is the operation in flight).
    pub(crate) fn poll_with<R>(this: &Rc<Self>, op: impl FnOnce(&mut Context<'_>) -> R) -> R {
        let waker = WakerRef::new(this);
        op(&mut Context::from_waker(&waker))
    }

    /// Puts the future of `place` on the list, with its current waker.
    pub(crate) fn wait(&self, place: &mut Place, cx: &Context<'_>) {
        let id = *place.id.get_or_insert_with(|| {
            let id = self.next.get();
            self.next.set(id + 1);
            id
        });
        let mut list = self.list.borrow_mut();
        match list.iter_mut().find(|(w, _)| *w == id) {
            Some((_, waker)) if waker.will_wake(cx.waker()) => {}
            Some((_, waker)) => {
                let old = std::mem::replace(waker, cx.waker().clone());
                drop(list);
                drop(old);
            }
            None => list.push((id, cx.waker().clone())),
        }
    }

    /// Takes the future of `place` off the list (it is done, or stops waiting).
    pub(crate) fn leave(&self, place: &mut Place) {
        let Some(id) = place.id.take() else {
            return;
        };
        let mut list = self.list.borrow_mut();
        if let Some(at) = list.iter().position(|(w, _)| *w == id) {
            let (_, waker) = list.swap_remove(at);
            drop(list);
            drop(waker);
        }
    }

    /// Wakes every waiting future (each waits again if it still must).
    pub(crate) fn wake_all(&self) {
        let list = std::mem::take(&mut *self.list.borrow_mut());
        for (_, waker) in list {
            waker.wake();
        }
    }
}

impl Wake for Waiters {
    fn wake_by_ref(this: &Rc<Self>) {
        this.wake_all();
    }
}
