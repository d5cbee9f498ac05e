//! The event loop and timers.

mod fairness;
mod lifecycle;
// `AsyncPollable` is WASI 0.2 only: WASI 0.3 has no pollables.
#[cfg(not(feature = "p3"))]
mod pollables;
mod stress;
mod task_group;
mod tasks;
mod time;
