//! Connections of wasio's own HTTP/1.1 server: keep-alive, pipelining, HTTP/1.0, `connection:
//! close`, HEAD and `Expect: 100-continue`, seen byte by byte.

use wasio::http::server::{App, Request, Response, get, post};
use wasio::io::AsyncWriteExt;

use super::{connect, exchange, is_closed, read_reply, start};

fn app() -> App {
    App::new()
        .route("/", get(|_| async { "Hello, World!" }))
        .route(
            "/echo",
            post(|mut r: Request| async move { r.bytes().await.map(|b| b.to_vec()) }),
        )
        .route(
            "/n/{n}",
            get(|r: Request| async move { format!("reply {}", r.param("n").unwrap()) }),
        )
}

#[wasio::test]
async fn a_request_gets_a_complete_response() {
    let addr = start(app()).await;
    let reply = exchange(addr, b"GET / HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!((reply.status, reply.reason.as_str()), (200, "OK"));
    assert_eq!(reply.header("content-length"), Some("13"));
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(reply.header("date").is_some_and(|d| d.ends_with(" GMT")));
    assert_eq!(reply.text(), "Hello, World!");
}

#[wasio::test]
async fn keep_alive_carries_many_requests_on_one_connection() {
    let addr = start(app()).await;
    let mut stream = connect(addr).await;
    for n in 0..50 {
        let request = format!("GET /n/{n} HTTP/1.1\r\nhost: x\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let reply = read_reply(&mut stream, false).await.unwrap();
        assert_eq!(reply.text(), format!("reply {n}"));
        assert_eq!(reply.header("connection"), None);
    }
}

#[wasio::test]
async fn pipelined_requests_are_answered_in_order() {
    let addr = start(app()).await;
    let mut stream = connect(addr).await;
    let mut burst = Vec::new();
    for n in 0..20 {
        if n % 2 == 0 {
            burst.extend_from_slice(format!("GET /n/{n} HTTP/1.1\r\nhost: x\r\n\r\n").as_bytes());
        } else {
            let body = format!("body {n}");
            burst.extend_from_slice(
                format!(
                    "POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            );
        }
    }
    // All in one write: the server finds many requests in one read.
    stream.write_all(&burst).await.unwrap();
    for n in 0..20 {
        let reply = read_reply(&mut stream, false).await.unwrap();
        let expected = if n % 2 == 0 {
            format!("reply {n}")
        } else {
            format!("body {n}")
        };
        assert_eq!(reply.text(), expected);
    }
}

#[wasio::test]
async fn a_request_split_into_single_bytes_is_still_understood() {
    let addr = start(app()).await;
    let mut stream = connect(addr).await;
    for byte in b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhello" {
        stream.write_all(&[*byte]).await.unwrap();
        wasio::yield_now().await;
    }
    assert_eq!(
        read_reply(&mut stream, false).await.unwrap().text(),
        "hello"
    );
}

#[wasio::test]
async fn connection_close_and_http_1_0_end_the_connection() {
    let addr = start(app()).await;
    let mut stream = connect(addr).await;
    stream
        .write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let reply = read_reply(&mut stream, false).await.unwrap();
    assert_eq!(reply.header("connection"), Some("close"));
    assert!(is_closed(&mut stream).await);

    let mut stream = connect(addr).await;
    stream.write_all(b"GET / HTTP/1.0\r\n\r\n").await.unwrap();
    let reply = read_reply(&mut stream, false).await.unwrap();
    assert_eq!((reply.status, reply.text()), (200, "Hello, World!"));
    assert!(is_closed(&mut stream).await, "HTTP/1.0 closes by default");

    let mut stream = connect(addr).await;
    for _ in 0..2 {
        stream
            .write_all(b"GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n")
            .await
            .unwrap();
        let reply = read_reply(&mut stream, false).await.unwrap();
        assert_eq!(reply.header("connection"), Some("keep-alive"));
    }
}

#[wasio::test]
async fn head_sends_the_get_headers_without_the_body() {
    let addr = start(app()).await;
    let mut stream = connect(addr).await;
    stream
        .write_all(b"HEAD / HTTP/1.1\r\nhost: x\r\n\r\nGET / HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let head = read_reply(&mut stream, true).await.unwrap();
    assert_eq!(head.header("content-length"), Some("13"));
    // Had the body been sent, the next reply would be read from it and fail.
    let get = read_reply(&mut stream, false).await.unwrap();
    assert_eq!(get.text(), "Hello, World!");
}

#[wasio::test]
async fn expect_100_continue_is_answered_when_the_body_is_read() {
    let addr = start(app()).await;
    let mut stream = connect(addr).await;
    stream
        .write_all(
            b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 4\r\nexpect: 100-continue\r\n\r\n",
        )
        .await
        .unwrap();
    let interim = read_reply(&mut stream, false).await.unwrap();
    assert_eq!((interim.status, interim.reason.as_str()), (100, "Continue"));
    stream.write_all(b"data").await.unwrap();
    let reply = read_reply(&mut stream, false).await.unwrap();
    assert_eq!((reply.status, reply.text()), (200, "data"));
}

#[wasio::test]
async fn a_body_the_handler_does_not_want_is_never_asked_for() {
    let app = App::new().route(
        "/refuse",
        post(|_| async { Response::text("no thanks").with_status(http::StatusCode::FORBIDDEN) }),
    );
    let addr = start(app).await;
    let mut stream = connect(addr).await;
    stream
        .write_all(b"POST /refuse HTTP/1.1\r\nhost: x\r\ncontent-length: 1000000\r\nexpect: 100-continue\r\n\r\n")
        .await
        .unwrap();
    let reply = read_reply(&mut stream, false).await.unwrap();
    assert_eq!((reply.status, reply.text()), (403, "no thanks"));
    assert_eq!(reply.header("connection"), Some("close"));
    assert!(is_closed(&mut stream).await);
}

#[wasio::test]
async fn an_unread_small_body_is_skipped_and_the_connection_kept() {
    let app = App::new().route("/ignore", post(|_| async { "ignored" }));
    let addr = start(app).await;
    let mut stream = connect(addr).await;
    let body = "x".repeat(1000);
    for _ in 0..3 {
        let request =
            format!("POST /ignore HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{body}");
        stream.write_all(request.as_bytes()).await.unwrap();
        let reply = read_reply(&mut stream, false).await.unwrap();
        assert_eq!(
            (reply.text(), reply.header("connection")),
            ("ignored", None)
        );
    }
}

#[wasio::test]
async fn many_clients_at_once_are_all_served() {
    let addr = start(app()).await;
    let clients = (0..200).map(|n| async move {
        let mut stream = connect(addr).await;
        for round in 0..5 {
            let request = format!("GET /n/{n}-{round} HTTP/1.1\r\nhost: x\r\n\r\n");
            stream.write_all(request.as_bytes()).await.unwrap();
            let reply = read_reply(&mut stream, false).await.unwrap();
            assert_eq!(reply.text(), format!("reply {n}-{round}"));
        }
    });
    wasio::future::join_all(clients).await;
}

#[wasio::test]
async fn the_url_is_whole_when_the_host_header_says_where_it_went() {
    let app = App::new().route(
        "/where",
        get(|r: Request| async move { format!("{} {}", r.uri(), r.path()) }),
    );
    let addr = start(app).await;
    let reply = exchange(
        addr,
        b"GET /where?q=1 HTTP/1.1\r\nhost: example.com:8080\r\n\r\n",
    )
    .await;
    assert_eq!(reply.text(), "http://example.com:8080/where?q=1 /where");
    let reply = exchange(addr, b"GET /where HTTP/1.0\r\n\r\n").await;
    assert_eq!(reply.text(), "/where /where");
}
