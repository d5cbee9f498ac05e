//! The event loop and timers.

mod fairness;
mod lifecycle;
mod pollables;
mod stress;
mod task_group;
mod tasks;
mod time;
