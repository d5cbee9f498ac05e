//! `Queue`: a FIFO queue shared by producers and consumers (`asyncio.Queue`).

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

/// A first-in first-out queue for many producers and many consumers (`asyncio.Queue`).
///
/// Bounded queues give backpressure: [`put`](Queue::put) waits while the queue is full.
/// [`get`](Queue::get) waits while it is empty. Waiting producers and consumers are served in
/// arrival order, and a waiting `get` or `put` that is dropped loses nothing: an item or a
/// free slot it was promised passes to the next waiter.
///
/// [`close`](Queue::close) (asyncio's `shutdown`) makes every later `put` fail, wakes every
/// waiter, and lets consumers drain what is left before they see
/// [`QueueClosed`]. [`task_done`](Queue::task_done) and [`join`](Queue::join) track
/// when every item put has been processed. Clones share the same queue.
///
/// ```
/// # wasio::run(async {
/// use wasio::sync::Queue;
///
/// let queue = Queue::new(2);
/// let consumer = {
///     let queue = queue.clone();
///     wasio::spawn(async move {
///         let mut total = 0;
///         while let Ok(n) = queue.get().await {
///             total += n;
///             queue.task_done().unwrap();
///         }
///         total
///     })
/// };
/// for n in 1..=10 {
///     queue.put(n).await.unwrap(); // waits while two items are queued
/// }
/// queue.join().await; // every item processed
/// queue.close();
/// assert_eq!(consumer.await, Ok(55));
/// # });
/// ```
pub struct Queue<T> {
    shared: Rc<RefCell<Inner<T>>>,
}

struct Inner<T> {
    items: VecDeque<T>,
    /// `usize::MAX` when unbounded.
    capacity: usize,
    closed: bool,
    /// Waiting consumers; `true` once an item is reserved for one.
    getters: WaitList<bool>,
    /// Waiting producers; `true` once a free slot is reserved for one.
    putters: WaitList<bool>,
    /// Items promised to consumers that were woken but have not run yet.
    reserved_items: usize,
    /// Slots promised to producers that were woken but have not run yet.
    reserved_slots: usize,
    /// Items put and not yet marked done.
    unfinished: usize,
    joiners: WaitList<()>,
}

impl<T> Inner<T> {
    fn free_items(&self) -> usize {
        self.items.len() - self.reserved_items
    }

    fn free_slots(&self) -> usize {
        self.capacity
            .saturating_sub(self.items.len() + self.reserved_slots)
    }

    /// Promises items to waiting consumers and slots to waiting producers, in arrival order;
    /// once closed, wakes everyone. Returns the wakers to call after the borrow ends.
    fn serve(&mut self) -> Wakers {
        let mut woken = Wakers::default();
        if self.getters.is_empty() && self.putters.is_empty() {
            return woken;
        }
        while let Some(front) = self.getters.front() {
            if self.free_items() == 0 {
                break;
            }
            self.reserved_items += 1;
            *self.getters.state_mut(front) = true;
            woken.push(self.getters.choose(front));
        }
        while let Some(front) = self.putters.front() {
            if self.closed || self.free_slots() == 0 {
                break;
            }
            self.reserved_slots += 1;
            *self.putters.state_mut(front) = true;
            woken.push(self.putters.choose(front));
        }
        if self.closed {
            self.getters.choose_all_into(&mut woken);
            self.putters.choose_all_into(&mut woken);
        }
        woken
    }

    fn push(&mut self, item: T) -> Wakers {
        self.items.push_back(item);
        self.unfinished += 1;
        self.serve()
    }

    /// Takes the item at the front; returns it with the wakers of the waiters its slot serves.
    fn pop(&mut self) -> (Option<T>, Wakers) {
        let item = self.items.pop_front();
        (item, self.serve())
    }
}

/// The error of [`Queue::put`] on a closed queue; it gives the item back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PutError<T>(pub T);

/// The error of [`Queue::try_put`]; it gives the item back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TryPutError<T> {
    /// The queue is full (or producers are already waiting for room).
    Full(T),
    /// The queue is closed.
    Closed(T),
}

/// The error of [`Queue::get`]: the queue is closed and empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QueueClosed;

/// The error of [`Queue::try_get`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TryGetError {
    /// No item is available now.
    Empty,
    /// The queue is closed and empty.
    Closed,
}

/// The error of [`Queue::task_done`] called more times than items were put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskDoneError;

value_error!(PutError, "the queue is closed");

impl<T> TryPutError<T> {
    /// The item that was not put.
    pub fn into_inner(self) -> T {
        match self {
            TryPutError::Full(item) | TryPutError::Closed(item) => item,
        }
    }
}

impl<T> fmt::Debug for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryPutError::Full(_) => "Full(..)",
            TryPutError::Closed(_) => "Closed(..)",
        })
    }
}

