//! wasio's own HTTP server over TLS: keep-alive, limits, timeouts that count the handshake,
//! graceful shutdown, and upgrades.

use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use http::StatusCode;
use wasio::http::server::{App, Response, Server, ServerConfig, get, post};
use wasio::io::{AsyncReadExt, AsyncWriteExt};
use wasio::net::TcpStream;
use wasio::sync::Event;
use wasio::time::{Instant, sleep, timeout};
use wasio::tls::TlsStream;

use super::{SOON, client, server};
use crate::http::server::read_reply;

/// An HTTPS server for `app` with `config`; set the event to shut it down.
async fn start(
    app: App,
    config: ServerConfig,
) -> (SocketAddr, Rc<Event>, wasio::runtime::JoinHandle<()>) {
    let server = Server::bind_tls("127.0.0.1:0", server(), app)
        .await
        .unwrap()
        .with_config(config);
    let addr = server.local_addr();
    let stop = Rc::new(Event::new());
    let signal = stop.clone();
    let task = wasio::spawn(async move {
        server
            .run_until(async move { signal.wait().await })
            .await
            .unwrap();
    });
    (addr, stop, task)
}

fn app() -> App {
    App::new()
        .max_body_size(16 << 20)
        .route("/", get(|_| async { "Hello, World!" }))
        .route(
            "/echo",
            post(|mut request: wasio::http::server::Request| async move { request.bytes().await }),
        )
        .route(
            "/slow",
            get(|_| async {
                sleep(Duration::from_millis(300)).await;
                "slow"
            }),
        )
}

async fn connect(addr: SocketAddr) -> TlsStream {
    let tcp = TcpStream::connect(addr).await.unwrap();
    client()
        .alpn(["http/1.1"])
        .unwrap()
        .connect("localhost", tcp)
        .await
        .unwrap()
}

#[wasio::test]
async fn requests_are_kept_alive_over_one_tls_connection() {
    let (addr, _stop, _task) = start(app(), ServerConfig::default()).await;
    let mut tls = connect(addr).await;
    assert_eq!(tls.alpn_protocol().as_deref(), Some(&b"http/1.1"[..]));
    for _ in 0..3 {
        tls.write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\n\r\n")
            .await
            .unwrap();
        let reply = read_reply(&mut tls, false).await.unwrap();
        assert_eq!((reply.status, reply.text()), (200, "Hello, World!"));
    }
    // Pipelined: two requests in one write.
    tls.write_all(
        b"GET / HTTP/1.1\r\nhost: a\r\n\r\nGET / HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n",
    )
    .await
    .unwrap();
    for _ in 0..2 {
        assert_eq!(read_reply(&mut tls, false).await.unwrap().status, 200);
    }
    // connection: close ends it with close_notify: a clean end.
    let mut rest = Vec::new();
    tls.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty());
}

#[wasio::test]
async fn a_large_body_goes_both_ways() {
    let (addr, _stop, _task) = start(app(), ServerConfig::default()).await;
    let mut tls = connect(addr).await;
    let body: Vec<u8> = (0..8 << 20).map(|i: u32| (i % 253) as u8).collect();
    let head = format!(
        "POST /echo HTTP/1.1\r\nhost: a\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let (mut reader, writer) = tls.split();
    let sending = async {
        writer.write_all(head.as_bytes()).await.unwrap();
        writer.write_all(&body).await.unwrap();
    };
    let (reply, ()) = futures_lite::future::zip(read_reply(&mut reader, false), sending).await;
    let reply = reply.unwrap();
    assert_eq!(reply.status, 200);
    assert!(reply.body == body);
}

#[wasio::test]
async fn limits_hold_over_tls() {
    let mut config = ServerConfig::default();
    config.max_headers = 3;
    let (addr, _stop, _task) = start(app(), config).await;
    let mut tls = connect(addr).await;
    tls.write_all(b"GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\n\r\n")
        .await
        .unwrap();
    let reply = read_reply(&mut tls, false).await.unwrap();
    assert_eq!(reply.status, 431);
}

#[wasio::test]
async fn a_stalled_handshake_is_held_to_the_header_timeout() {
    let mut config = ServerConfig::default();
    config.header_timeout = Duration::from_millis(300);
    config.keep_alive_timeout = Duration::from_millis(600);
    let (addr, _stop, _task) = start(app(), config).await;
    // A client that starts a ClientHello and stalls: closed after the header timeout.
    let mut stalled = TcpStream::connect(addr).await.unwrap();
    let start = Instant::now();
    stalled.write_all(&[22, 3, 1, 0, 200, 1]).await.unwrap();
    let mut buf = Vec::new();
    timeout(SOON, stalled.read_to_end(&mut buf))
        .await
        .unwrap()
        .ok();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_millis(600),
        "{took:?}"
    );
    // A client that sends nothing at all: closed after the idle (keep-alive) timeout.
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let start = Instant::now();
    timeout(SOON, silent.read_to_end(&mut buf))
        .await
        .unwrap()
        .ok();
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(600), "{took:?}");
    // Meanwhile the server serves others.
    let mut tls = connect(addr).await;
    tls.write_all(b"GET / HTTP/1.1\r\nhost: a\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_reply(&mut tls, false).await.unwrap().status, 200);
}

