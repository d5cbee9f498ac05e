//! Byte streams over WASI 0.3 `stream<u8>`s, stdio's streams, and WASI errors as
//! `std::io::Error`s.

pub(crate) mod error;
mod input;
mod output;
pub(crate) mod stdio;

pub use error::SocketError;
pub use input::AsyncInputStream;
pub use output::AsyncOutputStream;
pub(crate) use output::Closer;
