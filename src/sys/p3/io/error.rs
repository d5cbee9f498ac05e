//! WASI 0.3 socket errors as `std::io::Error`s with a useful kind and the WASI code inside.

use std::fmt;
use std::io;

use wasip3::sockets::types::ErrorCode;

/// The `wasi:sockets` error code behind an [`io::Error`]: reach it with
/// [`io::Error::get_ref`] and `downcast_ref::<SocketError>()`, or with
/// [`net::error_code`](crate::net::error_code).
///
/// Under WASI 0.3 the code is `wasi:sockets/types@0.3.0`'s, whose `other` case carries the
/// host's description: it is `Clone`, not `Copy` as under WASI 0.2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketError {
    code: ErrorCode,
}

impl SocketError {
    /// The WASI error code.
    pub fn code(&self) -> ErrorCode {
        self.code.clone()
    }
}

impl fmt::Display for SocketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.code {
            ErrorCode::AccessDenied => {
                "access denied: the host did not grant this component the network \
                 (for wasmtime: -Sinherit-network, and -Sallow-ip-name-lookup for names)"
            }
            ErrorCode::NotSupported => "not supported by the host",
            ErrorCode::InvalidArgument => "invalid argument",
            ErrorCode::OutOfMemory => "out of memory",
            ErrorCode::Timeout => "timed out",
            ErrorCode::InvalidState => "not valid in the socket's current state",
            ErrorCode::AddressNotBindable => "the address cannot be bound here",
            ErrorCode::AddressInUse => "address in use",
            ErrorCode::RemoteUnreachable => "the remote address is unreachable",
            ErrorCode::ConnectionRefused => "connection refused",
            ErrorCode::ConnectionBroken => "the connection broke",
            ErrorCode::ConnectionReset => "connection reset by the peer",
            ErrorCode::ConnectionAborted => "connection aborted",
            ErrorCode::DatagramTooLarge => "datagram too large",
            ErrorCode::Other(Some(detail)) => return write!(f, "socket error: {detail}"),
            ErrorCode::Other(None) => "unknown socket error",
        };
        write!(f, "{what} (wasi:sockets error-code {:?})", self.code)
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
        ErrorCode::InvalidState => K::NotConnected,
        ErrorCode::AddressNotBindable => K::AddrNotAvailable,
        ErrorCode::AddressInUse => K::AddrInUse,
        ErrorCode::RemoteUnreachable => K::HostUnreachable,
        ErrorCode::ConnectionRefused => K::ConnectionRefused,
        ErrorCode::ConnectionBroken => K::BrokenPipe,
        ErrorCode::ConnectionReset => K::ConnectionReset,
        ErrorCode::ConnectionAborted => K::ConnectionAborted,
        ErrorCode::Other(_) => K::Other,
    };
    io::Error::new(kind, SocketError { code })
}
