//! `Error` and `ConfigError`: why a TLS connection failed, and why a configuration was refused.

use std::fmt;
use std::io;

use rustls::{AlertDescription, CertificateError};

/// Why a TLS connection could not be made, or broke.
///
/// The handshake ([`ClientConfig::connect`](super::ClientConfig::connect),
/// [`ServerConfig::accept`](super::ServerConfig::accept)) returns it as it is; reads and
/// writes on a [`TlsStream`](super::TlsStream) return an [`io::Error`] that carries it (see
/// [`tls::error`](super::error)).
///
/// ```
/// use wasio::tls::Error;
///
/// let cut = std::io::Error::from(Error::Truncated);
/// assert_eq!(cut.kind(), std::io::ErrorKind::UnexpectedEof);
/// assert!(matches!(wasio::tls::error(&cut), Some(Error::Truncated)));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server's certificate does not chain up to a root the client trusts (an unknown
    /// or self-signed CA).
    UnknownIssuer,
    /// The server's certificate is not for the name the client asked for.
    NameMismatch {
        /// The name the client asked for.
        expected: String,
        /// The names in the certificate.
        presented: Vec<String>,
    },
    /// The server's certificate (or one in its chain) has expired.
    Expired,
    /// The server's certificate (or one in its chain) is not valid yet.
    NotYetValid,
    /// Another fault in the server's certificate: a bad signature or encoding, the wrong
    /// purpose, none at all.
    BadCertificate(String),
    /// The peer ended the handshake or the connection with a fatal alert (a client that does
    /// not trust the server's certificate sends `UnknownCA` or `BadCertificate`).
    Alert(String),
    /// The handshake took longer than its timeout.
    HandshakeTimeout,
    /// The connection ended without the peer's `close_notify`: what came before may be cut
    /// short (a truncation attack, or a peer that just went away).
    Truncated,
    /// The peer broke TLS (a record that does not decrypt, a message out of place), or the
    /// two ends have no version, cipher suite or ALPN protocol in common. An alert went to
    /// the peer, and the connection is over.
    Protocol(String),
    /// The name to connect to is neither a DNS name nor an IP address.
    InvalidServerName(String),
    /// A client trusts no root certificate, so it could verify no server: give it roots
    /// ([`ClientConfig::add_root_pem`](super::ClientConfig::add_root_pem), or the
    /// `webpki-roots` feature).
    NoRootCertificates,
    /// Writing after `close`, or the connection failed earlier.
    Closed,
    /// The socket failed, or closed during the handshake.
    Io(io::Error),
}

impl Error {
    /// The error for one of rustls'.
    pub(crate) fn from_rustls(error: rustls::Error) -> Error {
        match error {
            rustls::Error::InvalidCertificate(error) => Error::from_certificate(error),
            rustls::Error::NoCertificatesPresented => {
                Error::BadCertificate("the server presented no certificate".into())
            }
            rustls::Error::AlertReceived(alert) => Error::Alert(alert_name(alert)),
            other => Error::Protocol(other.to_string()),
        }
    }

    fn from_certificate(error: CertificateError) -> Error {
        match error {
            CertificateError::UnknownIssuer => Error::UnknownIssuer,
            CertificateError::NotValidForName => Error::NameMismatch {
                expected: String::new(),
                presented: Vec::new(),
            },
            CertificateError::NotValidForNameContext {
                expected,
                presented,
            } => Error::NameMismatch {
                expected: expected.to_str().into_owned(),
                presented,
            },
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => Error::Expired,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                Error::NotYetValid
            }
            other => Error::BadCertificate(rustls::Error::InvalidCertificate(other).to_string()),
        }
    }
}

/// An alert's name as TLS spells it (`UnknownCA`, `BadCertificate`, ...).
fn alert_name(alert: AlertDescription) -> String {
    format!("{alert:?}")
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnknownIssuer => {
                f.write_str("TLS: the certificate is not signed by a trusted root (unknown CA)")
            }
            Error::NameMismatch {
                expected,
                presented,
            } if presented.is_empty() => {
                write!(f, "TLS: the certificate is not valid for {expected:?}")
            }
            Error::NameMismatch {
                expected,
                presented,
            } => write!(
                f,
                "TLS: the certificate is not valid for {expected:?} (it is for {})",
                presented.join(", ")
            ),
            Error::Expired => f.write_str("TLS: the certificate has expired"),
            Error::NotYetValid => f.write_str("TLS: the certificate is not valid yet"),
            Error::BadCertificate(why) => write!(f, "TLS: bad certificate: {why}"),
            Error::Alert(alert) => write!(f, "TLS: the peer sent a fatal alert: {alert}"),
            Error::HandshakeTimeout => f.write_str("TLS: the handshake took too long"),
            Error::Truncated => {
                f.write_str("TLS: the connection ended without close_notify (truncated)")
            }
            Error::Protocol(why) => write!(f, "TLS: {why}"),
            Error::InvalidServerName(name) => {
                write!(f, "TLS: {name:?} is neither a DNS name nor an IP address")
            }
            Error::NoRootCertificates => f.write_str(
                "TLS: no trusted root certificates (add some, or enable the webpki-roots feature)",
            ),
            Error::Closed => f.write_str("TLS: the connection is closed"),
            Error::Io(error) => write!(f, "TLS: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(error) => Some(error),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(error: io::Error) -> Self {
        Error::Io(error)
    }
}

