//! `Event`: a flag tasks can wait for (`asyncio.Event`).

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::wait_list::{Turn, WaitList};
use crate::runtime::poll_proceed;

/// A flag that tasks wait to see set (`asyncio.Event`).
///
/// [`set`](Event::set) wakes every waiter; waiters woken by a `set` complete even if the flag
/// is cleared before they run, as in asyncio.
///
/// ```
/// # wasio::run(async {
/// use std::rc::Rc;
/// use wasio::sync::Event;
///
/// let ready = Rc::new(Event::new());
/// let waiter = {
///     let ready = ready.clone();
///     wasio::spawn(async move { ready.wait().await })
/// };
/// ready.set();
/// waiter.await.unwrap();
/// assert!(ready.is_set());
/// # });
/// ```
pub struct Event {
    inner: RefCell<Inner>,
}

struct Inner {
    set: bool,
    waiters: WaitList<()>,
}

impl Event {
    /// An event that is not set.
    pub const fn new() -> Self {
        Event {
            inner: RefCell::new(Inner {
                set: false,
                waiters: WaitList::new(),
            }),
        }
    }

    /// Sets the flag and wakes every waiter.
    pub fn set(&self) {
        let wakers = {
            let mut inner = self.inner.borrow_mut();
            inner.set = true;
            inner.waiters.choose_all()
        };
        wakers.wake();
    }

    /// Clears the flag: later waits wait for the next `set`.
    pub fn clear(&self) {
        self.inner.borrow_mut().set = false;
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        self.inner.borrow().set
    }

    /// Waits until the flag is set (at once if it is).
    pub fn wait(&self) -> EventWait<'_> {
        EventWait {
            event: self,
            key: None,
        }
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("set", &self.is_set())
            .finish()
    }
}

/// The future of [`Event::wait`].
#[must_use = "futures do nothing unless polled or .awaited"]
#[derive(Debug)]
pub struct EventWait<'a> {
    event: &'a Event,
    key: Option<usize>,
}

impl Future for EventWait<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        std::task::ready!(poll_proceed(cx));
        let this = &mut *self;
        let mut inner = this.event.inner.borrow_mut();
        match this.key.map(|key| inner.waiters.turn(key, cx.waker())) {
            Some(Turn::Waiting(old)) => {
                drop(inner);
                drop(old);
                Poll::Pending
            }
            Some(Turn::Chosen(())) => {
                this.key = None;
                Poll::Ready(())
            }
            None if inner.set => Poll::Ready(()),
            None => {
                this.key = Some(inner.waiters.push(cx.waker(), ()));
                Poll::Pending
            }
        }
    }
}

impl Drop for EventWait<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.event.inner.borrow_mut().waiters.remove(key);
        }
    }
}
