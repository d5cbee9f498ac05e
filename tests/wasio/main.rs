//! wasio's integration tests, one component run under wasmtime (each test in its own process
//! under `cargo nextest run`; `cargo test` runs them in one).

mod common;
mod future;
mod http;
mod net;
mod runtime;
mod sync;
mod ws;
