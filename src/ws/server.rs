//! Servers: `accept` on a TCP stream of one's own, and `upgrade` for a route of an `App`.

use std::future::Future;

use futures_lite::AsyncWriteExt;
use http::StatusCode;

use super::handshake::{
    HandshakeError, accept_key, check_request, negotiate_deflate, parse_request,
    switching_protocols,
};
use super::head::read_head;
use super::protocol::Role;
use super::{Config, Error, WebSocket};
use crate::http::server::response::CANNOT_UPGRADE;
use crate::http::server::{HttpError, IntoResponse, Request, Response};
use crate::net::TcpStream;
use crate::net::transport::Stream;

/// Performs the server's side of the opening handshake on `stream` with the default
/// [`Config`], for servers that own their sockets. A bad request is answered with the
/// status RFC 6455 gives (400, 405, 426 with `sec-websocket-version: 13`, 431) and comes
/// back as [`Error::Handshake`].
///
/// ```no_run
#[doc = include_str!("../../examples/ws_echo_server.rs")]
/// ```
pub async fn accept(stream: TcpStream) -> Result<WebSocket, Error> {
    accept_with(stream, Config::default()).await
}

/// [`accept`] with a [`Config`]: limits, the subprotocols this server speaks, timeouts.
pub async fn accept_with(mut stream: TcpStream, config: Config) -> Result<WebSocket, Error> {
    let head = read_head(&mut stream, parse_request);
    let (hello, rest) = match crate::time::timeout(config.handshake_wait(), head).await {
        Err(_) => return Err(Error::Timeout("the opening handshake")),
        Ok(Err(Error::Handshake(error))) => {
            // The client gets its answer if it still listens; the error is what matters.
            let _ = stream.write_all(&refusal(&error)).await;
            let _ = stream.close().await;
            return Err(Error::Handshake(error));
        }
        Ok(Err(error)) => return Err(error),
        Ok(Ok(hello)) => hello,
    };
    let protocol = choose(&hello.protocols, config.subprotocols());
    let deflate = negotiate_deflate(&hello.headers, config.deflate());
    let extensions = deflate.as_ref().map(|(_, answer)| answer.as_str());
    stream
        .write_all(&switching_protocols(
            &hello.key,
            protocol.as_deref(),
            extensions,
        ))
        .await?;
    let peer = stream.peer_addr();
    Ok(WebSocket::new(
        Stream::Tcp(stream).into_split(),
        peer,
        &rest,
        Role::Server,
        &config,
        protocol,
        deflate.map(|(agreed, _)| agreed),
    ))
}

/// The first subprotocol the client offers that the server speaks.
fn choose(offered: &[String], spoken: &[String]) -> Option<String> {
    offered.iter().find(|p| spoken.contains(p)).cloned()
}

/// The whole HTTP answer refusing a handshake.
fn refusal(error: &HandshakeError) -> Vec<u8> {
    let status = error.status();
    let body = format!("{error}\n");
    let mut head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\n\
         connection: close\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    );
    if status == StatusCode::UPGRADE_REQUIRED {
        head.push_str("sec-websocket-version: 13\r\n");
    }
    head.push_str("\r\n");
    head.push_str(&body);
    head.into_bytes()
}

/// A WebSocket route of an [`App`](crate::http::server::App) (aiohttp's
/// `WebSocketResponse` with `await ws.prepare(request)`): checks `request`'s handshake and
/// answers `101 Switching Protocols`, after which the server hands the connection, as a
/// [`WebSocket`], to `on_open`. A bad handshake gets its error status (400, 405, or 426 with
/// `sec-websocket-version: 13`) instead.
///
/// Served by wasio's own [`Server`](crate::http::server::Server), over TCP or, with
/// `Server::bind_tls` (the `tls` feature), TLS (`wss://`); under `wasmtime serve` the host
/// cannot switch protocols and the client gets 501.
///
/// ```
/// use wasio::http::server::{App, Request, get};
/// use wasio::ws::{self, Config, Message};
///
/// async fn echo(request: Request) -> wasio::http::server::Response {
///     ws::upgrade(&request, Config::new(), |mut ws| async move {
///         while let Some(Ok(message)) = ws.recv().await {
///             if let Message::Text(_) | Message::Binary(_) = message {
///                 if ws.send(message).await.is_err() {
///                     break;
///                 }
///             }
///         }
///     })
/// }
///
/// let app = App::new().route("/ws", get(echo));
/// ```
pub fn upgrade<F, Fut>(request: &Request, config: Config, on_open: F) -> Response
where
    F: FnOnce(WebSocket) -> Fut + 'static,
    Fut: Future<Output = ()> + 'static,
{
    if request.came_through_wasi_http() {
        return HttpError::new(StatusCode::NOT_IMPLEMENTED, CANNOT_UPGRADE).into_response();
    }
    let (key, offered) = match check_request(request.method(), request.headers()) {
        Ok(checked) => checked,
        Err(error) => {
            let refused = Response::text(format!("{error}\n")).with_status(error.status());
            return match error {
                HandshakeError::Version => refused.header("sec-websocket-version", "13"),
                _ => refused,
            };
        }
    };
    let protocol = choose(&offered, config.subprotocols());
    let mut response = Response::new(StatusCode::SWITCHING_PROTOCOLS)
        .header("upgrade", "websocket")
        .header("connection", "Upgrade")
        .header("sec-websocket-accept", accept_key(&key));
    if let Some(protocol) = &protocol {
        response = response.header("sec-websocket-protocol", protocol.as_str());
    }
    let deflate = negotiate_deflate(request.headers(), config.deflate());
    if let Some((_, answer)) = &deflate {
        response = response.header("sec-websocket-extensions", answer.as_str());
    }
    response.with_stream_upgrade(move |stream, read_ahead| async move {
        let peer = stream.peer_addr();
        on_open(WebSocket::new(
            stream.into_split(),
            peer,
            &read_ahead,
            Role::Server,
            &config,
            protocol,
            deflate.map(|(agreed, _)| agreed),
        ))
        .await
    })
}
