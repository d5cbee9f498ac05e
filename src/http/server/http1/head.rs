//! Parsing a request head (request line and headers) from bytes, with the checks that keep
//! request smuggling and resource exhaustion out. Pure logic: bytes in, a head or an error
//! status out.

use http::header::{
    CONNECTION, CONTENT_LENGTH, EXPECT, HOST, HeaderMap, HeaderName, HeaderValue, TRANSFER_ENCODING,
};
use http::{Method, StatusCode, Version};

/// Limits on a request head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HeadLimits {
    /// The longest request line (method, target, version and line ending).
    pub(crate) max_request_line: usize,
    /// The largest head, request line and headers together.
    pub(crate) max_head: usize,
    /// The most header fields.
    pub(crate) max_headers: usize,
}

/// How the request body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// No body.
    Empty,
    /// `content-length` bytes.
    Length(u64),
    /// `transfer-encoding: chunked`.
    Chunked,
}

/// A parsed request head.
#[derive(Debug)]
pub(crate) struct Head {
    pub(crate) method: Method,
    /// The request target as sent: an origin-form path and query, or `*`.
    pub(crate) target: String,
    pub(crate) version: Version,
    pub(crate) headers: HeaderMap,
    pub(crate) framing: Framing,
    /// Whether the connection may carry another request after this one.
    pub(crate) keep_alive: bool,
    /// The client waits for `100 Continue` before it sends the body.
    pub(crate) expect_continue: bool,
}

/// A request head that cannot be served, and the status that says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HeadError {
    pub(crate) status: StatusCode,
    pub(crate) reason: &'static str,
}

fn reject(status: StatusCode, reason: &'static str) -> HeadError {
    HeadError { status, reason }
}

fn bad(reason: &'static str) -> HeadError {
    reject(StatusCode::BAD_REQUEST, reason)
}

/// A head, with how many bytes of `input` it took; `Ok(None)` when more bytes are needed.
pub(crate) fn parse(input: &[u8], limits: &HeadLimits) -> Result<Option<(Head, usize)>, HeadError> {
    // Before anything else: a request line or head past its limit is refused even if the rest
    // never comes.
    let line_len = match input.iter().position(|&b| b == b'\n') {
        Some(end) => end + 1,
        None => input.len(),
    };
    if line_len > limits.max_request_line {
        return Err(reject(
            StatusCode::URI_TOO_LONG,
            "the request line is too long",
        ));
    }
    let mut fields = [httparse::EMPTY_HEADER; STACK_FIELDS];
    let room = limits.max_headers.min(STACK_FIELDS);
    match parse_in(input, limits, &mut fields[..room]) {
        Err(error) if error == TOO_MANY_FIELDS && limits.max_headers > STACK_FIELDS => parse_in(
            input,
            limits,
            &mut vec![httparse::EMPTY_HEADER; limits.max_headers],
        ),
        parsed => parsed,
    }
}

/// Header slots on the stack: room for almost every request without an allocation. A head
/// with more fields (up to the limit) is parsed again with slots on the heap.
const STACK_FIELDS: usize = 32;

const TOO_MANY_FIELDS: HeadError = HeadError {
    status: StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
    reason: "too many header fields",
};

