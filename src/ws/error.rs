//! `Error`: what a WebSocket connection or its handshake can run into.

use std::fmt;
use std::io;

use super::handshake::HandshakeError;
use super::protocol::ProtocolError;

/// What went wrong on a WebSocket connection.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The URL given to [`connect`](super::connect) is not a `ws://` URL wasio can reach.
    Url(String),
    /// The socket failed.
    Io(io::Error),
    /// The opening handshake failed (a server has answered it with an error status).
    Handshake(HandshakeError),
    /// The peer broke RFC 6455 or a size limit; a close frame with the code was sent.
    Protocol(ProtocolError),
    /// The connection ended without a close frame from the peer.
    Abnormal,
    /// Sending after the closing handshake began, or closing twice.
    Closed,
    /// A deadline passed: the opening handshake, the closing one, or a heartbeat.
    Timeout(&'static str),
    /// The TLS connection of a `wss://` URL failed: the server's certificate was refused
    /// ([`tls::Error::UnknownIssuer`](crate::tls::Error::UnknownIssuer),
    /// [`NameMismatch`](crate::tls::Error::NameMismatch),
    /// [`Expired`](crate::tls::Error::Expired), ...), or the TLS handshake failed.
    #[cfg(feature = "tls")]
    Tls(crate::tls::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Url(reason) => write!(f, "not a WebSocket URL: {reason}"),
            Error::Io(error) => write!(f, "WebSocket I/O: {error}"),
            Error::Handshake(error) => write!(f, "WebSocket handshake: {error}"),
            Error::Protocol(error) => write!(f, "the peer broke the WebSocket protocol: {error}"),
            Error::Abnormal => f.write_str("the connection ended without a close frame"),
            Error::Closed => f.write_str("the WebSocket is closing or closed"),
            Error::Timeout(what) => write!(f, "WebSocket timeout: {what}"),
            #[cfg(feature = "tls")]
            Error::Tls(error) => write!(f, "WebSocket {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(error) => Some(error),
            Error::Handshake(error) => Some(error),
            Error::Protocol(error) => Some(error),
            #[cfg(feature = "tls")]
            Error::Tls(error) => Some(error),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(error: io::Error) -> Self {
        // A TLS failure under a read or write (a bad record, a truncated stream) says so.
        #[cfg(feature = "tls")]
        let error = match error.downcast::<crate::tls::Error>() {
            Ok(tls) => return Error::Tls(tls),
            Err(error) => error,
        };
        Error::Io(error)
    }
}

#[cfg(feature = "tls")]
impl From<crate::tls::Error> for Error {
    fn from(error: crate::tls::Error) -> Self {
        Error::Tls(error)
    }
}

impl From<HandshakeError> for Error {
    fn from(error: HandshakeError) -> Self {
        Error::Handshake(error)
    }
}

impl From<ProtocolError> for Error {
    fn from(error: ProtocolError) -> Self {
        Error::Protocol(error)
    }
}
