//! wasio's integration tests, one component run under wasmtime (each test in its own process
//! under `cargo nextest run`; `cargo test` runs them in one).

// Under WASI 0.3 the tests' `main` (libtest's) runs inside an async `wasi:cli/run` task.
wasio::export_run!();

mod common;
mod fs;
mod future;
mod host;
mod http;
mod net;
mod runtime;
mod sync;
#[cfg(feature = "tls")]
mod tls;
mod ws;
