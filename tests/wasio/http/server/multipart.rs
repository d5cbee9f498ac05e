//! Multipart uploads over wasio's own server: parts with and without file names, binary
//! content that looks like a boundary, parts split across many small chunks, every limit at
//! and past its edge, and malformed bodies.

use std::fmt::Write as _;

use wasio::http::multipart::{MultipartError, MultipartLimits};
use wasio::http::server::{App, HttpError, Request, post};

use super::{exchange, start};

const BOUNDARY: &str = "xYz-Boundary";

/// FNV-1a, to check content without sending it back.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The limits of the `/limited` route.
fn small_limits() -> MultipartLimits {
    let mut limits = MultipartLimits::default();
    limits.max_parts = 3;
    limits.max_header_size = 64;
    limits.max_part_size = 10;
    limits.max_size = 400;
    limits
}

/// Each part as `name filename content-type size hash`, its content read chunk by chunk.
async fn summary(mut request: Request, limits: MultipartLimits) -> Result<String, MultipartError> {
    let mut multipart = request.multipart_with(limits)?;
    let mut out = String::new();
    while let Some(mut part) = multipart.next_part().await? {
        let (name, file) = (
            part.name().map(str::to_string),
            part.filename().map(str::to_string),
        );
        let mime = part.content_type().map(str::to_string);
        let mut content = Vec::new();
        while let Some(chunk) = part.chunk().await? {
            content.extend_from_slice(&chunk);
        }
        let _ = writeln!(
            out,
            "{} {} {} {} {:x}",
            name.as_deref().unwrap_or("-"),
            file.as_deref().unwrap_or("-"),
            mime.as_deref().unwrap_or("-"),
            content.len(),
            fnv(&content)
        );
    }
    Ok(out)
}

fn app() -> App {
    App::new()
        .route("/parts", post(|r| summary(r, MultipartLimits::default())))
        .route("/limited", post(|r| summary(r, small_limits())))
        .route(
            "/small-body",
            post(|mut r: Request| async move {
                r.set_max_body_size(200);
                summary(r, MultipartLimits::default()).await
            }),
        )
        .route(
            "/fields",
            post(|mut r: Request| async move {
                // Through `?` into an HttpError: the multipart error keeps its status.
                let fields = r.multipart()?.read_fields().await?;
                let mut out = String::new();
                for field in fields {
                    let _ = writeln!(out, "{}={}", field.name().unwrap_or("-"), field.text()?);
                }
                Ok::<_, HttpError>(out)
            }),
        )
}

/// A part: its header lines (each with CRLF) and content.
struct P<'a>(&'a str, &'a [u8]);

