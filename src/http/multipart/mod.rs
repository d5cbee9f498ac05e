//! multipart/form-data (RFC 7578): the parser both sides share, without I/O.
//!
//! A server reads an upload with [`Request::multipart`](crate::http::server::Request::multipart)
//! (aiohttp's `request.multipart()`), part by part, each part's content streamed; a client
//! sends one with a [`Form`](crate::http::Form) (aiohttp's `FormData`). Both rest on this
//! module: the [`Parser`] (bytes in, [`Event`]s out), the [`boundary`] of a content type, and
//! the [`MultipartLimits`] a body is read within.
//!
//! PARSER-CHOICE

mod boundary;
mod error;
mod limits;
mod params;
mod parser;

pub use boundary::boundary;
pub(crate) use boundary::random_boundary;
pub use error::MultipartError;
pub use limits::MultipartLimits;
pub(crate) use params::{param, quote};
pub use parser::{Event, Parser};
