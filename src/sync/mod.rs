//! Tasks talking to each other: queues, channels and locks, in asyncio's shapes.
//!
//! | asyncio | wasio |
//! |---|---|
//! | `asyncio.Queue` | [`Queue`] (bounded or unbounded, `task_done`/`join`, `close`) |
//! | `asyncio.LifoQueue`, `PriorityQueue` | [`LifoQueue`], [`PriorityQueue`] (a `Queue` handing out the newest or the smallest item) |
//! | `asyncio.Lock` | [`Mutex`] (the lock owns the data it guards) |
//! | `asyncio.Semaphore` | [`Semaphore`] (borrowed and owned permits) |
//! | `asyncio.Event` | [`Event`] |
//! | `asyncio.Condition` | [`Condition`] (a [`Mutex`] with `wait`, `wait_for`, `notify`, `notify_all`); [`Notify`] wakes one or all without a lock |
//! | `asyncio.Barrier` | [`Barrier`] |
//! | an `asyncio.Future` set once | [`oneshot`] |
//! | fan-out to every listener | [`broadcast`] (lagging receivers are told by how much) |
//! | the latest state, and changes to it | [`watch`] |
//!
//! Waiters are served in arrival order, and every wait is cancel-safe: dropping a pending
//! `get`, `put`, `lock`, `acquire`, `notified` or a `Condition`'s `wait` loses nothing, because an
//! item, a slot, a permit or a notification already handed to it passes to the next waiter.
//!
//! Everything here is single-threaded (`!Send`), like the event loop; share a primitive
//! between tasks with `Rc` (or by cloning [`Queue`] and the channel ends).

mod barrier;
pub mod broadcast;
mod condition;
mod event;
mod mutex;
mod notify;
pub mod oneshot;
mod queue;
mod semaphore;
mod value_error;
mod wait_list;
pub mod watch;

pub use barrier::{Barrier, BarrierWaitResult};
pub use condition::Condition;
pub use event::{Event, EventWait};
pub use mutex::{Mutex, MutexGuard, WouldBlock};
pub use notify::{Notified, Notify};
pub use queue::{
    Fifo, Get, Join, Lifo, LifoQueue, Priority, PriorityQueue, Put, PutError, Queue, QueueClosed,
    QueueOrder, TaskDoneError, TryGetError, TryPutError,
};
pub use semaphore::{
    Acquire, AcquireError, AcquireOwned, OwnedSemaphorePermit, Semaphore, SemaphorePermit,
    TryAcquireError,
};
