//! The client's side of the handshake: the request it sends and its check of the answer.

use http::{HeaderMap, StatusCode};

use super::{HandshakeError, MAX_HEADERS, accept_key, head_length, header_map, is_upgrade};
use crate::ws::deflate::{
    Agreed, NAME, NegotiationError, PerMessageDeflate, check_answer, offer, parse_extensions,
};

/// The opening request of a client.
///
/// ```
/// use wasio::ws::handshake::{ClientRequest, accept_key, parse_response};
///
/// let request = ClientRequest::new("example.com", "/chat", [7; 16]);
/// let mut bytes = Vec::new();
/// request.write(&mut bytes);
/// assert!(bytes.starts_with(b"GET /chat HTTP/1.1\r\nhost: example.com\r\n"));
///
/// let answer = format!(
///     "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\
///      sec-websocket-accept: {}\r\n\r\n",
///     accept_key(&request.key)
/// );
/// let (accepted, used) = parse_response(answer.as_bytes(), &request).unwrap().unwrap();
/// assert_eq!((accepted.protocol, used), (None, answer.len()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRequest {
    /// `host[:port]`, sent as the `host` header.
    pub authority: String,
    /// The path and query.
    pub path: String,
    /// `Sec-WebSocket-Key`: 16 random bytes in base64.
    pub key: String,
    /// Subprotocols offered, in order of preference.
    pub protocols: Vec<String>,
    /// More header fields (`origin`, `authorization`, ...). Fields that are not valid HTTP,
    /// and those the handshake writes itself (`host`, `upgrade`, `connection`,
    /// `sec-websocket-*`), are left out.
    pub headers: Vec<(String, String)>,
    /// permessage-deflate to offer, with these settings.
    pub deflate: Option<PerMessageDeflate>,
}

impl ClientRequest {
    /// A request for `path` at `authority`, with a key made of `nonce` (which must be random:
    /// take it from `wasi:random`).
    pub fn new(authority: &str, path: &str, nonce: [u8; 16]) -> ClientRequest {
        ClientRequest {
            authority: authority.to_string(),
            path: if path.is_empty() {
                "/".into()
            } else {
                path.to_string()
            },
            key: crate::base64::encode(&nonce),
            protocols: Vec::new(),
            headers: Vec::new(),
            deflate: None,
        }
    }

