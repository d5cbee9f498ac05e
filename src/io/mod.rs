//! Async byte streams over `wasi:io/streams`, with the `futures-io` traits the ecosystem uses.
//!
//! [`AsyncInputStream`] and [`AsyncOutputStream`] wrap any WASI stream (stdio, sockets, HTTP
//! bodies, files) as [`AsyncRead`] + [`AsyncBufRead`] and [`AsyncWrite`]. The traits and
//! their extension methods (`read_to_end`, `read_line`, `lines`, `write_all`, `flush`, ...),
//! [`copy`], [`BufReader`] and [`BufWriter`] are futures-lite's, re-exported here.
//!
//! | asyncio | wasio |
//! |---|---|
//! | `StreamReader.read(n)` / `.readline()` / `.readexactly(n)` | `read`, `read_line`, `read_exact` |
//! | `StreamWriter.write(b)` + `await drain()` | `write_all(b).await` |
//! | `sys.stdin`, `sys.stdout` | [`stdin`], [`stdout`], [`stderr`] |
//!
//! Errors are [`std::io::Error`]s; those that come from a socket carry the `wasi:sockets`
//! code as a [`SocketError`] inside.

pub(crate) mod read_buffer;
mod stdio;

pub use crate::sys::io::{AsyncInputStream, AsyncOutputStream, SocketError};
pub use futures_lite::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
    BufWriter, copy,
};
pub use stdio::{Stdin, stderr, stdin, stdout};
