//! `Error`: everything an HTTP request can run into, as one typed value.

use std::fmt;
use std::io;

use crate::http::error_code::Described;
use crate::http::incoming::BodyError;
pub use crate::sys::http::ErrorCode;
use http::{StatusCode, Uri};

/// Which deadline elapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeoutKind {
    /// Connecting to the server.
    Connect,
    /// Waiting for the response's status line and headers.
    FirstByte,
    /// Waiting between two chunks of the response body.
    BetweenBytes,
    /// The whole request, redirects and body included.
    Total,
}

/// What went wrong with an HTTP request or its response.
///
/// ```
/// # wasio::run(async {
/// use wasio::http::{Client, Error};
///
/// match Client::new().get("not a url").send().await {
///     Err(Error::InvalidUrl { reason, .. }) => println!("bad URL: {reason}"),
///     other => panic!("{other:?}"),
/// }
/// # });
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The URL cannot be requested.
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why not.
        reason: &'static str,
    },
    /// A header name or value is not valid HTTP.
    InvalidHeader {
        /// The header's name, as given.
        name: String,
    },
    /// wasi:http does not let components set this header: the host manages it
    /// (`connection`, `host`, `transfer-encoding`, `upgrade`, ...).
    ForbiddenHeader {
        /// The header's name.
        name: String,
    },
    /// The host name could not be resolved.
    Dns {
        /// The request's URL.
        url: Uri,
        /// What the resolver said.
        detail: String,
    },
    /// Nothing accepted the connection.
    ConnectionRefused {
        /// The request's URL.
        url: Uri,
    },
    /// The TLS handshake or certificate check failed.
    Tls {
        /// The request's URL.
        url: Uri,
        /// The host's description.
        detail: String,
    },
    /// A deadline elapsed.
    Timeout {
        /// The request's URL.
        url: Uri,
        /// Which deadline.
        kind: TimeoutKind,
    },
    /// The server redirected more times than the client's policy allows.
    TooManyRedirects {
        /// The last URL requested.
        url: Uri,
        /// The policy's limit.
        limit: usize,
    },
    /// The body is larger than the limit set for it (decoded, for a compressed body: a
    /// compression bomb stops here, with nothing kept past the limit).
    BodyTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The body is not what it was read as (invalid UTF-8 or JSON), or not valid in its
    /// content coding (a gzip, deflate or Brotli body cut short or corrupt).
    Decode {
        /// What it was read as: `"UTF-8"`, `"JSON"`, or the coding (`"gzip"`, `"deflate"`,
        /// `"br"`).
        what: &'static str,
        /// Why it failed.
        detail: String,
    },
    /// [`ClientResponse::error_for_status`](crate::http::ClientResponse::error_for_status) found a
    /// 4xx or 5xx status.
    Status {
        /// The response's URL.
        url: Uri,
        /// The status.
        status: StatusCode,
    },
    /// Reading or writing a body stream failed.
    Body {
        /// The request's URL.
        url: Uri,
        /// The stream's error.
        source: io::Error,
    },
    /// Any other error wasi:http reported.
    Http {
        /// The request's URL.
        url: Uri,
        /// The wasi:http error code.
        code: ErrorCode,
    },
}

impl Error {
    /// Whether a deadline elapsed.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// The status of an [`Error::Status`].
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The URL the error concerns, when there is one.
    pub fn url(&self) -> Option<&Uri> {
        match self {
            Error::Dns { url, .. }
            | Error::ConnectionRefused { url }
            | Error::Tls { url, .. }
            | Error::Timeout { url, .. }
            | Error::TooManyRedirects { url, .. }
            | Error::Status { url, .. }
            | Error::Body { url, .. }
            | Error::Http { url, .. } => Some(url),
            _ => None,
        }
    }

    /// The error a body that could not be read from `url` stands for.
    pub(crate) fn from_body(url: &Uri, error: BodyError) -> Error {
        match error {
            BodyError::Code(code) => Error::from_code(url, code, TimeoutKind::BetweenBytes),
            BodyError::Timeout => Error::Timeout {
                url: url.clone(),
                kind: TimeoutKind::BetweenBytes,
            },
            BodyError::Failed(description) => Error::Body {
                url: url.clone(),
                source: io::Error::other(description),
            },
        }
    }

    /// The error a wasi:http error code stands for, at the given stage of a request.
    pub(crate) fn from_code(url: &Uri, code: ErrorCode, waiting_for: TimeoutKind) -> Error {
        let url = url.clone();
        match code {
            ErrorCode::DnsTimeout => Error::Timeout {
                url,
                kind: TimeoutKind::Connect,
            },
            ErrorCode::DnsError(payload) => Error::Dns {
                url,
                detail: payload
                    .rcode
                    .clone()
                    .unwrap_or_else(|| "name not resolved".into()),
            },
            ErrorCode::DestinationNotFound => Error::Dns {
                url,
                detail: "destination not found".into(),
            },
            ErrorCode::ConnectionRefused => Error::ConnectionRefused { url },
            ErrorCode::ConnectionTimeout => Error::Timeout {
                url,
                kind: TimeoutKind::Connect,
            },
            ErrorCode::ConnectionReadTimeout | ErrorCode::HttpResponseTimeout => Error::Timeout {
                url,
                kind: waiting_for,
            },
            ErrorCode::TlsProtocolError
            | ErrorCode::TlsCertificateError
            | ErrorCode::TlsAlertReceived(_) => Error::Tls {
                url,
                detail: Described(&code).to_string(),
            },
            code => Error::Http { url, code },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidUrl { url, reason } => write!(f, "invalid URL {url:?}: {reason}"),
            Error::InvalidHeader { name } => write!(f, "invalid header {name:?}"),
            Error::ForbiddenHeader { name } => write!(
                f,
                "wasi:http does not let a component set the {name:?} header (the host sets it)"
            ),
            Error::Dns { url, detail } => write!(f, "{url}: cannot resolve the host: {detail}"),
            Error::ConnectionRefused { url } => write!(f, "{url}: connection refused"),
            Error::Tls { url, detail } => write!(f, "{url}: TLS failed: {detail}"),
            Error::Timeout { url, kind } => {
                let what = match kind {
                    TimeoutKind::Connect => "connecting",
                    TimeoutKind::FirstByte => "waiting for the response",
                    TimeoutKind::BetweenBytes => "waiting for more of the body",
                    TimeoutKind::Total => "the whole request",
                };
                write!(f, "{url}: timed out {what}")
            }
            Error::TooManyRedirects { url, limit } => {
                write!(f, "{url}: more than {limit} redirects")
            }
            Error::BodyTooLarge { limit } => write!(f, "the body is larger than {limit} bytes"),
            Error::Decode { what, detail } => write!(f, "the body is not valid {what}: {detail}"),
            Error::Status { url, status } => write!(f, "{url}: {status}"),
            Error::Body { url, source } => write!(f, "{url}: body: {source}"),
            Error::Http { url, code } => write!(f, "{url}: {}", Described(code)),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Body { source, .. } => Some(source),
            _ => None,
        }
    }
}
