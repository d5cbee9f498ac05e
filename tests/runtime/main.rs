//! The event loop and timers, run as a component under wasmtime (`cargo test`).

mod common;
mod fairness;
mod lifecycle;
mod pollables;
mod stress;
mod task_group;
mod tasks;
mod time;
