//! The server's side of the handshake: checking a client's request and answering `101`.

use http::{HeaderMap, Method};

use super::{HandshakeError, MAX_HEADERS, accept_key, head_length, header_map, is_upgrade, tokens};
use crate::ws::deflate::{Agreed, PerMessageDeflate, answer_offers, parse_extensions};

/// A client's valid opening request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    /// The path and query asked for.
    pub path: String,
    /// `Sec-WebSocket-Key`, for [`accept_key`].
    pub key: String,
    /// The subprotocols the client offers, in its order of preference.
    pub protocols: Vec<String>,
    /// Every header of the request.
    pub headers: HeaderMap,
}

/// A client's opening request at the start of `input`, checked, and the bytes it took;
/// `Ok(None)` while the head is incomplete.
///
/// ```
/// use wasio::ws::handshake::parse_request;
///
/// let request = b"GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
///     Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
/// let (hello, used) = parse_request(request).unwrap().unwrap();
/// assert_eq!((hello.path.as_str(), used), ("/chat", request.len()));
/// ```
pub fn parse_request(input: &[u8]) -> Result<Option<(ClientHello, usize)>, HandshakeError> {
    let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut fields);
    let Some(used) = head_length(request.parse(input), input, "the request head")? else {
        return Ok(None);
    };
    if request.version != Some(1) {
        return Err(HandshakeError::Malformed(
            "a WebSocket handshake is HTTP/1.1",
        ));
    }
    let method = Method::from_bytes(request.method.unwrap_or_default().as_bytes())
        .map_err(|_| HandshakeError::Malformed("the method"))?;
    let headers = header_map(request.headers)?;
    let (key, protocols) = check_request(&method, &headers)?;
    let path = request.path.unwrap_or("/").to_string();
    Ok(Some((
        ClientHello {
            path,
            key,
            protocols,
            headers,
        },
        used,
    )))
}

/// Checks the method and headers of an opening request; gives its key and the subprotocols
/// it offers.
pub fn check_request(
    method: &Method,
    headers: &HeaderMap,
) -> Result<(String, Vec<String>), HandshakeError> {
    if method != Method::GET {
        return Err(HandshakeError::NotGet);
    }
    if !is_upgrade(headers) {
        return Err(HandshakeError::NotUpgrade);
    }
    let version = headers
        .get("sec-websocket-version")
        .and_then(|v| v.to_str().ok());
    if version.map(str::trim) != Some("13") {
        return Err(HandshakeError::Version);
    }
    let mut keys = headers.get_all("sec-websocket-key").into_iter();
    let key = match (keys.next(), keys.next()) {
        (Some(key), None) => key.to_str().unwrap_or_default().trim().to_string(),
        _ => return Err(HandshakeError::Key),
    };
    if crate::base64::decode(&key).is_none_or(|nonce| nonce.len() != 16) {
        return Err(HandshakeError::Key);
    }
    let protocols = tokens(headers, "sec-websocket-protocol")
        .map(str::to_string)
        .collect();
    Ok((key, protocols))
}

/// permessage-deflate for a request with `headers`, by a server with `settings` (`None`:
/// declined): what was agreed and the `Sec-WebSocket-Extensions` value of the answer, or
/// `None` when no offer can be honoured (or the header is malformed): the handshake goes
/// on without compression. Other extensions are declined.
pub fn negotiate_deflate(
    headers: &HeaderMap,
    settings: Option<&PerMessageDeflate>,
) -> Option<(Agreed, String)> {
    let settings = settings?;
    let values = headers
        .get_all("sec-websocket-extensions")
        .into_iter()
        .map(|value| value.to_str().ok());
    let values: Option<Vec<&str>> = values.collect();
    let offers = parse_extensions(values?).ok()?;
    answer_offers(&offers, settings)
}

