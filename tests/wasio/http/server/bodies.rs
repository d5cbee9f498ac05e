//! Bodies over wasio's own server: chunked requests, streamed and chunked responses,
//! trailers, server-sent events, large bodies, and a stream that fails.

use std::time::Duration;

use bytes::Bytes;
use futures_lite::StreamExt;
use wasio::http::HeaderMap;
use wasio::http::server::{App, Event, Request, Response, Sse, get, post};
use wasio::io::AsyncWriteExt;
use wasio::sync::Queue;

use super::{connect, exchange, read_reply, start};

#[wasio::test]
async fn a_chunked_request_body_is_decoded() {
    let app = App::new().route(
        "/sizes",
        post(|mut r: Request| async move {
            let mut sizes = Vec::new();
            while let Some(chunk) = r.chunk().await? {
                sizes.push(chunk.len());
            }
            Ok::<_, wasio::http::server::HttpError>(format!("{}", sizes.iter().sum::<usize>()))
        }),
    );
    let addr = start(app).await;
    let reply = exchange(
        addr,
        b"POST /sizes HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n\
          5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nx-trailer: t\r\n\r\n",
    )
    .await;
    assert_eq!((reply.status, reply.text()), (200, "16"));
}

#[wasio::test]
async fn a_malformed_chunked_body_is_a_400_for_the_handler() {
    let app = App::new().route(
        "/read",
        post(|mut r: Request| async move { r.bytes().await.map(|b| b.len().to_string()) }),
    );
    let addr = start(app).await;
    let reply = exchange(
        addr,
        b"POST /read HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.header("connection"), Some("close"));
}

#[wasio::test]
async fn a_streamed_response_is_chunked_as_a_task_produces_it() {
    let app = App::new().route(
        "/count",
        get(|_| async {
            let queue = std::rc::Rc::new(Queue::new(2));
            let producer = queue.clone();
            drop(wasio::spawn(async move {
                for n in 0..5 {
                    wasio::time::sleep(Duration::from_millis(2)).await;
                    producer.put(format!("{n} ")).await.unwrap();
                }
                producer.close();
            }));
            let chunks = futures_lite::stream::unfold(queue, |queue| async move {
                let item = queue.get().await.ok()?;
                Some((Ok::<_, std::io::Error>(item), queue))
            });
            Response::stream("text/plain", chunks)
        }),
    );
    let addr = start(app).await;
    let reply = exchange(addr, b"GET /count HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert!(reply.chunked);
    assert_eq!(reply.header("content-length"), None);
    assert_eq!(reply.text(), "0 1 2 3 4 ");

    // HTTP/1.0 has no chunks: the body ends with the connection.
    let reply = exchange(addr, b"GET /count HTTP/1.0\r\n\r\n").await;
    assert!(!reply.chunked);
    assert_eq!(reply.header("connection"), Some("close"));
    assert_eq!(reply.text(), "0 1 2 3 4 ");
}

#[wasio::test]
async fn trailers_follow_a_chunked_body() {
    let app = App::new().route(
        "/signed",
        get(|_| async {
            Response::text("payload").with_trailers(async {
                let mut trailers = HeaderMap::new();
                trailers.insert("x-checksum", "abc123".parse().unwrap());
                trailers
            })
        }),
    );
    let addr = start(app).await;
    let reply = exchange(addr, b"GET /signed HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert!(reply.chunked);
    assert_eq!(reply.text(), "payload");
    assert_eq!(
        reply.trailers,
        [("x-checksum".to_string(), "abc123".to_string())]
    );
}

#[wasio::test]
async fn large_bodies_go_both_ways() {
    let app = App::new()
        .route(
            "/echo",
            post(|mut r: Request| async move {
                r.set_max_body_size(8 << 20);
                r.bytes().await
            }),
        )
        .route(
            "/big",
            get(|_| async {
                Bytes::from((0..4 << 20).map(|i| (i % 251) as u8).collect::<Vec<u8>>())
            }),
        );
    let addr = start(app).await;
    let reply = exchange(addr, b"GET /big HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!(reply.body.len(), 4 << 20);
    assert!(
        reply
            .body
            .iter()
            .enumerate()
            .all(|(i, &b)| b == (i % 251) as u8)
    );

    // The upload goes out from a task while the echo comes back: neither side waits for the
    // other to finish.
    let body: Vec<u8> = (0..3 << 20).map(|i| (i % 253) as u8).collect();
    let (mut reader, mut writer) = connect(addr).await.into_split();
    let head = format!(
        "POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let upload = wasio::spawn(async move {
        writer.write_all(head.as_bytes()).await.unwrap();
        writer.write_all(&body).await.unwrap();
    });
    let reply = read_reply(&mut reader, false).await.unwrap();
    upload.await.unwrap();
    assert_eq!(reply.body.len(), 3 << 20);
    assert!(
        reply
            .body
            .iter()
            .enumerate()
            .all(|(i, &b)| b == (i % 253) as u8)
    );
}

#[wasio::test]
async fn a_stream_that_fails_cuts_the_response_short() {
    let app = App::new().route(
        "/broken",
        get(|_| async {
            let chunks = futures_lite::stream::iter([
                Ok(Bytes::from("first part")),
                Err(std::io::Error::other("the source broke")),
            ]);
            Response::stream("text/plain", chunks)
        }),
    );
    let addr = start(app).await;
    let mut stream = connect(addr).await;
    stream
        .write_all(b"GET /broken HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let reply = read_reply(&mut stream, false).await;
    assert!(
        reply.is_err(),
        "the client must not see a complete body: {reply:?}"
    );
}

#[wasio::test]
async fn server_sent_events_stream_with_keep_alive_comments() {
    let app = App::new().route(
        "/events",
        get(|_| async {
            let events = futures_lite::stream::iter(1..=3).then(|n| async move {
                wasio::time::sleep(Duration::from_millis(if n == 3 { 120 } else { 1 })).await;
                Event::data(format!("tick {n}"))
                    .event("tick")
                    .id(n.to_string())
            });
            Sse::new(events).keep_alive(Duration::from_millis(50))
        }),
    );
    let addr = start(app).await;
    let reply = exchange(addr, b"GET /events HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!(reply.header("content-type"), Some("text/event-stream"));
    assert_eq!(reply.header("cache-control"), Some("no-cache"));
    let text = reply.text();
    assert!(
        text.starts_with(
            "event: tick\nid: 1\ndata: tick 1\n\nevent: tick\nid: 2\ndata: tick 2\n\n"
        ),
        "{text:?}"
    );
    assert!(
        text.ends_with("event: tick\nid: 3\ndata: tick 3\n\n"),
        "{text:?}"
    );
    let comments = text.matches(":\n\n").count();
    assert!(
        (1..=3).contains(&comments),
        "keep-alive comments while waiting: {text:?}"
    );
}

#[wasio::test]
async fn a_body_read_after_the_response_is_an_error_not_a_panic() {
    let (tell, told) = wasio::sync::oneshot::channel::<String>();
    let tell = std::cell::RefCell::new(Some(tell));
    let app = App::new()
        .route(
            "/leave",
            post(move |mut r: Request| {
                let tell = tell.borrow_mut().take();
                async move {
                    drop(wasio::spawn(async move {
                        wasio::time::sleep(Duration::from_millis(50)).await;
                        let outcome = match r.bytes().await {
                            Ok(bytes) => format!("read {} bytes", bytes.len()),
                            Err(error) => error.to_string(),
                        };
                        if let Some(tell) = tell {
                            let _ = tell.send(outcome);
                        }
                    }));
                    "answered early"
                }
            }),
        )
        .route("/", get(|_| async { "next" }));
    let addr = start(app).await;
    let mut stream = connect(addr).await;
    stream
        .write_all(b"POST /leave HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\n\r\nabc")
        .await
        .unwrap();
    assert_eq!(
        read_reply(&mut stream, false).await.unwrap().text(),
        "answered early"
    );
    let outcome = told.await.unwrap();
    assert_eq!(
        outcome,
        "500 the request body was read after its response was sent"
    );
    stream
        .write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_reply(&mut stream, false).await.unwrap().text(), "next");
}
