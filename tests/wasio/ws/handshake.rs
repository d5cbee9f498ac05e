//! Opening handshakes: refusals with the status RFC 6455 gives, subprotocols, servers that
//! answer wrong or not at all, URLs, and WebSocket routes of an `App`.

use std::time::Duration;

use wasio::http::server::{App, Request, get};
use wasio::io::AsyncWriteExt;
use wasio::net::TcpListener;
use wasio::ws::deflate::NegotiationError;
use wasio::ws::handshake::HandshakeError;
use wasio::ws::{self, CloseCode, Config, Error, Message};

use super::{pair, read_head, server};
use crate::http::server::{exchange, start};

const GOOD: &str = "GET /chat HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: upgrade\r\n\
    sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n";

/// Sends `request` to `ws::accept` and gives the reply and the accept's result.
async fn refused(request: &str) -> (crate::http::server::Reply, Error) {
    let (addr, accepted) = server(Config::new()).await;
    let reply = exchange(addr, request.as_bytes()).await;
    (reply, accepted.await.unwrap().unwrap_err())
}

#[wasio::test]
async fn accept_refuses_bad_requests_with_their_status() {
    let (reply, error) = refused(&GOOD.replace("upgrade: websocket\r\n", "")).await;
    assert_eq!(reply.status, 400);
    assert!(matches!(
        error,
        Error::Handshake(HandshakeError::NotUpgrade)
    ));

    let (reply, error) = refused(&GOOD.replace("version: 13", "version: 8")).await;
    assert_eq!(reply.status, 426);
    assert_eq!(reply.header("sec-websocket-version"), Some("13"));
    assert!(matches!(error, Error::Handshake(HandshakeError::Version)));

    let (reply, _) = refused(&GOOD.replace("GET", "POST")).await;
    assert_eq!(reply.status, 405);
    let (reply, _) = refused(&GOOD.replace("dGhlIHNhbXBsZSBub25jZQ==", "short")).await;
    assert_eq!(reply.status, 400);
    let huge = GOOD.replace("host: x", &format!("host: {}", "x".repeat(17 * 1024)));
    let (reply, _) = refused(&huge).await;
    assert_eq!(reply.status, 431);
}

#[wasio::test]
async fn accept_gives_up_on_a_client_that_never_finishes_its_request() {
    let (addr, accepted) =
        server(Config::new().handshake_timeout(Duration::from_millis(100))).await;
    let mut slow = wasio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    assert!(matches!(accepted.await.unwrap(), Err(Error::Timeout(_))));
}

#[wasio::test]
async fn the_first_offered_subprotocol_the_server_speaks_is_chosen() {
    let (server, client) = pair(
        Config::new().protocols(["v2", "v1"]),
        Config::new().protocols(["v1", "v2"]),
    )
    .await;
    assert_eq!(server.protocol(), Some("v1"));
    assert_eq!(client.protocol(), Some("v1"));
    let (server, client) = pair(
        Config::new().protocols(["v3"]),
        Config::new().protocols(["v1"]),
    )
    .await;
    assert_eq!((server.protocol(), client.protocol()), (None, None));
}

#[wasio::test]
async fn extra_headers_go_with_the_client_request() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    let seen = wasio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        read_head(&mut stream).await
    });
    let config = Config::new()
        .header("origin", "http://example.com")
        .header("sec-websocket-key", "forged")
        .header("bad header", "x")
        .handshake_timeout(Duration::from_millis(200));
    let result = ws::connect_with(&format!("ws://{addr}/path?q=1"), config).await;
    assert!(
        matches!(result, Err(Error::Timeout(_) | Error::Abnormal)),
        "{result:?}"
    );
    let head = seen.await.unwrap();
    assert!(head.starts_with("GET /path?q=1 HTTP/1.1\r\n"), "{head}");
    assert!(head.contains("origin: http://example.com\r\n"));
    assert_eq!(head.matches("sec-websocket-key").count(), 1);
    assert!(!head.contains("forged") && !head.contains("bad header"));
}

/// A server that answers the WebSocket handshake with `answer` (given the request's key).
async fn answering(answer: impl FnOnce(&str) -> String + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    drop(wasio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let head = read_head(&mut stream).await;
        let key = head
            .lines()
            .find_map(|l| l.strip_prefix("sec-websocket-key: "))
            .unwrap_or_default()
            .to_string();
        stream.write_all(answer(&key).as_bytes()).await.unwrap();
        // Stay open until the client has judged the answer.
        wasio::time::sleep(Duration::from_secs(5)).await;
    }));
    format!("ws://{addr}/")
}

