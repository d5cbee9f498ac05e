//! WASI errors as `std::io::Error`s with a useful kind and the WASI code kept inside.

use std::fmt;
use std::io;

use wasip2::io::error::Error as StreamFailure;
use wasip2::io::streams::StreamError;
use wasip2::sockets::network::ErrorCode;

/// The `wasi:sockets` error code behind an [`io::Error`]: reach it with
/// [`io::Error::get_ref`] and `downcast_ref::<SocketError>()`, or with
/// [`net::error_code`](crate::net::error_code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocketError {
    code: ErrorCode,
}

impl SocketError {
    /// The WASI error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
}

impl fmt::Display for SocketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.code {
            ErrorCode::AccessDenied => {
                "access denied: the host did not grant this component the network \
                 (for wasmtime: -Sinherit-network, and -Sallow-ip-name-lookup for names)"
            }
            ErrorCode::NotSupported => "not supported by the host",
            ErrorCode::InvalidArgument => "invalid argument",
            ErrorCode::OutOfMemory => "out of memory",
            ErrorCode::Timeout => "timed out",
            ErrorCode::ConcurrencyConflict => "another operation on this socket is in progress",
            ErrorCode::NotInProgress => "no operation is in progress",
            ErrorCode::WouldBlock => "the operation would block",
            ErrorCode::InvalidState => "not valid in the socket's current state",
            ErrorCode::NewSocketLimit => "too many sockets",
            ErrorCode::AddressNotBindable => "the address cannot be bound here",
            ErrorCode::AddressInUse => "address in use",
            ErrorCode::RemoteUnreachable => "the remote address is unreachable",
            ErrorCode::ConnectionRefused => "connection refused",
            ErrorCode::ConnectionReset => "connection reset by the peer",
            ErrorCode::ConnectionAborted => "connection aborted",
            ErrorCode::DatagramTooLarge => "datagram too large",
            ErrorCode::NameUnresolvable => "the name does not resolve to any address",
            ErrorCode::TemporaryResolverFailure => "temporary failure in name resolution",
            ErrorCode::PermanentResolverFailure => {
                "permanent failure in name resolution (what wasmtime also says when it was not \
                 given -Sallow-ip-name-lookup)"
            }
            ErrorCode::Unknown => "unknown socket error",
        };
        write!(f, "{what} (wasi:sockets error-code {})", self.code.name())
    }
}

impl std::error::Error for SocketError {}

/// An `io::Error` for a WASI socket error code.
pub(crate) fn from_code(code: ErrorCode) -> io::Error {
    use io::ErrorKind as K;
    let kind = match code {
        ErrorCode::AccessDenied => K::PermissionDenied,
        ErrorCode::NotSupported => K::Unsupported,
        ErrorCode::InvalidArgument | ErrorCode::DatagramTooLarge => K::InvalidInput,
        ErrorCode::OutOfMemory => K::OutOfMemory,
        ErrorCode::Timeout => K::TimedOut,
        ErrorCode::ConcurrencyConflict => K::ResourceBusy,
        ErrorCode::WouldBlock => K::WouldBlock,
        ErrorCode::InvalidState => K::NotConnected,
        ErrorCode::AddressNotBindable => K::AddrNotAvailable,
        ErrorCode::AddressInUse => K::AddrInUse,
        ErrorCode::RemoteUnreachable => K::HostUnreachable,
        ErrorCode::ConnectionRefused => K::ConnectionRefused,
        ErrorCode::ConnectionReset => K::ConnectionReset,
        ErrorCode::ConnectionAborted => K::ConnectionAborted,
        ErrorCode::NameUnresolvable => K::NotFound,
        ErrorCode::NotInProgress
        | ErrorCode::NewSocketLimit
        | ErrorCode::TemporaryResolverFailure
        | ErrorCode::PermanentResolverFailure
        | ErrorCode::Unknown => K::Other,
    };
    io::Error::new(kind, SocketError { code })
}

/// An `io::Error` for a failed stream operation. WASI 0.2 gives only the host's description
/// (`network-error-code`, which would give the socket error code, is unstable), so the kind is
/// read from it where the host names one, as wasmtime does for resets and broken pipes.
pub(crate) fn from_failure(failure: StreamFailure) -> io::Error {
    // The first line describes the error; wasmtime appends its backtrace.
    let mut description = failure.to_debug_string();
    if let Some(end) = description.bytes().position(|b| b == b'\n') {
        description.truncate(end);
    }
    // A plain byte search: components that only serve HTTP carry no string-search engine.
    let mentions = |name: &str| {
        description
            .as_bytes()
            .windows(name.len())
            .any(|window| window == name.as_bytes())
    };
    let kind = [
        ("ConnectionReset", io::ErrorKind::ConnectionReset),
        ("Connection reset", io::ErrorKind::ConnectionReset),
        ("ConnectionAborted", io::ErrorKind::ConnectionAborted),
        ("BrokenPipe", io::ErrorKind::BrokenPipe),
        ("Broken pipe", io::ErrorKind::BrokenPipe),
        ("TimedOut", io::ErrorKind::TimedOut),
    ]
    .into_iter()
    .find(|(name, _)| mentions(name))
    .map_or(io::ErrorKind::Other, |(_, kind)| kind);
    io::Error::new(kind, description)
}

/// An `io::Error` for a write to a stream that failed or was closed.
pub(crate) fn from_write_error(error: StreamError) -> io::Error {
    match error {
        StreamError::Closed => io::Error::new(io::ErrorKind::BrokenPipe, "the stream is closed"),
        StreamError::LastOperationFailed(failure) => from_failure(failure),
    }
}