/// [`parse`] with `fields` as the slots for the header fields.
fn parse_in<'b>(
    input: &'b [u8],
    limits: &HeadLimits,
    fields: &mut [httparse::Header<'b>],
) -> Result<Option<(Head, usize)>, HeadError> {
    let mut request = httparse::Request::new(fields);
    let consumed = match request.parse(input) {
        Ok(httparse::Status::Complete(consumed)) => consumed,
        Ok(httparse::Status::Partial) => {
            if input.len() > limits.max_head {
                return Err(reject(
                    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "the request head is too large",
                ));
            }
            return Ok(None);
        }
        Err(httparse::Error::TooManyHeaders) => return Err(TOO_MANY_FIELDS),
        Err(httparse::Error::Version) => {
            return Err(reject(
                StatusCode::HTTP_VERSION_NOT_SUPPORTED,
                "only HTTP/1.0 and HTTP/1.1 are served here",
            ));
        }
        Err(httparse::Error::HeaderName) if folded(input) => {
            return Err(bad("an obsolete folded header line"));
        }
        Err(httparse::Error::HeaderName) => return Err(bad("a malformed header name")),
        Err(httparse::Error::HeaderValue) => return Err(bad("a malformed header value")),
        Err(httparse::Error::NewLine) => {
            return Err(bad("a malformed line ending"));
        }
        Err(httparse::Error::Token) => return Err(bad("a malformed request line")),
        Err(_) => return Err(bad("a malformed request head")),
    };
    if consumed > limits.max_head {
        return Err(reject(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "the request head is too large",
        ));
    }
    let version = match request.version {
        Some(0) => Version::HTTP_10,
        _ => Version::HTTP_11,
    };
    let method = request
        .method
        .and_then(|m| Method::from_bytes(m.as_bytes()).ok())
        .ok_or(bad("a malformed method"))?;
    let target = request.path.unwrap_or_default();
    let target = if target.starts_with('/') || (target == "*" && method == Method::OPTIONS) {
        target.to_string()
    } else if let Some(path) = absolute_form_path(target) {
        path
    } else {
        return Err(bad("the request target is not a path"));
    };

    let mut headers = HeaderMap::with_capacity(request.headers.len());
    for field in request.headers.iter() {
        let name = HeaderName::from_bytes(field.name.as_bytes())
            .map_err(|_| bad("a malformed header name"))?;
        let value =
            HeaderValue::from_bytes(field.value).map_err(|_| bad("a malformed header value"))?;
        headers.append(name, value);
    }

    if version == Version::HTTP_11 {
        match headers.get_all(HOST).iter().count() {
            1 => {}
            0 => return Err(bad("an HTTP/1.1 request needs a host header")),
            _ => return Err(bad("more than one host header")),
        }
    }
    let framing = framing(&headers, version)?;
    let connection =
        |token: &str| tokens(&headers, &CONNECTION).any(|t| t.eq_ignore_ascii_case(token));
    let keep_alive = if connection("close") {
        false
    } else {
        version == Version::HTTP_11 || connection("keep-alive")
    };
    let expect_continue = match headers.get(EXPECT) {
        None => false,
        Some(value) if value.as_bytes().eq_ignore_ascii_case(b"100-continue") => true,
        Some(_) => {
            return Err(reject(
                StatusCode::EXPECTATION_FAILED,
                "only 100-continue is expected",
            ));
        }
    };
    Ok(Some((
        Head {
            method,
            target,
            version,
            headers,
            framing,
            keep_alive,
            expect_continue,
        },
        consumed,
    )))
}

/// Whether a header line of `input` continues the one before (obsolete line folding, RFC
/// 9112, 5.2), which httparse reports as a malformed name.
fn folded(input: &[u8]) -> bool {
    input
        .windows(2)
        .any(|pair| pair[0] == b'\n' && (pair[1] == b' ' || pair[1] == b'\t'))
}

/// The path and query of an absolute-form target (`http://host/path?q`), as proxies send.
fn absolute_form_path(target: &str) -> Option<String> {
    let rest = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))?;
    let path = &rest[rest.find(['/', '?']).unwrap_or(rest.len())..];
    Some(match path.chars().next() {
        Some('/') => path.to_string(),
        _ => format!("/{path}"),
    })
}

