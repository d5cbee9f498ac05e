//! `Notify`: wake one task or all of them, without data.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::wait_list::{Turn, WaitList};
use crate::runtime::poll_proceed;

/// Wakes waiting tasks without passing data: the building block for a condition variable.
///
/// [`notify_one`](Notify::notify_one) wakes the waiter that has waited longest, or, when
/// nobody waits, stores one permit that the next [`notified`](Notify::notified) consumes at
/// once (so a notification sent just before the wait is not lost).
/// [`notify_waiters`](Notify::notify_waiters) wakes everyone waiting now and stores nothing.
/// A waiter dropped after being chosen by `notify_one` passes the notification on.
///
/// ```
/// # wasio::run(async {
/// use std::rc::Rc;
/// use wasio::sync::Notify;
///
/// let notify = Rc::new(Notify::new());
/// let waiter = {
///     let notify = notify.clone();
///     wasio::spawn(async move { notify.notified().await })
/// };
/// notify.notify_one();
/// waiter.await.unwrap();
/// # });
/// ```
pub struct Notify {
    inner: RefCell<Inner>,
}

struct Inner {
    permit: bool,
    /// `true` once a waiter was chosen by `notify_one` (its notification is passed on if the
    /// waiter is dropped); `false` for `notify_waiters`.
    waiters: WaitList<bool>,
}

impl Notify {
    /// A `Notify` with no stored permit.
    pub const fn new() -> Self {
        Notify {
            inner: RefCell::new(Inner {
                permit: false,
                waiters: WaitList::new(),
            }),
        }
    }

    /// Wakes the longest waiter, or stores a permit for the next `notified` (at most one).
    pub fn notify_one(&self) {
        let waker = self.inner.borrow_mut().notify_one();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Wakes every task waiting now; stores no permit. A [`Notified`] future counts as
    /// waiting from its first poll on: one created but not yet awaited misses this call.
    pub fn notify_waiters(&self) {
        let wakers = self.inner.borrow_mut().waiters.choose_all();
        wakers.wake();
    }

    /// Waits for a notification.
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            key: None,
        }
    }
}

impl Inner {
    fn notify_one(&mut self) -> Option<Waker> {
        match self.waiters.front() {
            Some(front) => {
                *self.waiters.state_mut(front) = true;
                self.waiters.choose(front)
            }
            None => {
                self.permit = true;
                None
            }
        }
    }
}

impl Default for Notify {
    fn default() -> Self {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("Notify")
            .field("permit", &inner.permit)
            .field("waiters", &inner.waiters.len())
            .finish()
    }
}

/// The future of [`Notify::notified`].
#[must_use = "futures do nothing unless polled or .awaited"]
#[derive(Debug)]
pub struct Notified<'a> {
    notify: &'a Notify,
    key: Option<usize>,
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        std::task::ready!(poll_proceed(cx));
        let this = &mut *self;
        let mut inner = this.notify.inner.borrow_mut();
        match this.key.map(|key| inner.waiters.turn(key, cx.waker())) {
            Some(Turn::Waiting(old)) => {
                drop(inner);
                drop(old);
                Poll::Pending
            }
            Some(Turn::Chosen(_)) => {
                this.key = None;
                Poll::Ready(())
            }
            None if inner.permit && inner.waiters.is_empty() => {
                inner.permit = false;
                Poll::Ready(())
            }
            None => {
                this.key = Some(inner.waiters.push(cx.waker(), false));
                Poll::Pending
            }
        }
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        let mut inner = self.notify.inner.borrow_mut();
        let chosen_by_notify_one = inner.waiters.remove(key);
        let waker = if chosen_by_notify_one {
            inner.notify_one()
        } else {
            None
        };
        drop(inner);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}
