//! `broadcast`: every receiver gets every value, within a bounded backlog.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::value_error::value_error;
use super::wait_list::{Turn, WaitList, Wakers};
use crate::runtime::poll_proceed;

/// A channel whose every [`Receiver`] gets a clone of every value sent after it subscribed.
///
/// The channel keeps the last `capacity` values (at least one). A receiver that falls further
/// behind skips the oldest values and is told how many with [`RecvError::Lagged`], then
/// continues from the oldest value kept. Senders never wait.
///
/// ```
/// # wasio::run(async {
/// use wasio::sync::broadcast::{self, RecvError};
///
/// let (tx, mut rx) = broadcast::channel(2);
/// let mut late = tx.subscribe();
/// for n in 1..=3 {
///     tx.send(n).unwrap();
/// }
/// assert_eq!(rx.recv().await, Err(RecvError::Lagged(1))); // 1 was overwritten
/// assert_eq!(rx.recv().await, Ok(2));
/// assert_eq!(late.recv().await, Err(RecvError::Lagged(1)));
/// drop(tx);
/// assert_eq!(rx.recv().await, Ok(3));
/// assert_eq!(rx.recv().await, Err(RecvError::Closed));
/// # });
/// ```
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let shared = Rc::new(RefCell::new(Shared {
        values: VecDeque::with_capacity(capacity.max(1)),
        capacity: capacity.max(1),
        next: 0,
        senders: 1,
        receivers: 1,
        waiters: WaitList::new(),
    }));
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver { shared, next: 0 },
    )
}

struct Shared<T> {
    values: VecDeque<T>,
    capacity: usize,
    /// Sequence number the next value sent gets; the oldest kept is `next - values.len()`.
    next: u64,
    senders: usize,
    receivers: usize,
    waiters: WaitList<()>,
}

impl<T> Shared<T> {
    fn oldest(&self) -> u64 {
        self.next - self.values.len() as u64
    }
}

impl<T: Clone> Shared<T> {
    /// Takes the value a receiver at `next` reads next, moving it on.
    fn take(&self, next: &mut u64) -> Result<T, TryRecvError> {
        let oldest = self.oldest();
        if *next < oldest {
            let missed = oldest - *next;
            *next = oldest;
            return Err(TryRecvError::Lagged(missed));
        }
        match self.values.get((*next - oldest) as usize) {
            Some(value) => {
                *next += 1;
                Ok(value.clone())
            }
            None if self.senders == 0 => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }
}

/// Sends to every [`Receiver`] of a [`broadcast`](self) channel; clones share the channel.
pub struct Sender<T> {
    shared: Rc<RefCell<Shared<T>>>,
}

/// Receives every value of a [`broadcast`](self) channel; clones continue from the same point.
pub struct Receiver<T> {
    shared: Rc<RefCell<Shared<T>>>,
    next: u64,
}

/// The error of [`Sender::send`] when no receiver is left; it gives the value back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SendError<T>(pub T);

value_error!(SendError, "no receiver is left");

/// The error of [`Receiver::recv`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecvError {
    /// The receiver fell behind: this many values were dropped before it read them. The next
    /// `recv` returns the oldest value still kept.
    Lagged(u64),
    /// Every sender is gone and every value was received.
    Closed,
}

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecvError::Lagged(n) => write!(f, "the receiver lagged behind by {n} values"),
            RecvError::Closed => f.write_str("every sender is gone"),
        }
    }
}

impl std::error::Error for RecvError {}

/// The error of [`Receiver::try_recv`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TryRecvError {
    /// No new value yet.
    Empty,
    /// The receiver lagged behind by this many values (see [`RecvError::Lagged`]).
    Lagged(u64),
    /// Every sender is gone and every value was received.
    Closed,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => f.write_str("no new value yet"),
            TryRecvError::Lagged(n) => write!(f, "the receiver lagged behind by {n} values"),
            TryRecvError::Closed => f.write_str("every sender is gone"),
        }
    }
}

impl std::error::Error for TryRecvError {}

impl<T: Clone> Sender<T> {
    /// Sends `value` to every receiver; returns how many there are, or gives the value back
    /// when there is none.
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut shared = self.shared.borrow_mut();
        if shared.receivers == 0 {
            return Err(SendError(value));
        }
        // The value pushed out is dropped once the channel is released: its destructor may
        // use the channel.
        let evicted = if shared.values.len() == shared.capacity {
            shared.values.pop_front()
        } else {
            None
        };
        shared.values.push_back(value);
        shared.next += 1;
        let receivers = shared.receivers;
        let wakers = shared.waiters.choose_all();
        drop(shared);
        drop(evicted);
        wakers.wake();
        Ok(receivers)
    }

    /// A new receiver, which gets the values sent from now on.
    pub fn subscribe(&self) -> Receiver<T> {
        let mut shared = self.shared.borrow_mut();
        shared.receivers += 1;
        Receiver {
            shared: self.shared.clone(),
            next: shared.next,
        }
    }

    /// How many receivers exist.
    pub fn receiver_count(&self) -> usize {
        self.shared.borrow().receivers
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.borrow_mut().senders += 1;
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let wakers = {
            let mut shared = self.shared.borrow_mut();
            shared.senders -= 1;
            if shared.senders == 0 {
                shared.waiters.choose_all()
            } else {
                Wakers::default()
            }
        };
        wakers.wake();
    }
}

impl<T: Clone> Receiver<T> {
    /// Waits for the next value.
    pub fn recv(&mut self) -> Recv<'_, T> {
        Recv {
            receiver: self,
            key: None,
        }
    }

    /// Takes the next value if there is one.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.shared.borrow().take(&mut self.next)
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.shared.borrow_mut().receivers += 1;
        Receiver {
            shared: self.shared.clone(),
            next: self.next,
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.shared.borrow_mut().receivers -= 1;
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = self.shared.borrow();
        f.debug_struct("Sender")
            .field("receivers", &shared.receivers)
            .finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("next", &self.next)
            .finish()
    }
}

/// The future of [`Receiver::recv`].
#[must_use = "futures do nothing unless polled or .awaited"]
pub struct Recv<'a, T> {
    receiver: &'a mut Receiver<T>,
    key: Option<usize>,
}

impl<T: Clone> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        std::task::ready!(poll_proceed(cx));
        let this = &mut *self;
        let receiver = &mut *this.receiver;
        if let Some(key) = this.key {
            // Every send and the last sender's drop choose every waiter: one still queued has
            // nothing new to read.
            let turn = receiver.shared.borrow_mut().waiters.turn(key, cx.waker());
            match turn {
                Turn::Waiting(old) => {
                    drop(old);
                    return Poll::Pending;
                }
                Turn::Chosen(()) => this.key = None,
            }
        }
        // Values are cloned under a shared borrow: `Clone` may read the channel.
        let taken = receiver.shared.borrow().take(&mut receiver.next);
        match taken {
            Err(TryRecvError::Empty) => {
                this.key = Some(receiver.shared.borrow_mut().waiters.push(cx.waker(), ()));
                Poll::Pending
            }
            Ok(value) => Poll::Ready(Ok(value)),
            Err(TryRecvError::Lagged(n)) => Poll::Ready(Err(RecvError::Lagged(n))),
            Err(TryRecvError::Closed) => Poll::Ready(Err(RecvError::Closed)),
        }
    }
}

impl<T> Drop for Recv<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.receiver.shared.borrow_mut().waiters.remove(key);
        }
    }
}

impl<T> fmt::Debug for Recv<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recv")
            .field("waiting", &self.key.is_some())
            .finish()
    }
}