/// Comma-separated tokens of every `name` header (compared case-insensitively).
fn tokens<'a>(headers: &'a HeaderMap, name: &HeaderName) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(name)
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// How the body is delimited (RFC 9112, 6.3), refusing the ambiguous shapes request smuggling
/// relies on.
fn framing(headers: &HeaderMap, version: Version) -> Result<Framing, HeadError> {
    let has_length = headers.contains_key(CONTENT_LENGTH);
    if headers.contains_key(TRANSFER_ENCODING) {
        if has_length {
            return Err(bad("both transfer-encoding and content-length"));
        }
        if version == Version::HTTP_10 {
            return Err(bad("transfer-encoding in an HTTP/1.0 request"));
        }
        let codings: Vec<&str> = tokens(headers, &TRANSFER_ENCODING).collect();
        let chunked = |coding: &str| coding.eq_ignore_ascii_case("chunked");
        return match codings.as_slice() {
            [only] if chunked(only) => Ok(Framing::Chunked),
            [.., last] if chunked(last) => Err(reject(
                StatusCode::NOT_IMPLEMENTED,
                "no transfer coding but chunked is supported",
            )),
            _ => Err(bad("chunked must be the last transfer coding")),
        };
    }
    if !has_length {
        return Ok(Framing::Empty);
    }
    let mut length = None;
    for value in headers.get_all(CONTENT_LENGTH) {
        for part in value.as_bytes().split(|&b| b == b',') {
            let part = part.trim_ascii();
            if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
                return Err(bad("content-length is not a number"));
            }
            let n: u64 = std::str::from_utf8(part)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or(bad("content-length is too large"))?;
            if length.is_some_and(|seen| seen != n) {
                return Err(bad("content-length values differ"));
            }
            length = Some(n);
        }
    }
    Ok(match length {
        Some(0) | None => Framing::Empty,
        Some(n) => Framing::Length(n),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: HeadLimits = HeadLimits {
        max_request_line: 8190,
        max_head: 16 * 1024,
        max_headers: 100,
    };

    fn head(text: &str) -> Head {
        match parse(text.as_bytes(), &LIMITS) {
            Ok(Some((head, consumed))) => {
                assert_eq!(consumed, text.len());
                head
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }

    fn error(text: &[u8]) -> (u16, &'static str) {
        match parse(text, &LIMITS) {
            Err(error) => (error.status.as_u16(), error.reason),
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(text)),
        }
    }

    #[test]
    fn a_simple_get_parses() {
        let h = head("GET /users/7?x=1 HTTP/1.1\r\nHost: example\r\nAccept: */*\r\n\r\n");
        assert_eq!(
            (h.method, h.target.as_str(), h.version),
            (Method::GET, "/users/7?x=1", Version::HTTP_11)
        );
        assert_eq!(h.headers["accept"], "*/*");
        assert_eq!(h.framing, Framing::Empty);
        assert!(h.keep_alive && !h.expect_continue);
    }

    #[test]
    fn a_head_arrives_in_any_number_of_pieces() {
        let text = b"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
        for split in 0..text.len() - 3 {
            assert!(
                matches!(parse(&text[..split], &LIMITS), Ok(None)),
                "split at {split}"
            );
        }
        let (head, consumed) = parse(text, &LIMITS).unwrap().unwrap();
        assert_eq!(
            (consumed, head.framing),
            (text.len() - 3, Framing::Length(3))
        );
    }

    #[test]
    fn connection_and_expect_are_read() {
        assert!(!head("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keep_alive);
        assert!(
            !head("GET / HTTP/1.0\r\n\r\n").keep_alive,
            "1.0 closes by default"
        );
        assert!(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keep_alive);
        assert!(
            head("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 9\r\n\r\n")
                .expect_continue
        );
        assert_eq!(
            error(b"PUT / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n"),
            (417, "only 100-continue is expected")
        );
    }

    #[test]
    fn malformed_request_lines_are_400() {
        for text in [
            &b"GET\r\n\r\n"[..],
            b"GET /x\r\n\r\n",
            b"G(T / HTTP/1.1\r\nHost: h\r\n\r\n",
            b"GET x HTTP/1.1\r\nHost: h\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: h\r\n: empty\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: h\r\nX: a\x00b\r\n\r\n",
        ] {
            assert_eq!(error(text).0, 400, "{:?}", String::from_utf8_lossy(text));
        }
        assert_eq!(error(b"GET / HTTP/2.0\r\nHost: h\r\n\r\n").0, 505);
        assert_eq!(
            error(b"GET / HTTP/1.1\r\n\r\n"),
            (400, "an HTTP/1.1 request needs a host header")
        );
        assert_eq!(
            error(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            (400, "more than one host header")
        );
    }

    #[test]
    fn absolute_and_asterisk_targets_are_accepted() {
        assert_eq!(
            head("GET http://example.com/a?b HTTP/1.1\r\nHost: example.com\r\n\r\n").target,
            "/a?b"
        );
        assert_eq!(
            head("GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n").target,
            "/"
        );
        assert_eq!(head("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").target, "*");
        assert_eq!(error(b"GET * HTTP/1.1\r\nHost: h\r\n\r\n").0, 400);
    }

    #[test]
    fn obsolete_line_folding_is_refused() {
        let folded = b"GET / HTTP/1.1\r\nHost: h\r\nX-Long: a\r\n  continued\r\n\r\n";
        assert_eq!(error(folded), (400, "an obsolete folded header line"));
        let tabbed = b"GET / HTTP/1.1\r\nHost: h\r\nX-Long: a\r\n\tcontinued\r\n\r\n";
        assert_eq!(error(tabbed), (400, "an obsolete folded header line"));
    }

    #[test]
    fn smuggling_shapes_are_refused() {
        let cases: [(&[u8], u16); 9] = [
            (b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
            (b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400),
            (b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n", 400),
            (b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", 400),
            (b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x5\r\n\r\n", 400),
            (b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400),
            (b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, identity\r\n\r\n", 400),
            (b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
            (b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ];
        for (text, status) in cases {
            assert_eq!(error(text).0, status, "{:?}", String::from_utf8_lossy(text));
        }
        let same =
            head("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n");
        assert_eq!(
            same.framing,
            Framing::Length(5),
            "repeated equal lengths are one length"
        );
        let chunked = head("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n");
        assert_eq!(chunked.framing, Framing::Chunked);
    }

    #[test]
    fn limits_hold_at_and_past_their_edge() {
        let limits = HeadLimits {
            max_request_line: 64,
            max_head: 256,
            max_headers: 4,
        };
        let line = |target_len: usize| format!("GET /{} HTTP/1.1\r\n", "a".repeat(target_len));
        let fits = format!("{}Host: h\r\n\r\n", line(64 - 16));
        assert_eq!(line(64 - 16).len(), 64);
        assert!(parse(fits.as_bytes(), &limits).unwrap().is_some());
        let long = line(64 - 16 + 1);
        assert_eq!(
            parse(long.as_bytes(), &limits).unwrap_err().status,
            StatusCode::URI_TOO_LONG
        );

        let headers = |n: usize| {
            let mut text = "GET / HTTP/1.1\r\nHost: h\r\n".to_string();
            for i in 1..n {
                text.push_str(&format!("X-{i}: v\r\n"));
            }
            text + "\r\n"
        };
        assert!(parse(headers(4).as_bytes(), &limits).unwrap().is_some());
        assert_eq!(
            parse(headers(5).as_bytes(), &limits).unwrap_err().status,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
        );
        // Past the slots on the stack, up to the limit and one over it.
        for max_headers in [STACK_FIELDS, STACK_FIELDS + 1, 100] {
            let limits = HeadLimits {
                max_headers,
                ..LIMITS
            };
            for n in [STACK_FIELDS, STACK_FIELDS + 1, max_headers] {
                let parsed = parse(headers(n).as_bytes(), &limits);
                match parsed {
                    Ok(Some((head, _))) if n <= max_headers => assert_eq!(head.headers.len(), n),
                    Err(error) if n > max_headers => assert_eq!(error, TOO_MANY_FIELDS),
                    other => panic!("{n} fields, at most {max_headers}: {other:?}"),
                }
            }
            let over = parse(headers(max_headers + 1).as_bytes(), &limits);
            assert_eq!(
                over.unwrap_err(),
                TOO_MANY_FIELDS,
                "{max_headers} + 1 fields"
            );
        }

        let big = |value: usize| {
            format!(
                "GET / HTTP/1.1\r\nHost: h\r\nX: {}\r\n\r\n",
                "v".repeat(value)
            )
        };
        let at = big(256 - 32);
        assert_eq!(at.len(), 256);
        assert!(parse(at.as_bytes(), &limits).unwrap().is_some());
        let past = big(256 - 31);
        assert_eq!(
            parse(past.as_bytes(), &limits).unwrap_err().status,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
        );
        // A head that is never finished is refused once it outgrows the limit.
        let endless = format!("GET / HTTP/1.1\r\nHost: h\r\nX: {}", "v".repeat(300));
        assert_eq!(
            parse(endless.as_bytes(), &limits).unwrap_err().status,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
        );
    }
}