    /// Appends the request to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        let line = |out: &mut Vec<u8>, name: &str, value: &str| {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        };
        out.extend_from_slice(b"GET ");
        out.extend_from_slice(self.path.as_bytes());
        out.extend_from_slice(b" HTTP/1.1\r\n");
        line(out, "host", &self.authority);
        line(out, "upgrade", "websocket");
        line(out, "connection", "Upgrade");
        line(out, "sec-websocket-key", &self.key);
        line(out, "sec-websocket-version", "13");
        if !self.protocols.is_empty() {
            line(out, "sec-websocket-protocol", &self.protocols.join(", "));
        }
        if let Some(settings) = &self.deflate {
            line(out, "sec-websocket-extensions", &offer(settings));
        }
        for (name, value) in &self.headers {
            let Ok(field) = http::HeaderName::try_from(name.as_str()) else {
                continue;
            };
            let own = matches!(field.as_str(), "host" | "upgrade" | "connection")
                || field.as_str().starts_with("sec-websocket-");
            if !own && http::HeaderValue::try_from(value.as_str()).is_ok() {
                line(out, name, value);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// What the server agreed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerAnswer {
    /// The subprotocol the server chose among those offered.
    pub protocol: Option<String>,
    /// permessage-deflate as the server accepted it.
    pub deflate: Option<Agreed>,
    /// Every header of the answer.
    pub headers: HeaderMap,
}

/// The server's answer to `request` at the start of `input`, and the bytes it took (what
/// follows is the first WebSocket data); `Ok(None)` while the head is incomplete.
pub fn parse_response(
    input: &[u8],
    request: &ClientRequest,
) -> Result<Option<(ServerAnswer, usize)>, HandshakeError> {
    let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut fields);
    let Some(used) = head_length(response.parse(input), input, "the response head")? else {
        return Ok(None);
    };
    let code = response.code.unwrap_or_default();
    if code != 101 {
        let status =
            StatusCode::from_u16(code).map_err(|_| HandshakeError::Malformed("the status code"))?;
        return Err(HandshakeError::Status(status));
    }
    let headers = header_map(response.headers)?;
    if !is_upgrade(&headers) {
        return Err(HandshakeError::NotUpgrade);
    }
    let accept = headers
        .get("sec-websocket-accept")
        .and_then(|v| v.to_str().ok());
    if accept.map(str::trim) != Some(accept_key(&request.key).as_str()) {
        return Err(HandshakeError::Accept);
    }
    let deflate = answered_deflate(&headers, request.deflate.as_ref())?;
    let protocol = match headers.get("sec-websocket-protocol") {
        None => None,
        Some(value) => {
            let chosen = value.to_str().unwrap_or_default().trim();
            if !request.protocols.iter().any(|p| p == chosen) {
                return Err(HandshakeError::Protocol(chosen.to_string()));
            }
            Some(chosen.to_string())
        }
    };
    Ok(Some((
        ServerAnswer {
            protocol,
            deflate,
            headers,
        },
        used,
    )))
}

/// The extensions the server turned on: permessage-deflate, checked against the offer of a
/// client with `settings`, and nothing else.
fn answered_deflate(
    headers: &HeaderMap,
    settings: Option<&PerMessageDeflate>,
) -> Result<Option<Agreed>, HandshakeError> {
    let malformed = HandshakeError::Deflate(NegotiationError::Malformed);
    let values = headers
        .get_all("sec-websocket-extensions")
        .into_iter()
        .map(|value| value.to_str().map_err(|_| malformed.clone()))
        .collect::<Result<Vec<_>, _>>()?;
    let answers = parse_extensions(values).map_err(|_| malformed)?;
    let Some(settings) = settings else {
        return match answers.first() {
            Some(extension) => Err(HandshakeError::Extension(extension.name.clone())),
            None => Ok(None),
        };
    };
    if let Some(other) = answers.iter().find(|e| !e.name.eq_ignore_ascii_case(NAME)) {
        return Err(HandshakeError::Extension(other.name.clone()));
    }
    check_answer(&answers, settings).map_err(HandshakeError::Deflate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ws::handshake::MAX_HANDSHAKE_HEAD;

    fn request() -> ClientRequest {
        let mut request = ClientRequest::new("h:1", "/p?q", [1; 16]);
        request.protocols = vec!["chat".into(), "superchat".into()];
        request
    }

    fn answer(extra: &str) -> String {
        format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {}\r\n{extra}\r\n",
            accept_key(&request().key)
        )
    }

    #[test]
    fn the_request_carries_the_key_version_and_protocols() {
        let mut bytes = Vec::new();
        let mut with_headers = request();
        with_headers.headers = vec![
            ("origin".into(), "http://h".into()),
            ("bad\r\nname".into(), "x".into()),
        ];
        with_headers.write(&mut bytes);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("GET /p?q HTTP/1.1\r\nhost: h:1\r\n"));
        assert!(text.contains("sec-websocket-key: AQEBAQEBAQEBAQEBAQEBAQ==\r\n"));
        assert!(text.contains("sec-websocket-version: 13\r\n"));
        assert!(text.contains("sec-websocket-protocol: chat, superchat\r\n"));
        assert!(text.contains("origin: http://h\r\n"));
        assert!(!text.contains("bad"), "an invalid field is left out");
        assert!(text.ends_with("\r\n\r\n"));
    }