impl<T> fmt::Display for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryPutError::Full(_) => "the queue is full",
            TryPutError::Closed(_) => "the queue is closed",
        })
    }
}

impl<T> std::error::Error for TryPutError<T> {}

impl fmt::Display for QueueClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is closed and empty")
    }
}

impl std::error::Error for QueueClosed {}

impl fmt::Display for TryGetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryGetError::Empty => "the queue is empty",
            TryGetError::Closed => "the queue is closed and empty",
        })
    }
}

impl std::error::Error for TryGetError {}

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done called more times than items were put")
    }
}

impl std::error::Error for TaskDoneError {}

impl<T> Queue<T> {
    /// A queue holding at most `maxsize` items; `0` means no limit, as in asyncio.
    pub fn new(maxsize: usize) -> Self {
        Self::with_capacity(if maxsize == 0 { None } else { Some(maxsize) })
    }

    /// A queue with no limit: `put` never waits.
    pub fn unbounded() -> Self {
        Self::with_capacity(None)
    }

    fn with_capacity(capacity: Option<usize>) -> Self {
        Queue {
            shared: Rc::new(RefCell::new(Inner {
                items: VecDeque::new(),
                capacity: capacity.unwrap_or(usize::MAX),
                closed: false,
                getters: WaitList::new(),
                putters: WaitList::new(),
                reserved_items: 0,
                reserved_slots: 0,
                unfinished: 0,
                joiners: WaitList::new(),
            })),
        }
    }

    /// Puts `item` at the back, waiting while the queue is full. Fails (giving the item back)
    /// once the queue is closed.
    pub fn put(&self, item: T) -> Put<'_, T> {
        Put {
            queue: self,
            item: Some(item),
            key: None,
        }
    }

    /// Puts `item` if there is room now.
    pub fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
        let mut inner = self.shared.borrow_mut();
        if inner.closed {
            return Err(TryPutError::Closed(item));
        }
        if !inner.putters.is_empty() || inner.free_slots() == 0 {
            return Err(TryPutError::Full(item));
        }
        let woken = inner.push(item);
        drop(inner);
        woken.wake();
        Ok(())
    }

    /// Takes the item at the front, waiting while the queue is empty. Once the queue is closed
    /// and drained, fails with [`QueueClosed`].
    pub fn get(&self) -> Get<'_, T> {
        Get {
            queue: self,
            key: None,
        }
    }

    /// Takes the item at the front if one is available now.
    pub fn try_get(&self) -> Result<T, TryGetError> {
        let mut inner = self.shared.borrow_mut();
        if inner.getters.is_empty() && inner.free_items() > 0 {
            let (item, woken) = inner.pop();
            drop(inner);
            woken.wake();
            return item.ok_or(TryGetError::Empty);
        }
        Err(if inner.closed {
            TryGetError::Closed
        } else {
            TryGetError::Empty
        })
    }

    /// Closes the queue (asyncio's `shutdown`): later puts fail, waiting producers get their
    /// items back, and consumers receive what is left, then [`QueueClosed`].
    pub fn close(&self) {
        let woken = {
            let mut inner = self.shared.borrow_mut();
            inner.closed = true;
            inner.serve()
        };
        woken.wake();
    }

    /// Whether [`close`](Queue::close) was called.
    pub fn is_closed(&self) -> bool {
        self.shared.borrow().closed
    }

    /// Marks one item taken with `get` as processed (asyncio's `task_done`).
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        let mut inner = self.shared.borrow_mut();
        if inner.unfinished == 0 {
            return Err(TaskDoneError);
        }
        inner.unfinished -= 1;
        let woken = if inner.unfinished == 0 {
            inner.joiners.choose_all()
        } else {
            Wakers::default()
        };
        drop(inner);
        woken.wake();
        Ok(())
    }

    /// Waits until every item put has been marked done with [`task_done`](Queue::task_done).
    pub fn join(&self) -> Join<'_, T> {
        Join {
            queue: self,
            key: None,
        }
    }

    /// Items in the queue (asyncio's `qsize`).
    pub fn len(&self) -> usize {
        self.shared.borrow().items.len()
    }

    /// Whether the queue holds no item.
    pub fn is_empty(&self) -> bool {
        self.shared.borrow().items.is_empty()
    }

    /// Whether a `put` would have to wait.
    pub fn is_full(&self) -> bool {
        self.shared.borrow().free_slots() == 0
    }

    /// The most items the queue holds; `None` when unbounded.
    pub fn capacity(&self) -> Option<usize> {
        let capacity = self.shared.borrow().capacity;
        (capacity != usize::MAX).then_some(capacity)
    }
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue {
            shared: self.shared.clone(),
        }
    }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.shared.borrow();
        f.debug_struct("Queue")
            .field("len", &inner.items.len())
            .field("capacity", &self.capacity())
            .field("closed", &inner.closed)
            .field("getters", &inner.getters.len())
            .field("putters", &inner.putters.len())
            .finish()
    }
}

