//! Bad and oversized requests get the status RFC 9110/9112 gives them, slow clients are cut
//! off, and each limit holds at its edge.

use std::time::Duration;

use wasio::http::server::{App, Request, ServerConfig, get, post};
use wasio::io::AsyncWriteExt;
use wasio::time::{Instant, sleep};

use super::{connect, exchange, is_closed, read_reply, start, start_with};

fn app() -> App {
    App::new()
        .route("/", get(|_| async { "ok" }))
        .route(
            "/read",
            post(|mut r: Request| async move { r.bytes().await.map(|b| b.len().to_string()) }),
        )
        .max_body_size(10)
}

/// The status of the reply to `request`, on a server with `config`.
async fn status(config: ServerConfig, request: &[u8]) -> u16 {
    let addr = start_with(app(), config).await.addr;
    exchange(addr, request).await.status
}

/// The reply to `request`, and whether the server then closed the connection.
async fn refused(config: ServerConfig, request: &[u8]) -> (u16, String, bool) {
    let addr = start_with(app(), config).await.addr;
    let mut stream = connect(addr).await;
    stream.write_all(request).await.unwrap();
    let reply = read_reply(&mut stream, false).await.unwrap();
    let closed = is_closed(&mut stream).await;
    (reply.status, reply.text().to_string(), closed)
}

#[wasio::test]
async fn malformed_and_ambiguous_heads_are_refused_and_the_connection_closed() {
    for (request, status, reason) in [
        (&b"GARBAGE\r\n\r\n"[..], 400, "a malformed request line"),
        (b"GET / HTTP/1.1\r\n\r\n", 400, "an HTTP/1.1 request needs a host header"),
        (b"GET / HTTP/1.1\r\nhost: a\r\nhost: b\r\n\r\n", 400, "more than one host header"),
        (b"GET / HTTP/1.1\r\nhost: a\r\nbad name: x\r\n\r\n", 400, "a malformed header name"),
        (
            b"GET / HTTP/1.1\r\nhost: a\r\nx-folded: one\r\n two\r\n\r\n",
            400,
            "an obsolete folded header line",
        ),
        (
            b"POST /read HTTP/1.1\r\nhost: a\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n",
            400,
            "both transfer-encoding and content-length",
        ),
        (
            b"POST /read HTTP/1.1\r\nhost: a\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\nabcd",
            400,
            "content-length values differ",
        ),
        (
            b"POST /read HTTP/1.1\r\nhost: a\r\ncontent-length: -1\r\n\r\n",
            400,
            "content-length is not a number",
        ),
        (
            b"POST /read HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked, gzip\r\n\r\n",
            400,
            "chunked must be the last transfer coding",
        ),
        (
            b"POST /read HTTP/1.1\r\nhost: a\r\ntransfer-encoding: gzip, chunked\r\n\r\n",
            501,
            "no transfer coding but chunked is supported",
        ),
        (b"GET / HTTP/2.0\r\nhost: a\r\n\r\n", 505, "only HTTP/1.0 and HTTP/1.1 are served here"),
        (b"GET / HTTP/1.1\r\nhost: a\r\nexpect: magic\r\n\r\n", 417, "only 100-continue is expected"),
        (b"GET nopath HTTP/1.1\r\nhost: a\r\n\r\n", 400, "the request target is not a path"),
    ] {
        let (got, text, closed) = refused(ServerConfig::default(), request).await;
        let shown = String::from_utf8_lossy(request);
        assert_eq!((got, text.as_str()), (status, reason), "{shown}");
        assert!(closed, "{shown}");
    }
}

#[wasio::test]
async fn duplicate_equal_content_lengths_are_one_length() {
    let addr = start(app()).await;
    let reply = exchange(
        addr,
        b"POST /read HTTP/1.1\r\nhost: a\r\ncontent-length: 3, 3\r\ncontent-length: 3\r\n\r\nabc",
    )
    .await;
    assert_eq!((reply.status, reply.text()), (200, "3"));
}

#[wasio::test]
async fn the_request_line_limit_holds_at_its_edge() {
    let mut config = ServerConfig::default();
    config.max_request_line = 64;
    // "GET /aaa HTTP/1.1\r\n" is 19 bytes plus the path's length.
    let at_edge = format!(
        "GET /{} HTTP/1.1\r\nhost: a\r\n\r\n",
        "a".repeat(64 - 19 + 3)
    );
    assert_eq!(
        status(config.clone(), at_edge.as_bytes()).await,
        404,
        "a line of exactly the limit is read"
    );
    let past = format!(
        "GET /{} HTTP/1.1\r\nhost: a\r\n\r\n",
        "a".repeat(64 - 19 + 4)
    );
    assert_eq!(
        refused(config, past.as_bytes()).await,
        (414, "the request line is too long".into(), true)
    );
}

