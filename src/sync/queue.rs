//! `Queue`, `LifoQueue` and `PriorityQueue`: queues shared by producers and consumers
//! (`asyncio.Queue`, `LifoQueue`, `PriorityQueue`).
//!
//! The three are one machinery: waiters, reservations, `close`, `task_done`/`join` live in
//! `Core<T, O>`, and the order (`QueueOrder`: `Fifo`, `Lifo`, `Priority`) only decides where
//! an item is stored and which one comes out next, as asyncio's subclasses override `_put`
//! and `_get`. Everything is monomorphised: `Queue` costs what it cost as a FIFO alone.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::value_error::value_error;
use super::wait_list::{Turn, WaitList, Wakers};
use crate::runtime::poll_proceed;

mod sealed {
    pub trait Sealed {}
}

/// Which item a queue hands out next: [`Fifo`] ([`Queue`]), [`Lifo`] ([`LifoQueue`]) or
/// [`Priority`] ([`PriorityQueue`]). It appears in the types of the queues' futures
/// (`Get<'_, T, Lifo>`); its methods are wasio's own (the trait is sealed).
pub trait QueueOrder<T>: sealed::Sealed {
    #[doc(hidden)]
    type Items;
    #[doc(hidden)]
    const NAME: &'static str;
    #[doc(hidden)]
    fn new_items() -> Self::Items;
    #[doc(hidden)]
    fn push(items: &mut Self::Items, item: T);
    #[doc(hidden)]
    fn pop(items: &mut Self::Items) -> Option<T>;
    #[doc(hidden)]
    fn len(items: &Self::Items) -> usize;
}

/// First in, first out: the order of [`Queue`].
#[derive(Debug)]
pub enum Fifo {}

/// Last in, first out: the order of [`LifoQueue`].
#[derive(Debug)]
pub enum Lifo {}

/// Smallest first: the order of [`PriorityQueue`].
#[derive(Debug)]
pub enum Priority {}

impl sealed::Sealed for Fifo {}
impl sealed::Sealed for Lifo {}
impl sealed::Sealed for Priority {}

impl<T> QueueOrder<T> for Fifo {
    type Items = VecDeque<T>;
    const NAME: &'static str = "Queue";
    fn new_items() -> Self::Items {
        VecDeque::new()
    }
    #[inline]
    fn push(items: &mut Self::Items, item: T) {
        items.push_back(item);
    }
    #[inline]
    fn pop(items: &mut Self::Items) -> Option<T> {
        items.pop_front()
    }
    #[inline]
    fn len(items: &Self::Items) -> usize {
        items.len()
    }
}

impl<T> QueueOrder<T> for Lifo {
    type Items = Vec<T>;
    const NAME: &'static str = "LifoQueue";
    fn new_items() -> Self::Items {
        Vec::new()
    }
    #[inline]
    fn push(items: &mut Self::Items, item: T) {
        items.push(item);
    }
    #[inline]
    fn pop(items: &mut Self::Items) -> Option<T> {
        items.pop()
    }
    #[inline]
    fn len(items: &Self::Items) -> usize {
        items.len()
    }
}

impl<T: Ord> QueueOrder<T> for Priority {
    /// A max-heap of reversed items: the smallest on top, as in asyncio's `heapq`.
    type Items = BinaryHeap<Reverse<T>>;
    const NAME: &'static str = "PriorityQueue";
    fn new_items() -> Self::Items {
        BinaryHeap::new()
    }
    #[inline]
    fn push(items: &mut Self::Items, item: T) {
        items.push(Reverse(item));
    }
    #[inline]
    fn pop(items: &mut Self::Items) -> Option<T> {
        items.pop().map(|Reverse(item)| item)
    }
    #[inline]
    fn len(items: &Self::Items) -> usize {
        items.len()
    }
}

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
/// [`LifoQueue`] and [`PriorityQueue`] are the same queue handing out its items in another
/// order.
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
    core: Core<T, Fifo>,
}

