//! Reading a body from the host (a response's for the client, a request's for the server),
//! chunk by chunk, then its trailers: `Incoming`, from the host layer.

pub(crate) use crate::sys::http::Incoming;

use crate::http::ErrorCode;

/// Why a body could not be read; the client turns it into its [`Error`](crate::http::Error).
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The host's error code.
    Code(ErrorCode),
    /// The host stopped waiting for more of the body.
    Timeout,
    /// Anything else, as the host described it.
    Failed(String),
}