/// The future of [`Queue::put`].
#[must_use = "futures do nothing unless polled or .awaited"]
pub struct Put<'a, T> {
    queue: &'a Queue<T>,
    item: Option<T>,
    key: Option<usize>,
}

// The item is only moved, never pinned.
impl<T> Unpin for Put<'_, T> {}

impl<T> Future for Put<'_, T> {
    type Output = Result<(), PutError<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        std::task::ready!(poll_proceed(cx));
        let this = &mut *self;
        let mut inner = this.queue.shared.borrow_mut();
        let may_put = match this.key.map(|key| inner.putters.turn(key, cx.waker())) {
            Some(Turn::Waiting(old)) => {
                drop(inner);
                drop(old);
                return Poll::Pending;
            }
            Some(Turn::Chosen(reserved)) => {
                this.key = None;
                if reserved {
                    inner.reserved_slots -= 1;
                }
                !inner.closed
            }
            None if inner.closed => false,
            None if inner.putters.is_empty() && inner.free_slots() > 0 => true,
            None => {
                this.key = Some(inner.putters.push(cx.waker(), false));
                return Poll::Pending;
            }
        };
        let Some(item) = this.item.take() else {
            panic!("Put polled after it completed");
        };
        if !may_put {
            return Poll::Ready(Err(PutError(item)));
        }
        let woken = inner.push(item);
        drop(inner);
        woken.wake();
        Poll::Ready(Ok(()))
    }
}

impl<T> Drop for Put<'_, T> {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        let mut inner = self.queue.shared.borrow_mut();
        if inner.putters.remove(key) {
            // The slot promised to this producer goes to the next one.
            inner.reserved_slots -= 1;
        }
        let woken = inner.serve();
        drop(inner);
        woken.wake();
    }
}

impl<T> fmt::Debug for Put<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put")
            .field("waiting", &self.key.is_some())
            .finish()
    }
}

/// The future of [`Queue::get`].
#[must_use = "futures do nothing unless polled or .awaited"]
pub struct Get<'a, T> {
    queue: &'a Queue<T>,
    key: Option<usize>,
}

impl<T> Future for Get<'_, T> {
    type Output = Result<T, QueueClosed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        std::task::ready!(poll_proceed(cx));
        let this = &mut *self;
        let mut inner = this.queue.shared.borrow_mut();
        let reserved = match this.key.map(|key| inner.getters.turn(key, cx.waker())) {
            Some(Turn::Waiting(old)) => {
                drop(inner);
                drop(old);
                return Poll::Pending;
            }
            Some(Turn::Chosen(reserved)) => {
                this.key = None;
                reserved
            }
            None => false,
        };
        if reserved {
            // An item was reserved for this consumer: it is there.
            inner.reserved_items -= 1;
        }
        // Otherwise woken by `close`, or a first poll: take a free item, or wait unless closed.
        if reserved || (inner.getters.is_empty() && inner.free_items() > 0) {
            let (item, woken) = inner.pop();
            drop(inner);
            woken.wake();
            return Poll::Ready(item.ok_or(QueueClosed));
        }
        if inner.closed {
            return Poll::Ready(Err(QueueClosed));
        }
        this.key = Some(inner.getters.push(cx.waker(), false));
        Poll::Pending
    }
}

impl<T> Drop for Get<'_, T> {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        let mut inner = self.queue.shared.borrow_mut();
        if inner.getters.remove(key) {
            // The item reserved for this consumer goes to the next one.
            inner.reserved_items -= 1;
        }
        let woken = inner.serve();
        drop(inner);
        woken.wake();
    }
}

impl<T> fmt::Debug for Get<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get")
            .field("waiting", &self.key.is_some())
            .finish()
    }
}

/// The future of [`Queue::join`].
#[must_use = "futures do nothing unless polled or .awaited"]
pub struct Join<'a, T> {
    queue: &'a Queue<T>,
    key: Option<usize>,
}

impl<T> Future for Join<'_, T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        std::task::ready!(poll_proceed(cx));
        let this = &mut *self;
        let mut inner = this.queue.shared.borrow_mut();
        match this.key.map(|key| inner.joiners.turn(key, cx.waker())) {
            Some(Turn::Waiting(old)) => {
                drop(inner);
                drop(old);
                Poll::Pending
            }
            // Woken when the count reached zero: done, even if items were put since.
            Some(Turn::Chosen(())) => {
                this.key = None;
                Poll::Ready(())
            }
            None if inner.unfinished == 0 => Poll::Ready(()),
            None => {
                this.key = Some(inner.joiners.push(cx.waker(), ()));
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for Join<'_, T> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.queue.shared.borrow_mut().joiners.remove(key);
        }
    }
}

impl<T> fmt::Debug for Join<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join")
            .field("waiting", &self.key.is_some())
            .finish()
    }
}
