//! `oneshot`: one value from one task to another (an `asyncio.Future` with a single setter).

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::wait_list::replace_waker;
use crate::runtime::poll_proceed;

/// A channel for one value: the [`Sender`] sends it once, the [`Receiver`] awaits it.
///
/// ```
/// # wasio::run(async {
/// let (tx, rx) = wasio::sync::oneshot::channel();
/// wasio::spawn(async move { tx.send("done").ok() });
/// assert_eq!(rx.await, Ok("done"));
/// # });
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Rc::new(RefCell::new(Shared {
        value: None,
        sender_alive: true,
        receiver_alive: true,
        receiver_waker: None,
        sender_waker: None,
    }));
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver { shared },
    )
}

struct Shared<T> {
    value: Option<T>,
    sender_alive: bool,
    receiver_alive: bool,
    receiver_waker: Option<Waker>,
    sender_waker: Option<Waker>,
}

/// Sends the value of a [`oneshot`](self) channel.
pub struct Sender<T> {
    shared: Rc<RefCell<Shared<T>>>,
}

/// Receives the value of a [`oneshot`](self) channel; awaiting it yields the value.
pub struct Receiver<T> {
    shared: Rc<RefCell<Shared<T>>>,
}

/// The error of awaiting a [`Receiver`] whose [`Sender`] was dropped without sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecvError;

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the sender was dropped without sending")
    }
}

impl std::error::Error for RecvError {}

/// The error of [`Receiver::try_recv`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TryRecvError {
    /// Nothing sent yet.
    Empty,
    /// The sender was dropped without sending, or the value was already taken.
    Closed,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryRecvError::Empty => "nothing sent yet",
            TryRecvError::Closed => "the sender was dropped without sending",
        })
    }
}

impl std::error::Error for TryRecvError {}

impl<T> Sender<T> {
    /// Sends the value; gives it back if the receiver is gone or closed.
    pub fn send(self, value: T) -> Result<(), T> {
        let mut shared = self.shared.borrow_mut();
        if !shared.receiver_alive {
            return Err(value);
        }
        shared.value = Some(value);
        let waker = shared.receiver_waker.take();
        drop(shared);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Whether the receiver was dropped or closed, so a send would fail.
    pub fn is_closed(&self) -> bool {
        !self.shared.borrow().receiver_alive
    }

    /// Waits until the receiver is dropped or closed (to stop work nobody will receive).
    pub async fn closed(&self) {
        std::future::poll_fn(|cx| {
            std::task::ready!(poll_proceed(cx));
            let mut shared = self.shared.borrow_mut();
            if !shared.receiver_alive {
                return Poll::Ready(());
            }
            let old = replace_waker(&mut shared.sender_waker, cx.waker());
            drop(shared);
            drop(old);
            Poll::Pending
        })
        .await
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut shared = self.shared.borrow_mut();
        shared.sender_alive = false;
        let waker = shared.receiver_waker.take();
        drop(shared);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Receiver<T> {
    /// Takes the value if it was sent.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut shared = self.shared.borrow_mut();
        match shared.value.take() {
            Some(value) => Ok(value),
            None if shared.sender_alive => Err(TryRecvError::Empty),
            None => Err(TryRecvError::Closed),
        }
    }

    /// Refuses the value: a later `send` fails. A value already sent can still be taken.
    pub fn close(&mut self) {
        let waker = {
            let mut shared = self.shared.borrow_mut();
            shared.receiver_alive = false;
            shared.sender_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        std::task::ready!(poll_proceed(cx));
        let mut shared = self.shared.borrow_mut();
        if let Some(value) = shared.value.take() {
            return Poll::Ready(Ok(value));
        }
        if !shared.sender_alive {
            return Poll::Ready(Err(RecvError));
        }
        let old = replace_waker(&mut shared.receiver_waker, cx.waker());
        drop(shared);
        drop(old);
        Poll::Pending
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.close();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("closed", &self.is_closed())
            .finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = self.shared.borrow();
        f.debug_struct("Receiver")
            .field("sent", &shared.value.is_some())
            .field("sender_alive", &shared.sender_alive)
            .finish()
    }
}
