//! Queues, channels and locks.

mod cancel_safety;
mod channels;
mod condition;
mod mutex;
mod queue;
mod queue_orders;
mod semaphore;
mod signals;
