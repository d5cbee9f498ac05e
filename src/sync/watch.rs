//! `watch`: the latest value, and a way to wait for it to change.

use std::cell::{Ref, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::value_error::value_error;
use super::wait_list::{Turn, WaitList};
use crate::runtime::poll_proceed;

/// A channel that holds one value: the [`Sender`] replaces it, [`Receiver`]s read the latest
/// and wait for changes (configuration, state, a shutdown flag).
///
/// ```
/// # wasio::run(async {
/// let (tx, mut rx) = wasio::sync::watch::channel("starting");
/// let watcher = wasio::spawn(async move {
///     rx.changed().await.unwrap();
///     *rx.borrow_and_update()
/// });
/// tx.send("ready").unwrap();
/// assert_eq!(watcher.await, Ok("ready"));
/// # });
/// ```
pub fn channel<T>(initial: T) -> (Sender<T>, Receiver<T>) {
    let shared = Rc::new(Shared {
        value: RefCell::new(initial),
        state: RefCell::new(State {
            version: 0,
            sender_alive: true,
            receivers: 1,
            waiters: WaitList::new(),
        }),
    });
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver { shared, seen: 0 },
    )
}

struct Shared<T> {
    value: RefCell<T>,
    state: RefCell<State>,
}

struct State {
    version: u64,
    sender_alive: bool,
    receivers: usize,
    waiters: WaitList<()>,
}

/// Replaces the value of a [`watch`](self) channel.
pub struct Sender<T> {
    shared: Rc<Shared<T>>,
}

/// Reads the value of a [`watch`](self) channel and waits for it to change.
pub struct Receiver<T> {
    shared: Rc<Shared<T>>,
    /// The version this receiver has seen.
    seen: u64,
}

/// The error of [`Sender::send`] when no receiver is left; it gives the value back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SendError<T>(pub T);

value_error!(SendError, "no receiver is left");

/// The error of [`Receiver::changed`]: the sender is gone, so the value will not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecvError;

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the sender is gone")
    }
}

impl std::error::Error for RecvError {}

impl<T> Sender<T> {
    /// Replaces the value and notifies every receiver; gives the value back when no receiver
    /// is left (see [`send_replace`](Sender::send_replace) to store it anyway).
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.shared.state.borrow().receivers == 0 {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Replaces the value, whether or not anyone receives; returns the old one.
    pub fn send_replace(&self, value: T) -> T {
        let old = self.shared.value.replace(value);
        self.notify();
        old
    }

    /// Changes the value in place and notifies every receiver.
    pub fn send_modify(&self, modify: impl FnOnce(&mut T)) {
        modify(&mut self.shared.value.borrow_mut());
        self.notify();
    }

    /// The current value. Do not hold the `Ref` across an `.await`: a `send` meanwhile would
    /// find the value borrowed.
    pub fn borrow(&self) -> Ref<'_, T> {
        self.shared.value.borrow()
    }

    /// A new receiver, which has seen the current value.
    pub fn subscribe(&self) -> Receiver<T> {
        let mut state = self.shared.state.borrow_mut();
        state.receivers += 1;
        Receiver {
            shared: self.shared.clone(),
            seen: state.version,
        }
    }

    /// How many receivers exist.
    pub fn receiver_count(&self) -> usize {
        self.shared.state.borrow().receivers
    }

    fn notify(&self) {
        let wakers = {
            let mut state = self.shared.state.borrow_mut();
            state.version += 1;
            state.waiters.choose_all()
        };
        wakers.wake();
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let wakers = {
            let mut state = self.shared.state.borrow_mut();
            state.sender_alive = false;
            state.waiters.choose_all()
        };
        wakers.wake();
    }
}

impl<T> Receiver<T> {
    /// The current value, without marking it seen. Do not hold the `Ref` across an `.await`.
    pub fn borrow(&self) -> Ref<'_, T> {
        self.shared.value.borrow()
    }

    /// The current value, marking it seen.
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        self.seen = self.shared.state.borrow().version;
        self.shared.value.borrow()
    }

    /// Whether a value was sent since this receiver last marked one seen.
    pub fn has_changed(&self) -> bool {
        self.shared.state.borrow().version != self.seen
    }

    /// Waits until a value this receiver has not seen is sent, and marks it seen. Fails once
    /// the sender is gone (after any unseen value was reported).
    pub fn changed(&mut self) -> Changed<'_, T> {
        Changed {
            receiver: self,
            key: None,
        }
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.shared.state.borrow_mut().receivers += 1;
        Receiver {
            shared: self.shared.clone(),
            seen: self.seen,
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.shared.state.borrow_mut().receivers -= 1;
    }
}

/// The future of [`Receiver::changed`].
#[must_use = "futures do nothing unless polled or .awaited"]
pub struct Changed<'a, T> {
    receiver: &'a mut Receiver<T>,
    key: Option<usize>,
}

impl<T> Future for Changed<'_, T> {
    type Output = Result<(), RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        std::task::ready!(poll_proceed(cx));
        let this = &mut *self;
        let mut state = this.receiver.shared.state.borrow_mut();
        if let Some(key) = this.key {
            // Every send and the sender's drop choose every waiter: one still queued has seen
            // no change.
            match state.waiters.turn(key, cx.waker()) {
                Turn::Waiting(old) => {
                    drop(state);
                    drop(old);
                    return Poll::Pending;
                }
                Turn::Chosen(()) => this.key = None,
            }
        }
        if state.version != this.receiver.seen {
            this.receiver.seen = state.version;
            return Poll::Ready(Ok(()));
        }
        if !state.sender_alive {
            return Poll::Ready(Err(RecvError));
        }
        this.key = Some(state.waiters.push(cx.waker(), ()));
        Poll::Pending
    }
}

impl<T> Drop for Changed<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.receiver.shared.state.borrow_mut().waiters.remove(key);
        }
    }
}

impl<T> fmt::Debug for Changed<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Changed")
            .field("waiting", &self.key.is_some())
            .finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("value", &*self.borrow())
            .finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("value", &*self.borrow())
            .field("seen", &self.seen)
            .finish()
    }
}
