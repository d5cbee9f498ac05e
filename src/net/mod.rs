//! TCP, UDP and name resolution over `wasi:sockets` (IPv4 and IPv6).
//!
//! | asyncio | wasio |
//! |---|---|
//! | `asyncio.open_connection(host, port)` | [`TcpStream::connect`]`((host, port))` |
//! | `asyncio.start_server(cb, host, port)` | [`TcpListener::bind`] + `accept` in a loop, a task per connection |
//! | `writer.write_eof()` | `close().await` on the stream or its write half |
//! | `loop.create_datagram_endpoint` | [`UdpSocket`] |
//! | `loop.getaddrinfo(host, ...)` | [`lookup_host`] |
//!
//! Everything waits on WASI pollables, never blocking the component. Errors are
//! [`std::io::Error`]s whose kind says what happened ([`ConnectionRefused`], [`AddrInUse`],
//! [`PermissionDenied`] when the host did not grant the network, ...) and which carry the
//! `wasi:sockets` code (see [`error_code`]).
//!
//! Under wasmtime, run components with `-Sinherit-network` (and `-Sallow-ip-name-lookup` for
//! host names). WASI 0.2 offers no `TCP_NODELAY`.
//!
//! [`ConnectionRefused`]: std::io::ErrorKind::ConnectionRefused
//! [`AddrInUse`]: std::io::ErrorKind::AddrInUse
//! [`PermissionDenied`]: std::io::ErrorKind::PermissionDenied

pub(crate) mod addr;
mod dns;
mod tcp_listener;
mod tcp_stream;
pub(crate) mod transport;
mod udp;

pub use crate::sys::net::ErrorCode;
pub use addr::ToSocketAddrs;
pub use dns::lookup_host;
pub use tcp_listener::{Accept, DEFAULT_BACKLOG, Incoming, TcpListener};
pub use tcp_stream::{OwnedReadHalf, OwnedWriteHalf, ReuniteError, TcpStream};
pub use udp::UdpSocket;

/// The `wasi:sockets` error code inside an error from this module, if it came from one.
///
/// ```
/// # wasio::run(async {
/// use wasio::net::{ErrorCode, TcpStream, error_code};
///
/// // Port 1 on loopback: nothing listens there.
/// let refused = TcpStream::connect("127.0.0.1:1").await.unwrap_err();
/// assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
/// assert_eq!(error_code(&refused), Some(ErrorCode::ConnectionRefused));
/// # });
/// ```
pub fn error_code(error: &std::io::Error) -> Option<ErrorCode> {
    error
        .get_ref()?
        .downcast_ref::<crate::io::SocketError>()
        .map(|e| e.code())
}
