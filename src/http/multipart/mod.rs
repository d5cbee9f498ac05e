//! multipart/form-data (RFC 7578): the parser both sides share, without I/O.
//!
//! A server reads an upload with [`Request::multipart`](crate::http::server::Request::multipart)
//! (aiohttp's `request.multipart()`), part by part, each part's content streamed; a client
//! sends one with a [`Form`](crate::http::Form) (aiohttp's `FormData`). Both rest on this
//! module: the [`Parser`] (bytes in, [`Event`]s out), the [`boundary`] of a content type, and
//! the [`MultipartLimits`] a body is read within.
//!
//! ## Why not multer
//!
//! [multer](https://crates.io/crates/multer) is the well-kept runtime-agnostic parser, and was
//! measured against this one (wasmtime 48, release builds, one run on a shared two-core
//! machine):
//!
//! - it is not sans-I/O: it owns a `Stream` of the body, which it requires to be `Send`; a
//!   wasio request body is not (it holds `Rc`s and WASI resources), so it has to be moved
//!   through a channel from a task of its own;
//! - it has no limit on the number of parts, which a body of many empty parts exploits;
//! - size: `examples/http_server` grows from 781 093 bytes to 816 167 with an `/upload`
//!   route on this parser (+35 KB, SHA-1 and JSON of the route included), and to 851 378 on
//!   multer (+70 KB: it brings `encoding_rs`, `mime`, `spin` and `futures-util`);
//! - speed: 50 MiB in 64 KiB chunks, parsed in memory: this parser 2.9 to 3.8 GB/s
//!   (memchr's `memmem`, with WebAssembly SIMD), multer 2.0 to 2.1 GB/s. Through the
//!   server, with curl uploading 50 MiB to `/upload`, both take 0.13 to 0.22 s: the socket
//!   and the route's SHA-1 dominate.

mod boundary;
mod error;
mod limits;
mod params;
mod parser;

pub use boundary::boundary;
pub(crate) use boundary::random_boundary;
pub use error::MultipartError;
pub use limits::MultipartLimits;
pub(crate) use params::{ext_value, param, quote};
pub use parser::{Event, Parser};