/// A stream's reads and writes fail with an [`io::Error`] whose kind fits (`UnexpectedEof`
/// for [`Error::Truncated`], `TimedOut`, `BrokenPipe` for [`Error::Closed`], `InvalidData`
/// for the rest) and which carries the `Error`; a socket's own error passes through as it is.
impl From<Error> for io::Error {
    fn from(error: Error) -> Self {
        let kind = match &error {
            Error::Truncated => io::ErrorKind::UnexpectedEof,
            Error::HandshakeTimeout => io::ErrorKind::TimedOut,
            Error::Closed => io::ErrorKind::BrokenPipe,
            Error::Io(_) => return error.into_io(),
            _ => io::ErrorKind::InvalidData,
        };
        io::Error::new(kind, error)
    }
}

impl Error {
    /// A socket's error as it was; any other wrapped in one.
    fn into_io(self) -> io::Error {
        match self {
            Error::Io(error) => error,
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        }
    }
}

/// The TLS [`Error`] inside an [`io::Error`] from a [`TlsStream`](super::TlsStream)'s read or
/// write, if it came from TLS (not from the socket).
pub fn error(error: &io::Error) -> Option<&Error> {
    error.get_ref()?.downcast_ref::<Error>()
}

/// Why a [`ClientConfig`](super::ClientConfig) or [`ServerConfig`](super::ServerConfig) could
/// not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The PEM text holds no certificate.
    NoCertificate,
    /// The PEM text holds no private key.
    NoPrivateKey,
    /// The PEM text does not parse.
    Pem(String),
    /// A root certificate that cannot be a trust anchor.
    BadRoot(String),
    /// The private key is of a kind *ring* cannot sign with, or does not match the
    /// certificate.
    BadKey(String),
    /// An ALPN protocol name that is empty or longer than 255 bytes.
    BadAlpn(Vec<u8>),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NoCertificate => f.write_str("TLS: no certificate in the PEM text"),
            ConfigError::NoPrivateKey => f.write_str("TLS: no private key in the PEM text"),
            ConfigError::Pem(why) => write!(f, "TLS: bad PEM: {why}"),
            ConfigError::BadRoot(why) => write!(f, "TLS: bad root certificate: {why}"),
            ConfigError::BadKey(why) => write!(f, "TLS: bad private key: {why}"),
            ConfigError::BadAlpn(name) => write!(
                f,
                "TLS: an ALPN protocol name is 1 to 255 bytes, not {}",
                name.len()
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_errors_get_their_own_variants() {
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let mismatch =
            rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext {
                expected: name,
                presented: vec!["DnsName(\"wrong.example\")".into()],
            });
        assert!(matches!(
            Error::from_rustls(mismatch),
            Error::NameMismatch { expected, presented } if expected == "localhost" && presented.len() == 1
        ));
        let unknown = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        assert!(matches!(Error::from_rustls(unknown), Error::UnknownIssuer));
        let expired = rustls::Error::InvalidCertificate(CertificateError::Expired);
        assert!(matches!(Error::from_rustls(expired), Error::Expired));
        let alert = rustls::Error::AlertReceived(AlertDescription::UnknownCA);
        assert_eq!(
            Error::from_rustls(alert).to_string(),
            "TLS: the peer sent a fatal alert: UnknownCA"
        );
        let revoked = rustls::Error::InvalidCertificate(CertificateError::Revoked);
        assert!(matches!(
            Error::from_rustls(revoked),
            Error::BadCertificate(_)
        ));
        assert!(matches!(
            Error::from_rustls(rustls::Error::DecryptError),
            Error::Protocol(_)
        ));
    }

    #[test]
    fn io_errors_keep_the_tls_error() {
        let timeout = io::Error::from(Error::HandshakeTimeout);
        assert_eq!(timeout.kind(), io::ErrorKind::TimedOut);
        assert!(matches!(error(&timeout), Some(Error::HandshakeTimeout)));
        let socket = io::Error::from(Error::Io(io::ErrorKind::ConnectionReset.into()));
        assert_eq!(socket.kind(), io::ErrorKind::ConnectionReset);
        assert!(error(&socket).is_none());
    }
}