#[wasio::test]
async fn connect_checks_the_servers_answer() {
    let url = answering(|_| "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".into()).await;
    let error = ws::connect(&url).await.unwrap_err();
    assert!(matches!(error, Error::Handshake(HandshakeError::Status(s)) if s == 200));

    let url = answering(|_| {
        "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\
         sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
            .into()
    })
    .await;
    let error = ws::connect(&url).await.unwrap_err();
    assert!(
        matches!(error, Error::Handshake(HandshakeError::Accept)),
        "{error:?}"
    );

    let url = answering(|key| {
        format!(
            "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\
             sec-websocket-accept: {}\r\nsec-websocket-extensions: permessage-deflate\r\n\r\n",
            ws::handshake::accept_key(key)
        )
    })
    .await;
    let plain = Config::new().compression(None);
    let error = ws::connect_with(&url, plain).await.unwrap_err();
    assert!(
        matches!(error, Error::Handshake(HandshakeError::Extension(_))),
        "{error:?}"
    );

    for (extension, expected) in [
        (
            "permessage-deflate; client_max_window_bits=8",
            NegotiationError::NotAllowed("client_max_window_bits"),
        ),
        (
            "permessage-deflate; mystery",
            NegotiationError::UnknownParameter("mystery".into()),
        ),
        (
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            NegotiationError::Duplicate("server_no_context_takeover"),
        ),
    ] {
        let url = answering(move |key| {
            format!(
                "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\
                 sec-websocket-accept: {}\r\nsec-websocket-extensions: {extension}\r\n\r\n",
                ws::handshake::accept_key(key)
            )
        })
        .await;
        let error = ws::connect(&url).await.unwrap_err();
        assert!(
            matches!(&error, Error::Handshake(HandshakeError::Deflate(e)) if *e == expected),
            "{extension}: {error:?}"
        );
    }
}

#[wasio::test]
async fn connect_reports_bad_urls_refused_connections_and_silent_servers() {
    let mut bad = vec!["http://127.0.0.1/", "no url"];
    // Without the tls feature, wss:// is no URL wasio can reach (tests/wasio/tls has it).
    if cfg!(not(feature = "tls")) {
        bad.push("wss://example.com/");
    }
    for url in bad {
        assert!(
            matches!(ws::connect(url).await, Err(Error::Url(_))),
            "{url}"
        );
    }
    let refused = ws::connect("ws://127.0.0.1:1/").await.unwrap_err();
    assert!(matches!(&refused, Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused));

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    let config = Config::new().handshake_timeout(Duration::from_millis(100));
    let silent = ws::connect_with(&format!("ws://{addr}/"), config).await;
    assert!(matches!(silent, Err(Error::Timeout(_))), "{silent:?}");
    drop(listener);
}

pub fn app() -> App {
    App::new().route(
        "/ws/{room}",
        get(|request: Request| async move {
            let room = request.param("room").unwrap_or_default().to_string();
            ws::upgrade(
                &request,
                Config::new().protocols(["chat"]),
                move |mut ws| async move {
                    while let Some(Ok(message)) = ws.recv().await {
                        if let Message::Text(text) = message {
                            let _ = ws.send_text(format!("{room}: {text}")).await;
                        }
                    }
                },
            )
        }),
    )
}

#[wasio::test]
async fn an_app_route_upgrades_to_a_websocket_on_wasios_own_server() {
    let addr = start(app()).await;
    let config = Config::new().protocols(["chat"]);
    let mut client = ws::connect_with(&format!("ws://{addr}/ws/lobby"), config)
        .await
        .unwrap();
    assert_eq!(client.protocol(), Some("chat"));
    client.send_text("hello").await.unwrap();
    let answer = client.recv().await.unwrap().unwrap();
    assert_eq!(answer.as_text(), Some("lobby: hello"));
    let frame = client.close(CloseCode::NORMAL, "").await.unwrap();
    assert_eq!(frame.map(|f| f.code), Some(CloseCode::NORMAL));
}

#[wasio::test]
async fn an_app_route_refuses_a_plain_request_and_a_wrong_version() {
    let addr = start(app()).await;
    let plain = exchange(addr, b"GET /ws/lobby HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!(plain.status, 400);
    let old = GOOD
        .replace("/chat", "/ws/lobby")
        .replace("version: 13", "version: 7");
    let reply = exchange(addr, old.as_bytes()).await;
    assert_eq!(reply.status, 426);
    assert_eq!(reply.header("sec-websocket-version"), Some("13"));
}

#[wasio::test]
async fn called_as_a_service_the_route_hands_back_its_101_and_upgrade() {
    let request = Request::builder("GET", "/ws/lobby")
        .header("upgrade", "websocket")
        .header("connection", "Upgrade")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .header("sec-websocket-version", "13")
        .body("");
    let service = app().into_service().unwrap();
    let response = service.call(request).await;
    // Service::call is not a connection: the 101 and its upgrade come back as they are, for
    // the server that runs the app to carry out (wasio's own) or refuse (wasmtime serve).
    assert_eq!(response.status().as_u16(), 101);
    assert_eq!(
        response.headers()["sec-websocket-accept"],
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
}