#[wasio::test]
async fn the_head_size_and_header_count_limits_hold_at_their_edge() {
    let mut config = ServerConfig::default();
    config.max_head = 200;
    config.max_headers = 5;
    let head = |headers: usize, pad: usize| {
        let mut head = String::from("GET / HTTP/1.1\r\nhost: a\r\n");
        for n in 1..headers {
            head.push_str(&format!("x-{n}: v\r\n"));
        }
        head.push_str(&format!("x-pad: {}\r\n\r\n", "p".repeat(pad)));
        head
    };
    let five = head(4, 0);
    assert_eq!(
        status(config.clone(), five.as_bytes()).await,
        200,
        "five headers"
    );
    assert_eq!(
        refused(config.clone(), head(5, 0).as_bytes()).await,
        (431, "too many header fields".into(), true)
    );
    let base = head(1, 0).len();
    assert_eq!(
        status(config.clone(), head(1, 200 - base).as_bytes()).await,
        200,
        "a head of exactly the limit"
    );
    assert_eq!(
        refused(config, head(1, 201 - base).as_bytes()).await,
        (431, "the request head is too large".into(), true)
    );
}

#[wasio::test]
async fn the_body_limit_holds_over_the_wire() {
    let addr = start(app()).await;
    let at = exchange(
        addr,
        b"POST /read HTTP/1.1\r\nhost: a\r\ncontent-length: 10\r\n\r\n0123456789",
    )
    .await;
    assert_eq!((at.status, at.text()), (200, "10"));
    let past = exchange(
        addr,
        b"POST /read HTTP/1.1\r\nhost: a\r\ncontent-length: 11\r\n\r\n0123456789a",
    )
    .await;
    assert_eq!(past.status, 413);
    let chunked = exchange(
        addr,
        b"POST /read HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n6\r\n012345\r\n5\r\n6789a\r\n0\r\n\r\n",
    )
    .await;
    assert_eq!(chunked.status, 413, "a chunked body is counted as it comes");
}

#[wasio::test]
async fn a_slowloris_head_gets_408_and_is_cut_off() {
    let mut config = ServerConfig::default();
    config.header_timeout = Duration::from_millis(200);
    let addr = start_with(app(), config).await.addr;
    let mut stream = connect(addr).await;
    let started = Instant::now();
    // One byte every 50 ms: the head never completes in time.
    for byte in b"GET / HTTP/1.1\r\nhost: a\r\nx-slow: aaaaaaaaaa" {
        if stream.write_all(&[*byte]).await.is_err() {
            break;
        }
        sleep(Duration::from_millis(50)).await;
        if started.elapsed() > Duration::from_millis(400) {
            break;
        }
    }
    let reply = read_reply(&mut stream, false).await.unwrap();
    assert_eq!(
        (reply.status, reply.text()),
        (408, "the request head took too long")
    );
    assert!(is_closed(&mut stream).await);
}

#[wasio::test]
async fn an_idle_connection_is_closed_without_a_reply() {
    let mut config = ServerConfig::default();
    config.keep_alive_timeout = Duration::from_millis(100);
    let addr = start_with(app(), config).await.addr;
    let mut stream = connect(addr).await;
    // Timed from before the request: the server's idle time starts after its reply, so at
    // least the timeout passes however long this end takes to read the reply.
    let started = Instant::now();
    stream
        .write_all(b"GET / HTTP/1.1\r\nhost: a\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_reply(&mut stream, false).await.unwrap().text(), "ok");
    assert!(is_closed(&mut stream).await);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(100), "{waited:?}");
}

#[wasio::test]
async fn a_stalled_body_times_out_with_408() {
    let mut config = ServerConfig::default();
    config.body_read_timeout = Duration::from_millis(100);
    let addr = start_with(app(), config).await.addr;
    let mut stream = connect(addr).await;
    stream
        .write_all(b"POST /read HTTP/1.1\r\nhost: a\r\ncontent-length: 8\r\n\r\nabc")
        .await
        .unwrap();
    let reply = read_reply(&mut stream, false).await.unwrap();
    assert_eq!(
        (reply.status, reply.text()),
        (408, "the request body stalled")
    );
    assert!(is_closed(&mut stream).await);
}

#[wasio::test]
async fn an_unread_body_is_skipped_up_to_max_drain_and_no_further() {
    let mut config = ServerConfig::default();
    config.max_drain = 100;
    let addr = start_with(app(), config).await.addr;
    for (length, kept) in [(100, true), (101, false)] {
        let mut stream = connect(addr).await;
        let request = format!(
            "GET / HTTP/1.1\r\nhost: a\r\ncontent-length: {length}\r\n\r\n{}",
            "x".repeat(length)
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let reply = read_reply(&mut stream, false).await.unwrap();
        assert_eq!(reply.text(), "ok");
        if kept {
            stream
                .write_all(b"GET / HTTP/1.1\r\nhost: a\r\n\r\n")
                .await
                .unwrap();
            assert_eq!(
                read_reply(&mut stream, false).await.unwrap().text(),
                "ok",
                "{length}"
            );
        } else {
            assert!(is_closed(&mut stream).await, "{length}");
        }
    }
}
