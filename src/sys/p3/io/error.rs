//! WASI 0.3 socket errors as `std::io::Error`s with a useful kind and the WASI code inside.

use std::fmt;
use std::io;

use wasip3::sockets::ip_name_lookup::ErrorCode as LookupCode;
use wasip3::sockets::types::ErrorCode as WasiCode;

/// What went wrong with a socket or a name lookup: the cases of `wasi:sockets@0.3.0`'s
/// `error-code`, and of its `ip-name-lookup` interface's.
///
/// Under WASI 0.2 this is `wasi:sockets/network`'s `error-code` itself. WASI 0.3 splits it in
/// two, drops the cases that said "try again" (`would-block`, `not-in-progress`, ...), adds
/// `connection-broken`, and gives `other` the host's description; wasio gathers both in one
/// type that compares (the generated ones do not), so `error_code(&e) ==
/// Some(ErrorCode::ConnectionRefused)` reads the same on both backends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The host did not grant the network (or name lookup).
    AccessDenied,
    /// The host does not support the operation.
    NotSupported,
    /// An argument was not valid.
    InvalidArgument,
    /// The host ran out of memory.
    OutOfMemory,
    /// The operation timed out.
    Timeout,
    /// Not valid in the socket's current state.
    InvalidState,
    /// The address cannot be bound here.
    AddressNotBindable,
    /// The address is in use.
    AddressInUse,
    /// The remote address is unreachable.
    RemoteUnreachable,
    /// Nothing accepted the connection.
    ConnectionRefused,
    /// The connection broke.
    ConnectionBroken,
    /// The peer reset the connection.
    ConnectionReset,
    /// The connection was aborted.
    ConnectionAborted,
    /// The datagram is too large.
    DatagramTooLarge,
    /// The name does not resolve to any address.
    NameUnresolvable,
    /// A temporary failure in name resolution.
    TemporaryResolverFailure,
    /// A permanent failure in name resolution.
    PermanentResolverFailure,
    /// Anything else, with the host's description if it gave one.
    Other(Option<String>),
}

impl From<WasiCode> for ErrorCode {
    fn from(code: WasiCode) -> ErrorCode {
        match code {
            WasiCode::AccessDenied => ErrorCode::AccessDenied,
            WasiCode::NotSupported => ErrorCode::NotSupported,
            WasiCode::InvalidArgument => ErrorCode::InvalidArgument,
            WasiCode::OutOfMemory => ErrorCode::OutOfMemory,
            WasiCode::Timeout => ErrorCode::Timeout,
            WasiCode::InvalidState => ErrorCode::InvalidState,
            WasiCode::AddressNotBindable => ErrorCode::AddressNotBindable,
            WasiCode::AddressInUse => ErrorCode::AddressInUse,
            WasiCode::RemoteUnreachable => ErrorCode::RemoteUnreachable,
            WasiCode::ConnectionRefused => ErrorCode::ConnectionRefused,
            WasiCode::ConnectionBroken => ErrorCode::ConnectionBroken,
            WasiCode::ConnectionReset => ErrorCode::ConnectionReset,
            WasiCode::ConnectionAborted => ErrorCode::ConnectionAborted,
            WasiCode::DatagramTooLarge => ErrorCode::DatagramTooLarge,
            WasiCode::Other(detail) => ErrorCode::Other(detail),
        }
    }
}

impl From<LookupCode> for ErrorCode {
    fn from(code: LookupCode) -> ErrorCode {
        match code {
            LookupCode::AccessDenied => ErrorCode::AccessDenied,
            LookupCode::InvalidArgument => ErrorCode::InvalidArgument,
            LookupCode::NameUnresolvable => ErrorCode::NameUnresolvable,
            LookupCode::TemporaryResolverFailure => ErrorCode::TemporaryResolverFailure,
            LookupCode::PermanentResolverFailure => ErrorCode::PermanentResolverFailure,
            LookupCode::Other(detail) => ErrorCode::Other(detail),
        }
    }
}

/// The `wasi:sockets` error code behind an [`io::Error`]: reach it with
/// [`io::Error::get_ref`] and `downcast_ref::<SocketError>()`, or with
/// [`net::error_code`](crate::net::error_code).
///
/// Under WASI 0.3 the code's `other` case carries the host's description, so this is `Clone`,
/// not `Copy` as under WASI 0.2.
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
            ErrorCode::NameUnresolvable => "the name does not resolve to any address",
            ErrorCode::TemporaryResolverFailure => "temporary failure in name resolution",
            ErrorCode::PermanentResolverFailure => {
                "permanent failure in name resolution (what wasmtime also says when it was not \
                 given -Sallow-ip-name-lookup)"
            }
            ErrorCode::Other(Some(detail)) => return write!(f, "socket error: {detail}"),
            ErrorCode::Other(None) => "unknown socket error",
        };
        write!(f, "{what} (wasi:sockets error-code {:?})", self.code)
    }
}

impl std::error::Error for SocketError {}

/// An `io::Error` for a WASI socket (or name lookup) error code.
pub(crate) fn from_code(code: impl Into<ErrorCode>) -> io::Error {
    use io::ErrorKind as K;
    let code = code.into();
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
        ErrorCode::NameUnresolvable => K::NotFound,
        ErrorCode::TemporaryResolverFailure
        | ErrorCode::PermanentResolverFailure
        | ErrorCode::Other(_) => K::Other,
    };
    io::Error::new(kind, SocketError { code })
}
