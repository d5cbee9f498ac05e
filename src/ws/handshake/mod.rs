//! The opening handshake (RFC 6455, section 4), without I/O: the client's request and its
//! check of the response, the server's check of a request and its `101` answer.

mod client;
mod server;

use std::fmt;

use http::StatusCode;

use super::deflate::NegotiationError;

pub use client::{ClientRequest, ServerAnswer, parse_response};
pub use server::{
    ClientHello, check_request, negotiate_deflate, parse_request, switching_protocols,
};

/// The GUID RFC 6455 appends to a key before hashing it.
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The largest handshake head either side reads (request or response).
pub const MAX_HANDSHAKE_HEAD: usize = 16 * 1024;

/// The most header fields either side reads in a handshake head.
const MAX_HEADERS: usize = 64;

/// `Sec-WebSocket-Accept` for `key`: base64 of the SHA-1 of the key and the GUID.
///
/// ```
/// // The example of RFC 6455, section 1.3.
/// assert_eq!(
///     wasio::ws::handshake::accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
///     "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
/// );
/// ```
pub fn accept_key(key: &str) -> String {
    let mut hash = sha1_smol::Sha1::new();
    hash.update(key.as_bytes());
    hash.update(GUID.as_bytes());
    crate::base64::encode(&hash.digest().bytes())
}

/// Why a handshake failed. On the server side each has the status to refuse it with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HandshakeError {
    /// The head is not valid HTTP/1.1.
    Malformed(&'static str),
    /// The head is larger than [`MAX_HANDSHAKE_HEAD`] or has too many fields.
    TooLarge,
    /// The request is not a `GET`.
    NotGet,
    /// `Upgrade: websocket` or `Connection: upgrade` is missing.
    NotUpgrade,
    /// `Sec-WebSocket-Version` is not 13.
    Version,
    /// `Sec-WebSocket-Key` is missing or not 16 bytes in base64.
    Key,
    /// The server answered with another status than `101`.
    Status(StatusCode),
    /// `Sec-WebSocket-Accept` does not match the key.
    Accept,
    /// The server chose a subprotocol the client did not offer.
    Protocol(String),
    /// The server turned on an extension the client did not ask for.
    Extension(String),
    /// The server's answer to the permessage-deflate offer is invalid or does not fit it.
    Deflate(NegotiationError),
}

impl HandshakeError {
    /// The status a server refuses the request with: 426 for a version it does not speak,
    /// 405 for a method other than `GET`, 431 for a head too large, 400 otherwise.
    pub fn status(&self) -> StatusCode {
        match self {
            HandshakeError::Version => StatusCode::UPGRADE_REQUIRED,
            HandshakeError::NotGet => StatusCode::METHOD_NOT_ALLOWED,
            HandshakeError::TooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::Malformed(what) => write!(f, "malformed handshake: {what}"),
            HandshakeError::TooLarge => f.write_str("the handshake head is too large"),
            HandshakeError::NotGet => f.write_str("a WebSocket handshake is a GET request"),
            HandshakeError::NotUpgrade => {
                f.write_str("not a WebSocket upgrade (Upgrade: websocket, Connection: upgrade)")
            }
            HandshakeError::Version => f.write_str("only WebSocket version 13 is supported"),
            HandshakeError::Key => {
                f.write_str("Sec-WebSocket-Key is missing or not 16 bytes in base64")
            }
            HandshakeError::Status(status) => {
                write!(f, "the server answered {status} instead of 101")
            }
            HandshakeError::Accept => {
                f.write_str("Sec-WebSocket-Accept does not match the key sent")
            }
            HandshakeError::Protocol(name) => {
                write!(
                    f,
                    "the server chose subprotocol {name:?}, which was not offered"
                )
            }
            HandshakeError::Extension(name) => {
                write!(
                    f,
                    "the server turned on extension {name:?}, which was not asked for"
                )
            }
            HandshakeError::Deflate(error) => write!(f, "permessage-deflate: {error}"),
        }
    }
}

impl std::error::Error for HandshakeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HandshakeError::Deflate(error) => Some(error),
            _ => None,
        }
    }
}

/// How many bytes of `input` a handshake head took, from httparse's `parsed` answer;
/// `Ok(None)` while the head is incomplete. `what` names the head in the error.
fn head_length(
    parsed: httparse::Result<usize>,
    input: &[u8],
    what: &'static str,
) -> Result<Option<usize>, HandshakeError> {
    let used = match parsed {
        Ok(httparse::Status::Complete(used)) => used,
        Ok(httparse::Status::Partial) if input.len() > MAX_HANDSHAKE_HEAD => {
            return Err(HandshakeError::TooLarge);
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(HandshakeError::TooLarge),
        Err(_) => return Err(HandshakeError::Malformed(what)),
    };
    if used > MAX_HANDSHAKE_HEAD {
        return Err(HandshakeError::TooLarge);
    }
    Ok(Some(used))
}

/// Comma-separated tokens of every `name` header.
fn tokens<'a>(headers: &'a http::HeaderMap, name: &str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(name)
        .into_iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

/// Whether the `Upgrade` and `Connection` headers ask for a WebSocket.
fn is_upgrade(headers: &http::HeaderMap) -> bool {
    tokens(headers, "upgrade").any(|t| t.eq_ignore_ascii_case("websocket"))
        && tokens(headers, "connection").any(|t| t.eq_ignore_ascii_case("upgrade"))
}

/// Header fields from httparse as a `HeaderMap`.
fn header_map(fields: &[httparse::Header<'_>]) -> Result<http::HeaderMap, HandshakeError> {
    let mut headers = http::HeaderMap::with_capacity(fields.len());
    for field in fields {
        let name = http::HeaderName::from_bytes(field.name.as_bytes())
            .map_err(|_| HandshakeError::Malformed("a header name"))?;
        let value = http::HeaderValue::from_bytes(field.value)
            .map_err(|_| HandshakeError::Malformed("a header value"))?;
        headers.append(name, value);
    }
    Ok(headers)
}
