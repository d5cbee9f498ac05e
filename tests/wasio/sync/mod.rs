//! Queues, channels and locks.

mod cancel_safety;
mod channels;
mod mutex;
mod queue;
mod semaphore;
mod signals;