/// A last-in first-out queue (`asyncio.LifoQueue`): [`get`](LifoQueue::get) takes the item
/// put most recently. Otherwise a [`Queue`]: bounded or not, `close`, `task_done`/`join`,
/// waiters served in arrival order, and a dropped waiting `get` or `put` loses nothing.
///
/// ```
/// # wasio::run(async {
/// use wasio::sync::LifoQueue;
///
/// let stack = LifoQueue::unbounded();
/// for n in 1..=3 {
///     stack.put(n).await.unwrap();
/// }
/// assert_eq!(stack.get().await, Ok(3));
/// assert_eq!(stack.get().await, Ok(2));
/// # });
/// ```
pub struct LifoQueue<T> {
    core: Core<T, Lifo>,
}

/// A queue that hands out its smallest item first (`asyncio.PriorityQueue`, a binary heap
/// as asyncio's `heapq`). Otherwise a [`Queue`]: bounded or not, `close`,
/// `task_done`/`join`, waiters served in arrival order, and a dropped waiting `get` or `put`
/// loses nothing.
///
/// Items are typically `(priority, data)` tuples, as in asyncio. Equal items come out in no
/// particular order; add a sequence number (`(priority, seq, data)`) to keep equal priorities
/// first-in first-out.
///
/// ```
/// # wasio::run(async {
/// use wasio::sync::PriorityQueue;
///
/// let jobs = PriorityQueue::unbounded();
/// jobs.put((2, "later")).await.unwrap();
/// jobs.put((0, "urgent")).await.unwrap();
/// jobs.put((1, "soon")).await.unwrap();
/// assert_eq!(jobs.get().await, Ok((0, "urgent")));
/// assert_eq!(jobs.get().await, Ok((1, "soon")));
/// # });
/// ```
pub struct PriorityQueue<T: Ord> {
    core: Core<T, Priority>,
}

/// What the three queues share: their state, behind one `Rc`.
struct Core<T, O: QueueOrder<T>> {
    shared: Rc<RefCell<Inner<T, O>>>,
}

struct Inner<T, O: QueueOrder<T>> {
    items: O::Items,
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

impl<T, O: QueueOrder<T>> Inner<T, O> {
    fn len(&self) -> usize {
        O::len(&self.items)
    }

    fn free_items(&self) -> usize {
        self.len() - self.reserved_items
    }

    fn free_slots(&self) -> usize {
        self.capacity
            .saturating_sub(self.len() + self.reserved_slots)
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
        O::push(&mut self.items, item);
        self.unfinished += 1;
        self.serve()
    }

    /// Takes the next item; returns it with the wakers of the waiters its slot serves.
    fn pop(&mut self) -> (Option<T>, Wakers) {
        let item = O::pop(&mut self.items);
        (item, self.serve())
    }
}

/// The error of `put` on a closed queue; it gives the item back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PutError<T>(pub T);

/// The error of `try_put`; it gives the item back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TryPutError<T> {
    /// The queue is full (or producers are already waiting for room).
    Full(T),
    /// The queue is closed.
    Closed(T),
}

/// The error of `get`: the queue is closed and empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QueueClosed;

/// The error of `try_get`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TryGetError {
    /// No item is available now.
    Empty,
    /// The queue is closed and empty.
    Closed,
}

/// The error of `task_done` called more times than items were put.
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

impl<T, O: QueueOrder<T>> Core<T, O> {
    fn new(maxsize: usize) -> Self {
        Self::with_capacity(if maxsize == 0 { usize::MAX } else { maxsize })
    }