/// The whole `101 Switching Protocols` answer to a request with `key`, choosing `protocol`,
/// with `extensions` as its `Sec-WebSocket-Extensions` (from [`negotiate_deflate`]).
pub fn switching_protocols(key: &str, protocol: Option<&str>, extensions: Option<&str>) -> Vec<u8> {
    let mut out = Vec::with_capacity(160);
    out.extend_from_slice(
        b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\
          sec-websocket-accept: ",
    );
    out.extend_from_slice(accept_key(key).as_bytes());
    if let Some(protocol) = protocol {
        out.extend_from_slice(b"\r\nsec-websocket-protocol: ");
        out.extend_from_slice(protocol.as_bytes());
    }
    if let Some(extensions) = extensions {
        out.extend_from_slice(b"\r\nsec-websocket-extensions: ");
        out.extend_from_slice(extensions.as_bytes());
    }
    out.extend_from_slice(b"\r\n\r\n");
    out
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;
    use crate::ws::handshake::MAX_HANDSHAKE_HEAD;

    const GOOD: &str = "GET /chat?room=1 HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n\
        Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
        Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\
        Sec-WebSocket-Version: 13\r\n\r\n";

    #[test]
    fn a_good_request_is_read_from_any_split() {
        for split in 0..GOOD.len() {
            assert_eq!(
                parse_request(&GOOD.as_bytes()[..split]),
                Ok(None),
                "{split}"
            );
        }
        let (hello, used) = parse_request(GOOD.as_bytes()).unwrap().unwrap();
        assert_eq!(used, GOOD.len());
        assert_eq!(hello.path, "/chat?room=1");
        assert_eq!(hello.key, "dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(hello.protocols, ["chat", "superchat"]);
    }

    #[test]
    fn bad_requests_are_refused_with_the_status_rfc_6455_gives() {
        for (from, to, expected, status) in [
            ("GET /chat", "POST /chat", HandshakeError::NotGet, 405),
            (
                "Upgrade: websocket\r\n",
                "",
                HandshakeError::NotUpgrade,
                400,
            ),
            (
                "keep-alive, Upgrade",
                "keep-alive",
                HandshakeError::NotUpgrade,
                400,
            ),
            ("Version: 13", "Version: 8", HandshakeError::Version, 426),
            (
                "Sec-WebSocket-Version: 13\r\n",
                "",
                HandshakeError::Version,
                426,
            ),
            (
                "dGhlIHNhbXBsZSBub25jZQ==",
                "c2hvcnQ=",
                HandshakeError::Key,
                400,
            ),
            (
                "dGhlIHNhbXBsZSBub25jZQ==",
                "not base64!",
                HandshakeError::Key,
                400,
            ),
            (
                "HTTP/1.1",
                "HTTP/1.0",
                HandshakeError::Malformed("a WebSocket handshake is HTTP/1.1"),
                400,
            ),
        ] {
            let text = GOOD.replacen(from, to, 1);
            let error = parse_request(text.as_bytes()).unwrap_err();
            assert_eq!(error, expected, "{from} -> {to}");
            assert_eq!(error.status(), StatusCode::from_u16(status).unwrap());
        }
        let two_keys = GOOD.replace(
            "\r\n\r\n",
            "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        );
        assert_eq!(parse_request(two_keys.as_bytes()), Err(HandshakeError::Key));
        let huge = format!("GET / HTTP/1.1\r\nx: {}", "y".repeat(MAX_HANDSHAKE_HEAD));
        assert_eq!(
            parse_request(huge.as_bytes()),
            Err(HandshakeError::TooLarge)
        );
    }

    #[test]
    fn the_answer_has_the_accept_hash_and_no_extension() {
        let answer = String::from_utf8(switching_protocols(
            "dGhlIHNhbXBsZSBub25jZQ==",
            Some("chat"),
            None,
        ))
        .unwrap();
        assert!(answer.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
        assert!(answer.contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        assert!(answer.contains("sec-websocket-protocol: chat\r\n"));
        assert!(!answer.contains("extensions"));
        assert!(answer.ends_with("\r\n\r\n"));
        let compressed = switching_protocols("k", None, Some("permessage-deflate"));
        let compressed = String::from_utf8(compressed).unwrap();
        assert!(compressed.ends_with("\r\nsec-websocket-extensions: permessage-deflate\r\n\r\n"));
    }

    #[test]
    fn deflate_is_negotiated_from_the_request_headers() {
        let (hello, _) = parse_request(GOOD.as_bytes()).unwrap().unwrap();
        let settings = PerMessageDeflate::new();
        let (_, answer) = negotiate_deflate(&hello.headers, Some(&settings)).unwrap();
        assert_eq!(answer, "permessage-deflate; server_max_window_bits=12");
        assert_eq!(negotiate_deflate(&hello.headers, None), None);
        for declined in [
            "permessage-deflate; server_max_window_bits=8",
            "permessage-deflate; bogus",
            "x-webkit-deflate-frame",
            "permessage-deflate; =",
        ] {
            let text = GOOD.replace(
                "Extensions: permessage-deflate",
                &format!("Extensions: {declined}"),
            );
            let (hello, _) = parse_request(text.as_bytes()).unwrap().unwrap();
            assert_eq!(
                negotiate_deflate(&hello.headers, Some(&settings)),
                None,
                "{declined}"
            );
        }
        let two_fields = GOOD.replace(
            "Extensions: permessage-deflate\r\n",
            "Extensions: permessage-deflate; server_max_window_bits=8\r\n\
             Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n",
        );
        let (hello, _) = parse_request(two_fields.as_bytes()).unwrap().unwrap();
        let (agreed, answer) = negotiate_deflate(&hello.headers, Some(&settings)).unwrap();
        assert_eq!(answer, "permessage-deflate; server_max_window_bits=12");
        assert_eq!(agreed.server.window_bits, 12);
        assert_eq!(agreed.client.window_bits, 15);
    }
}
