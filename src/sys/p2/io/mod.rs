//! Byte streams over `wasi:io/streams`, stdio's streams, and WASI errors as `std::io::Error`s.

pub(crate) mod error;
mod input;
mod output;
pub(crate) mod stdio;

pub use error::SocketError;
pub use input::AsyncInputStream;
pub use output::AsyncOutputStream;
pub(crate) use output::BLOCKING_WRITE_MAX;