/// A multipart body of `parts`, with the usual line ends.
fn body(parts: &[P]) -> Vec<u8> {
    let mut body = Vec::new();
    for P(headers, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n{headers}\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A POST of `body` to `path`, with a content length.
fn request(path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: multipart/form-data; boundary=\"{BOUNDARY}\"\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

/// A POST of `body` to `path`, chunked in chunks of `size` bytes.
fn chunked_request(path: &str, body: &[u8], size: usize) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: multipart/form-data; boundary={BOUNDARY}\r\ntransfer-encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for chunk in body.chunks(size) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    request
}

/// Content with CRLFs, boundaries without the CRLF before them, a delimiter cut short, and
/// every byte value.
fn tricky_content() -> Vec<u8> {
    let mut content =
        format!("--{BOUNDARY}\r\n\r\n-{BOUNDARY}\r\r--{BOUNDARY}\n--{BOUNDARY}--").into_bytes();
    content.extend((0..=255u8).cycle().take(1000));
    content.extend_from_slice(b"\r\n--xYz-Boundar\r\n\r\n");
    content
}

fn line(name: &str, file: &str, mime: &str, content: &[u8]) -> String {
    format!(
        "{name} {file} {mime} {} {:x}\n",
        content.len(),
        fnv(content)
    )
}

#[wasio::test]
async fn parts_with_and_without_file_names_and_binary_content() {
    let addr = start(app()).await;
    let tricky = tricky_content();
    let parts = [
        P(
            "content-disposition: form-data; name=\"title\"\r\n",
            b"a holiday",
        ),
        P(
            "Content-Disposition: form-data; name=\"photo\"; filename=\"été.bin\"\r\ncontent-type: application/octet-stream\r\n",
            &tricky,
        ),
        P("content-disposition: form-data; name=\"empty\"\r\n", b""),
        P("", b"no headers"),
    ];
    let expected = line("title", "-", "-", b"a holiday")
        + &line("photo", "été.bin", "application/octet-stream", &tricky)
        + &line("empty", "-", "-", b"")
        + &line("-", "-", "-", b"no headers");
    let reply = exchange(addr, &request("/parts", &body(&parts))).await;
    assert_eq!((reply.status, reply.text()), (200, expected.as_str()));
}

#[wasio::test]
async fn an_extended_file_name_is_decoded_and_wins_over_the_plain_one() {
    let addr = start(app()).await;
    let parts = [
        P(
            "content-disposition: form-data; name=\"cv\"; filename=\"resume.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E2%82%AC.txt\r\n",
            b"1",
        ),
        P(
            "content-disposition: form-data; name=\"latin\"; filename*=iso-8859-1'fr'caf%E9.txt\r\n",
            b"2",
        ),
        // One that does not decode leaves the plain name.
        P(
            "content-disposition: form-data; name=\"odd\"; filename*=UTF-8''%FF; filename=\"plain.txt\"\r\n",
            b"3",
        ),
        P(
            "content-disposition: form-data; name=\"none\"; filename*=koi8-r''%C1\r\n",
            b"4",
        ),
    ];
    let expected = line("cv", "résumé €.txt", "-", b"1")
        + &line("latin", "café.txt", "-", b"2")
        + &line("odd", "plain.txt", "-", b"3")
        + &line("none", "-", "-", b"4");
    let reply = exchange(addr, &request("/parts", &body(&parts))).await;
    assert_eq!((reply.status, reply.text()), (200, expected.as_str()));
}

#[wasio::test]
async fn a_body_split_into_chunks_of_every_small_size_gives_the_same_parts() {
    let addr = start(app()).await;
    let tricky = tricky_content();
    let parts = [
        P(
            "content-disposition: form-data; name=\"a\"\r\n",
            b"first\r\n",
        ),
        P(
            "content-disposition: form-data; name=\"b\"; filename=\"b\"\r\n",
            &tricky,
        ),
    ];
    let expected = line("a", "-", "-", b"first\r\n") + &line("b", "b", "-", &tricky);
    let body = body(&parts);
    for size in [1, 2, 3, 5, 7, 13, 16, 64] {
        let reply = exchange(addr, &chunked_request("/parts", &body, size)).await;
        assert_eq!(
            (reply.status, reply.text()),
            (200, expected.as_str()),
            "chunks of {size}"
        );
    }
}

#[wasio::test]
async fn a_preamble_an_epilogue_and_transport_padding_are_skipped() {
    let addr = start(app()).await;
    let body = format!(
        "a preamble\r\n--{BOUNDARY}  \t\r\ncontent-disposition: form-data; name=\"x\"\r\n\r\n1\r\n--{BOUNDARY}--\r\nan epilogue"
    );
    let reply = exchange(addr, &request("/parts", body.as_bytes())).await;
    assert_eq!(
        (reply.status, reply.text()),
        (200, line("x", "-", "-", b"1").as_str())
    );
}

#[wasio::test]
async fn read_fields_keeps_every_field_and_a_limit_keeps_its_status_through_question_mark() {
    let addr = start(app()).await;
    let parts = [
        P("content-disposition: form-data; name=\"a\"\r\n", b"1"),
        P(
            "content-disposition: form-data; name=\"b\"\r\n",
            "é".as_bytes(),
        ),
    ];
    let reply = exchange(addr, &request("/fields", &body(&parts))).await;
    assert_eq!((reply.status, reply.text()), (200, "a=1\nb=é\n"));
    let many: Vec<_> = (0..1001)
        .map(|_| P("content-disposition: form-data; name=\"f\"\r\n", b"v"))
        .collect();
    assert_eq!(
        exchange(addr, &request("/fields", &body(&many[..1000])))
            .await
            .status,
        200
    );
    let reply = exchange(addr, &request("/fields", &body(&many))).await;
    assert_eq!(
        (reply.status, reply.text()),
        (413, "the multipart body has more than 1000 parts")
    );
    let bad = body(&[P("content-disposition: form-data; name=\"a\"\r\n", b"\xff")]);
    assert_eq!(exchange(addr, &request("/fields", &bad)).await.status, 400);
}

/// The status of a POST of `parts` to `/limited`.
async fn limited(parts: &[P<'_>]) -> u16 {
    let addr = start(app()).await;
    exchange(addr, &request("/limited", &body(parts)))
        .await
        .status
}

const FIELD: &str = "content-disposition: form-data; name=\"f\"\r\n";

#[wasio::test]
async fn the_part_count_limit_holds_at_its_edge() {
    assert_eq!(
        limited(&[P(FIELD, b"1"), P(FIELD, b"2"), P(FIELD, b"3")]).await,
        200
    );
    assert_eq!(
        limited(&[
            P(FIELD, b"1"),
            P(FIELD, b"2"),
            P(FIELD, b"3"),
            P(FIELD, b"4")
        ])
        .await,
        413
    );
}

#[wasio::test]
async fn the_part_size_limit_holds_at_its_edge() {
    assert_eq!(limited(&[P(FIELD, b"0123456789")]).await, 200);
    assert_eq!(limited(&[P(FIELD, b"0123456789A")]).await, 413);
}

#[wasio::test]
async fn the_header_size_limit_holds_at_its_edge() {
    // 64 bytes of header lines, CRLFs included.
    let at = format!("x-pad: {}\r\n", "p".repeat(55));
    assert_eq!(at.len(), 64);
    let past = format!("x-pad: {}\r\n", "p".repeat(56));
    assert_eq!(limited(&[P(&at, b"1")]).await, 200);
    assert_eq!(limited(&[P(&past, b"1")]).await, 413);
    // Past it without the blank line ever coming: refused without waiting for it.
    let addr = start(app()).await;
    let endless = format!("--{BOUNDARY}\r\nx-pad: {}", "p".repeat(100));
    assert_eq!(
        exchange(addr, &request("/limited", endless.as_bytes()))
            .await
            .status,
        413
    );
}

#[wasio::test]
async fn the_whole_body_limit_holds_at_its_edge() {
    // Three parts of 10 bytes, padded by a preamble to exactly 400 bytes.
    let parts = body(&[
        P(FIELD, b"0123456789"),
        P(FIELD, b"0123456789"),
        P(FIELD, b"0123456789"),
    ]);
    let addr = start(app()).await;
    let mut at = vec![b'.'; 400 - parts.len() - 2];
    at.extend_from_slice(b"\r\n");
    at.extend_from_slice(&parts);
    assert_eq!(at.len(), 400);
    assert_eq!(exchange(addr, &request("/limited", &at)).await.status, 200);
    at.insert(0, b'.');
    assert_eq!(exchange(addr, &request("/limited", &at)).await.status, 413);
}

#[wasio::test]
async fn the_request_body_limit_applies_too() {
    let addr = start(app()).await;
    // 200 bytes, the last of them the closing boundary's: all read.
    let with = |content: &[u8], padding: usize| {
        let mut body = vec![b'.'; padding];
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&body_of(content));
        body
    };
    let padding = 200 - with(b"x", 0).len();
    let at = with(b"x", padding);
    assert_eq!(at.len(), 200);
    let reply = exchange(addr, &chunked_request("/small-body", &at, 50)).await;
    assert_eq!(reply.status, 200);
    let past = with(b"xx", padding);
    let reply = exchange(addr, &chunked_request("/small-body", &past, 50)).await;
    assert_eq!(
        (reply.status, reply.text()),
        (413, "the request body is larger than 200 bytes")
    );
}

/// One field of `content`, the body ending with the closing boundary's `--`.
fn body_of(content: &[u8]) -> Vec<u8> {
    let mut body = body(&[P(FIELD, content)]);
    body.truncate(body.len() - 2);
    body
}

#[wasio::test]
async fn content_types_without_a_valid_boundary_are_refused() {
    let addr = start(app()).await;
    for (content_type, status) in [
        (None, 415),
        (Some("text/plain"), 415),
        (Some("multipart/form-data"), 400),
        (Some("multipart/form-data; boundary="), 400),
        (Some("multipart/form-data; boundary=\"unclosed"), 400),
        (Some("multipart/form-data; boundary=bad{char}"), 400),
    ] {
        let header = content_type
            .map(|t| format!("content-type: {t}\r\n"))
            .unwrap_or_default();
        let raw = format!("POST /parts HTTP/1.1\r\nhost: x\r\n{header}content-length: 0\r\n\r\n");
        let reply = exchange(addr, raw.as_bytes()).await;
        assert_eq!(reply.status, status, "{content_type:?}");
    }
}

#[wasio::test]
async fn malformed_bodies_are_a_400() {
    let addr = start(app()).await;
    let part = format!("--{BOUNDARY}\r\n{FIELD}\r\ncontent");
    for (body, why) in [
        (part.clone(), "no closing boundary"),
        (
            format!("--{BOUNDARY}\r\n{FIELD}"),
            "cut short in the headers",
        ),
        (String::from("no boundary at all"), "no boundary"),
        (
            format!("{part}\r\n--{BOUNDARY}"),
            "cut short after a boundary",
        ),
        (
            format!("--{BOUNDARY}X\r\n{FIELD}\r\n1\r\n--{BOUNDARY}--"),
            "a boundary followed by junk",
        ),
        (
            format!("--{BOUNDARY}\r\nno colon\r\n\r\n1\r\n--{BOUNDARY}--"),
            "a header without a colon",
        ),
        (
            format!("--{BOUNDARY}\r\nbad name: 1\r\n\r\n1\r\n--{BOUNDARY}--"),
            "a bad header name",
        ),
        (
            format!("--{BOUNDARY}\r\n{FIELD} folded\r\n\r\n1\r\n--{BOUNDARY}--"),
            "a folded header",
        ),
        (
            format!("--{BOUNDARY}\r\nx: a\nb: c\r\n\r\n1\r\n--{BOUNDARY}--"),
            "a bare LF",
        ),
    ] {
        let reply = exchange(addr, &request("/parts", body.as_bytes())).await;
        assert_eq!(reply.status, 400, "{why}: {}", reply.text());
    }
}
