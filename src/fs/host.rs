//! What both backends' file calls (`sys::p2::fs`, `sys::p3::fs`) speak in: how a file is
//! opened, what a host failure is, and what a write stream's end reports.

use std::future::Future;
use std::io;
use std::pin::Pin;

use super::ErrorKind;

/// A host error: its kind and its `error-code` name.
pub(crate) type Failure = (ErrorKind, &'static str);

/// What a write stream's end reports once it is closed: under WASI 0.3 whether the host
/// wrote it all; under WASI 0.2 nothing more (the stream's own writes and flush report
/// failures).
pub(crate) type Finish = Pin<Box<dyn Future<Output = io::Result<()>>>>;

/// How a file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// For reading; it must exist.
    Read,
    /// For writing: created if missing, emptied if not.
    Create,
}
