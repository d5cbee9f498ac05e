//! The WASI 0.3 backend: native component-model async.
//!
//! # wasio's tasks and the component model's
//!
//! Under WASI 0.3 the host drives a component through *component-model tasks*: every call
//! into an async export (`wasi:http/handler.handle`, `wasi:cli/run.run`) is one, and
//! wit-bindgen runs a future for it, waiting on the host with the task's waitable set. A
//! host operation (an async import, a stream read) can only be started and waited on from
//! inside such a task, whose waitable set it joins; polling one anywhere else traps.
//!
//! So each wasio event loop runs as one future inside one component-model task: `run`
//! inside the task of the command's `run` export (see [`export_run!`](crate::export_run)),
//! and the wasi:http export makes one loop per request inside that request's task. wasio's
//! tasks are not wit-bindgen tasks: they live in their loop, with its run queue, timers and
//! budget, and their host operations join the waitable set of the task driving the loop. A
//! turn polls the runnable tasks; then the loop either has more to run (it wakes itself and
//! returns, and wit-bindgen hands it the host's next event, or lets the host run other
//! tasks, before polling it again), or waits for the earliest timer (one
//! `monotonic-clock.wait-until` for the whole heap) and for the host events its tasks wait
//! on. A task woken from another loop (a `Queue` shared by two requests, say) queues in its
//! own loop, and wakes that loop's component-model task, when it sleeps, by a doorbell of
//! wasio's own (`host_waker`). wit-bindgen's `spawn_local` is used only to keep a request's loop running after
//! its response has been returned.
//!
//! A synchronous export (std's `main`, behind `wasi:cli/run@0.2`) may not block, so `run`
//! needs the async `wasi:cli/run@0.3.0` export that [`export_run!`](crate::export_run) adds
//! (and `#[wasio::main]` adds by itself): it calls the program's `main` inside its task.

pub(crate) mod clock;
pub(crate) mod driver;
pub(crate) mod fs;
pub(crate) mod host_waker;
pub(crate) mod http;
pub(crate) mod io;
pub(crate) mod net;
pub(crate) mod random;
pub(crate) mod waiters;
