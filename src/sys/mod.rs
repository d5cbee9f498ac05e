//! The host layer: what differs between WASI 0.2 and WASI 0.3. Everything above it (the
//! runtime, time, sync, HTTP, WebSockets) is written once.
//!
//! WASI 0.2 (`p2`) waits on pollables with one `wasi:io/poll.poll` call per turn of the event
//! loop. WASI 0.3 (`p3`: the cargo feature `p3`, or a `wasm32-wasip3` target; `build.rs` sets
//! `cfg(wasio_p3)`) has native async: host calls, streams and futures are waited on by
//! component-model tasks, and the event loop runs inside one.

#[cfg(not(wasio_p3))]
mod p2;
#[cfg(not(wasio_p3))]
pub(crate) use p2::*;

#[cfg(wasio_p3)]
mod p3;
#[cfg(wasio_p3)]
pub(crate) use p3::*;