#[wasio::test]
async fn a_handshake_flood_is_only_as_costly_as_slow_clients() {
    let mut config = ServerConfig::default();
    config.header_timeout = Duration::from_millis(500);
    config.keep_alive_timeout = Duration::from_millis(500);
    let (addr, _stop, _task) = start(app(), config).await;
    // Two hundred connections that begin a handshake and never finish it.
    let mut flood = Vec::new();
    for _ in 0..200 {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.write_all(&[22, 3, 1]).await.unwrap();
        flood.push(tcp);
    }
    // A real client is served all the while.
    let mut tls = connect(addr).await;
    tls.write_all(b"GET / HTTP/1.1\r\nhost: a\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_reply(&mut tls, false).await.unwrap().status, 200);
    // And the flood is dropped by the timeouts.
    for mut tcp in flood {
        let mut buf = Vec::new();
        timeout(SOON, tcp.read_to_end(&mut buf)).await.unwrap().ok();
    }
}

#[wasio::test]
async fn a_graceful_shutdown_ends_handshakes_and_finishes_requests() {
    let (addr, stop, task) = start(app(), ServerConfig::default()).await;
    let mut busy = connect(addr).await;
    busy.write_all(b"GET /slow HTTP/1.1\r\nhost: a\r\n\r\n")
        .await
        .unwrap();
    let mut handshaking = TcpStream::connect(addr).await.unwrap();
    handshaking.write_all(&[22, 3, 1]).await.unwrap();
    sleep(Duration::from_millis(50)).await;
    stop.set();
    let reply = read_reply(&mut busy, false).await.unwrap();
    assert_eq!((reply.status, reply.text()), (200, "slow"));
    let mut buf = Vec::new();
    timeout(SOON, handshaking.read_to_end(&mut buf))
        .await
        .unwrap()
        .ok();
    timeout(SOON, task).await.unwrap().unwrap();
}

#[wasio::test]
async fn a_tcp_only_upgrade_is_refused_over_tls() {
    let app = App::new().route(
        "/raw",
        get(|_| async {
            Response::new(StatusCode::SWITCHING_PROTOCOLS)
                .header("upgrade", "raw")
                .header("connection", "upgrade")
                .with_upgrade(|_| async {})
        }),
    );
    let (addr, _stop, _task) = start(app, ServerConfig::default()).await;
    let mut tls = connect(addr).await;
    tls.write_all(b"GET /raw HTTP/1.1\r\nhost: a\r\nupgrade: raw\r\nconnection: upgrade\r\n\r\n")
        .await
        .unwrap();
    let reply = read_reply(&mut tls, false).await.unwrap();
    assert_eq!(reply.status, 501);
    assert!(reply.text().contains("plain TCP"), "{}", reply.text());
}

#[wasio::test]
async fn plain_http_to_the_tls_port_gets_nothing_but_a_close() {
    let (addr, _stop, _task) = start(app(), ServerConfig::default()).await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\nhost: a\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    timeout(SOON, tcp.read_to_end(&mut answer))
        .await
        .unwrap()
        .ok();
    assert!(!answer.starts_with(b"HTTP"), "{answer:?}");
}
