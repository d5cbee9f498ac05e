//! The event loop and timers.

mod fairness;
mod lifecycle;
mod names;
// Only a build whose panics unwind can contain them (scripts/test makes one with nightly).
#[cfg(panic = "unwind")]
mod panics;
// `AsyncPollable` is WASI 0.2 only: WASI 0.3 has no pollables.
#[cfg(not(feature = "p3"))]
mod pollables;
// `run_async` runs in the async exports of WASI 0.3; WASI 0.2 has none.
#[cfg(feature = "p3")]
mod run_async;
mod stress;
mod task_group;
mod tasks;
mod time;