    fn with_capacity(capacity: usize) -> Self {
        Core {
            shared: Rc::new(RefCell::new(Inner {
                items: O::new_items(),
                capacity,
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

    fn put(&self, item: T) -> Put<'_, T, O> {
        Put {
            shared: &self.shared,
            item: Some(item),
            key: None,
        }
    }

    fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
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

    fn get(&self) -> Get<'_, T, O> {
        Get {
            shared: &self.shared,
            key: None,
        }
    }

    fn try_get(&self) -> Result<T, TryGetError> {
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

    fn close(&self) {
        let woken = {
            let mut inner = self.shared.borrow_mut();
            inner.closed = true;
            inner.serve()
        };
        woken.wake();
    }

    fn is_closed(&self) -> bool {
        self.shared.borrow().closed
    }

    fn task_done(&self) -> Result<(), TaskDoneError> {
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

    fn join(&self) -> Join<'_, T, O> {
        Join {
            shared: &self.shared,
            key: None,
        }
    }

    fn len(&self) -> usize {
        self.shared.borrow().len()
    }

    fn is_full(&self) -> bool {
        self.shared.borrow().free_slots() == 0
    }

    fn capacity(&self) -> Option<usize> {
        let capacity = self.shared.borrow().capacity;
        (capacity != usize::MAX).then_some(capacity)
    }

    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.shared.borrow();
        f.debug_struct(O::NAME)
            .field("len", &inner.len())
            .field("capacity", &self.capacity())
            .field("closed", &inner.closed)
            .field("getters", &inner.getters.len())
            .field("putters", &inner.putters.len())
            .finish()
    }
}

/// The public methods of a queue type, each handing over to `Core`: written once for the
/// three (`$next` says which item `get` takes).
macro_rules! queue_methods {
    ($Queue:ident $(: $bound:path)?, $Order:ident, $next:literal) => {
        impl<T $(: $bound)?> $Queue<T> {
            /// A queue holding at most `maxsize` items; `0` means no limit, as in asyncio.
            pub fn new(maxsize: usize) -> Self {
                $Queue { core: Core::new(maxsize) }
            }

            /// A queue with no limit: `put` never waits.
            pub fn unbounded() -> Self {
                $Queue { core: Core::new(0) }
            }

            /// Puts `item` in the queue, waiting while the queue is full. Fails (giving the
            /// item back) once the queue is closed.
            pub fn put(&self, item: T) -> Put<'_, T, $Order> {
                self.core.put(item)
            }

            /// Puts `item` if there is room now and no producer is waiting.
            pub fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
                self.core.try_put(item)
            }

            #[doc = concat!("Takes ", $next, ", waiting while the queue is empty. Once the queue")]
            /// is closed and drained, fails with [`QueueClosed`].
            pub fn get(&self) -> Get<'_, T, $Order> {
                self.core.get()
            }

            #[doc = concat!("Takes ", $next, " if one is available now and no consumer is waiting.")]
            pub fn try_get(&self) -> Result<T, TryGetError> {
                self.core.try_get()
            }

            /// Closes the queue (asyncio's `shutdown`): later puts fail, waiting producers get
            /// their items back, and consumers receive what is left, then [`QueueClosed`].
            pub fn close(&self) {
                self.core.close()
            }

            /// Whether `close` was called.
            pub fn is_closed(&self) -> bool {
                self.core.is_closed()
            }

            /// Marks one item taken with `get` as processed (asyncio's `task_done`).
            pub fn task_done(&self) -> Result<(), TaskDoneError> {
                self.core.task_done()
            }

            /// Waits until every item put has been marked done with `task_done`.
            pub fn join(&self) -> Join<'_, T, $Order> {
                self.core.join()
            }

            /// Items in the queue (asyncio's `qsize`).
            pub fn len(&self) -> usize {
                self.core.len()
            }

            /// Whether the queue holds no item.
            pub fn is_empty(&self) -> bool {
                self.core.len() == 0
            }

            /// Whether a `put` would have to wait.
            pub fn is_full(&self) -> bool {
                self.core.is_full()
            }

            /// The most items the queue holds; `None` when unbounded.
            pub fn capacity(&self) -> Option<usize> {
                self.core.capacity()
            }
        }