    #[test]
    fn deflate_is_offered_and_its_answer_taken() {
        let mut offering = request();
        offering.deflate = Some(PerMessageDeflate::new().peer_window_bits(12));
        let mut bytes = Vec::new();
        offering.write(&mut bytes);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains(
            "sec-websocket-extensions: permessage-deflate; server_max_window_bits=12; \
             client_max_window_bits=12\r\n"
        ));
        let good = answer(
            "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10; \
             client_max_window_bits=11\r\n",
        );
        let (accepted, _) = parse_response(good.as_bytes(), &offering).unwrap().unwrap();
        let agreed = accepted.deflate.unwrap();
        assert_eq!(
            (agreed.server.window_bits, agreed.client.window_bits),
            (10, 11)
        );
        let declined = answer("");
        let (accepted, _) = parse_response(declined.as_bytes(), &offering)
            .unwrap()
            .unwrap();
        assert_eq!(accepted.deflate, None);
    }

    #[test]
    fn a_good_answer_is_accepted_from_any_split() {
        let good = answer("Sec-WebSocket-Protocol: superchat\r\n");
        for split in 0..good.len() {
            assert_eq!(
                parse_response(&good.as_bytes()[..split], &request()),
                Ok(None)
            );
        }
        let with_data = [good.as_bytes(), &[0x81, 0x00]].concat();
        let (accepted, used) = parse_response(&with_data, &request()).unwrap().unwrap();
        assert_eq!(accepted.protocol.as_deref(), Some("superchat"));
        assert_eq!(used, good.len());
    }

    #[test]
    fn bad_answers_say_what_is_wrong() {
        let wrong_accept = answer("").replace(&accept_key(&request().key), "AAAA");
        for (text, expected) in [
            (
                "HTTP/1.1 403 Forbidden\r\n\r\n".to_string(),
                HandshakeError::Status(StatusCode::FORBIDDEN),
            ),
            (wrong_accept, HandshakeError::Accept),
            (
                answer("").replace("Upgrade: WebSocket\r\n", ""),
                HandshakeError::NotUpgrade,
            ),
            (
                answer("Sec-WebSocket-Protocol: other\r\n"),
                HandshakeError::Protocol("other".into()),
            ),
            (
                answer("Sec-WebSocket-Extensions: permessage-deflate\r\n"),
                HandshakeError::Extension("permessage-deflate".into()),
            ),
            (
                "HTTP/1.1 101\r\nbad header\r\n\r\n".to_string(),
                HandshakeError::Malformed("the response head"),
            ),
        ] {
            assert_eq!(parse_response(text.as_bytes(), &request()), Err(expected));
        }
        let mut offering = request();
        offering.deflate = Some(PerMessageDeflate::new());
        for (extra, expected) in [
            (
                "Sec-WebSocket-Extensions: x-other\r\n",
                HandshakeError::Extension("x-other".into()),
            ),
            (
                "Sec-WebSocket-Extensions: permessage-deflate; nope\r\n",
                HandshakeError::Deflate(NegotiationError::UnknownParameter("nope".into())),
            ),
            (
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=8\r\n",
                HandshakeError::Deflate(NegotiationError::NotAllowed("client_max_window_bits")),
            ),
            (
                "Sec-WebSocket-Extensions: permessage-deflate;\r\n",
                HandshakeError::Deflate(NegotiationError::Malformed),
            ),
            (
                "Sec-WebSocket-Extensions: permessage-deflate\r\n\
                 Sec-WebSocket-Extensions: permessage-deflate\r\n",
                HandshakeError::Deflate(NegotiationError::Repeated),
            ),
        ] {
            let text = answer(extra);
            assert_eq!(
                parse_response(text.as_bytes(), &offering),
                Err(expected),
                "{extra}"
            );
        }
        let endless = format!("HTTP/1.1 101 OK\r\nx: {}", "y".repeat(MAX_HANDSHAKE_HEAD));
        assert_eq!(
            parse_response(endless.as_bytes(), &request()),
            Err(HandshakeError::TooLarge)
        );
    }
}