        impl<T $(: $bound)?> Clone for $Queue<T> {
            fn clone(&self) -> Self {
                $Queue {
                    core: Core {
                        shared: self.core.shared.clone(),
                    },
                }
            }
        }

        impl<T $(: $bound)?> fmt::Debug for $Queue<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.core.fmt(f)
            }
        }
    };
}

queue_methods!(Queue, Fifo, "the item at the front (the oldest)");
queue_methods!(LifoQueue, Lifo, "the item put last");
queue_methods!(PriorityQueue: Ord, Priority, "the smallest item");

/// The future of `put` ([`Queue::put`], [`LifoQueue::put`], [`PriorityQueue::put`]).
#[must_use = "futures do nothing unless polled or .awaited"]
pub struct Put<'a, T, O: QueueOrder<T> = Fifo> {
    shared: &'a RefCell<Inner<T, O>>,
    item: Option<T>,
    key: Option<usize>,
}

// The item is only moved, never pinned.
impl<T, O: QueueOrder<T>> Unpin for Put<'_, T, O> {}

impl<T, O: QueueOrder<T>> Future for Put<'_, T, O> {
    type Output = Result<(), PutError<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        std::task::ready!(poll_proceed(cx));
        let this = &mut *self;
        let mut inner = this.shared.borrow_mut();
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

impl<T, O: QueueOrder<T>> Drop for Put<'_, T, O> {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        let mut inner = self.shared.borrow_mut();
        if inner.putters.remove(key) {
            // The slot promised to this producer goes to the next one.
            inner.reserved_slots -= 1;
        }
        let woken = inner.serve();
        drop(inner);
        woken.wake();
    }
}

impl<T, O: QueueOrder<T>> fmt::Debug for Put<'_, T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put")
            .field("waiting", &self.key.is_some())
            .finish()
    }
}

/// The future of `get` ([`Queue::get`], [`LifoQueue::get`], [`PriorityQueue::get`]).
#[must_use = "futures do nothing unless polled or .awaited"]
pub struct Get<'a, T, O: QueueOrder<T> = Fifo> {
    shared: &'a RefCell<Inner<T, O>>,
    key: Option<usize>,
}

impl<T, O: QueueOrder<T>> Future for Get<'_, T, O> {
    type Output = Result<T, QueueClosed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        std::task::ready!(poll_proceed(cx));
        let this = &mut *self;
        let mut inner = this.shared.borrow_mut();
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

impl<T, O: QueueOrder<T>> Drop for Get<'_, T, O> {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        let mut inner = self.shared.borrow_mut();
        if inner.getters.remove(key) {
            // The item reserved for this consumer goes to the next one.
            inner.reserved_items -= 1;
        }
        let woken = inner.serve();
        drop(inner);
        woken.wake();
    }
}

impl<T, O: QueueOrder<T>> fmt::Debug for Get<'_, T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get")
            .field("waiting", &self.key.is_some())
            .finish()
    }
}

/// The future of `join` ([`Queue::join`], [`LifoQueue::join`], [`PriorityQueue::join`]).
#[must_use = "futures do nothing unless polled or .awaited"]
pub struct Join<'a, T, O: QueueOrder<T> = Fifo> {
    shared: &'a RefCell<Inner<T, O>>,
    key: Option<usize>,
}

impl<T, O: QueueOrder<T>> Future for Join<'_, T, O> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        std::task::ready!(poll_proceed(cx));
        let this = &mut *self;
        let mut inner = this.shared.borrow_mut();
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

impl<T, O: QueueOrder<T>> Drop for Join<'_, T, O> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.shared.borrow_mut().joiners.remove(key);
        }
    }
}

impl<T, O: QueueOrder<T>> fmt::Debug for Join<'_, T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join")
            .field("waiting", &self.key.is_some())
            .finish()
    }
}
