//! `WebSocket`: a connection over TCP (or TLS), with its [`Reader`] and [`Writer`] halves.

mod masks;
mod reader;
mod writer;

use std::fmt;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_lite::Stream;

pub use reader::Reader;
pub use writer::Writer;

use super::close::{CloseCode, CloseFrame};
use super::deflate::Agreed;
use super::message::{Message, Utf8Bytes};
use super::protocol::Role;
use super::{Config, Error};
use crate::net::transport::{ReadHalf, WriteHalf};

/// A WebSocket connection (aiohttp's `WebSocketResponse` and `ClientWebSocketResponse`):
/// receive messages with [`recv`](WebSocket::recv) or as a [`Stream`], send them with
/// [`send`](WebSocket::send), and end with [`close`](WebSocket::close). Split it into a
/// [`Reader`] and a [`Writer`] to receive and send from different tasks.
///
/// From [`connect`](super::connect) on a client, and [`accept`](super::accept) or
/// [`upgrade`](super::upgrade) on a server. An echo server's connection:
///
/// ```no_run
/// # async fn echo(mut ws: wasio::ws::WebSocket) -> Result<(), wasio::ws::Error> {
/// use wasio::ws::Message;
///
/// while let Some(message) = ws.recv().await {
///     // Pings are answered already; a close ends the loop.
///     if let message @ (Message::Text(_) | Message::Binary(_)) = message? {
///         ws.send(message).await?;
///     }
/// }
/// # Ok(()) }
/// ```
pub struct WebSocket {
    reader: Reader,
    writer: Writer,
    protocol: Option<String>,
    peer: SocketAddr,
    close_timeout: std::time::Duration,
}

impl WebSocket {
    /// A connection over the halves of a stream (whose other end is `peer`) after the
    /// opening handshake; `read_ahead` holds bytes already read past the handshake; `deflate`
    /// is permessage-deflate as negotiated.
    pub(crate) fn new(
        (read, write): (ReadHalf, WriteHalf),
        peer: SocketAddr,
        read_ahead: &[u8],
        role: Role,
        config: &Config,
        protocol: Option<String>,
        deflate: Option<Agreed>,
    ) -> WebSocket {
        let level = config
            .deflate()
            .map_or(0, |settings| settings.compression_level());
        let compressor = deflate.map(|agreed| agreed.compressor(role, level));
        let shared = writer::Shared::new(role, write, deflate, compressor);
        let decompressor = deflate.map(|agreed| agreed.decompressor(role));
        WebSocket {
            reader: Reader::new(read, read_ahead, role, config, decompressor, shared.clone()),
            writer: Writer::new(shared),
            protocol,
            peer,
            close_timeout: config.close_wait(),
        }
    }

    /// The next message: text, binary, ping or pong, or the peer's close frame (after which
    /// the closing handshake is done); `None` once the connection has ended.
    pub async fn recv(&mut self) -> Option<Result<Message, Error>> {
        self.reader.recv().await
    }

    /// Sends `message`; see [`Writer::send`].
    pub async fn send(&self, message: impl Into<Message>) -> Result<(), Error> {
        self.writer.send(message).await
    }

    /// Sends a text message.
    pub async fn send_text(&self, text: impl Into<Utf8Bytes>) -> Result<(), Error> {
        self.writer.send_text(text).await
    }

    /// Sends a binary message.
    pub async fn send_binary(&self, data: impl Into<bytes::Bytes>) -> Result<(), Error> {
        self.writer.send_binary(data).await
    }

    /// Sends a ping.
    pub async fn ping(&self, data: impl Into<bytes::Bytes>) -> Result<(), Error> {
        self.writer.ping(data).await
    }

    /// The closing handshake: sends a close frame with `code` and `reason`, then receives
    /// (dropping data) until the peer's close frame, which it returns, and until the TCP
    /// connection ends; all within [`Config::close_timeout`]. When the peer closed first, it
    /// returns `Ok(None)` at once.
    pub async fn close(
        &mut self,
        code: CloseCode,
        reason: &str,
    ) -> Result<Option<CloseFrame>, Error> {
        let shared = &self.writer.shared;
        if shared.close_received.get() {
            return Ok(None);
        }
        match self.writer.close(code, reason).await {
            // Closed: a close frame went first (the reader's answer to the peer's, say).
            Ok(()) | Err(Error::Closed) => {}
            Err(error) => return Err(error),
        }
        let reader = &mut self.reader;
        crate::time::timeout(self.close_timeout, async move {
            let mut answer = None;
            while let Some(message) = reader.recv().await {
                if let Message::Close(frame) = message? {
                    answer = frame;
                }
            }
            Ok(answer)
        })
        .await
        .unwrap_or(Err(Error::Timeout(
            "the peer did not answer the close frame",
        )))
    }

    /// Waits until everything sent is passed on by the host.
    pub async fn flush(&self) -> Result<(), Error> {
        self.writer.flush().await
    }

    /// A [`Writer`] for this connection, for another task to send with.
    pub fn writer(&self) -> Writer {
        self.writer.clone()
    }

    /// The halves, to receive and send from different tasks.
    pub fn split(self) -> (Reader, Writer) {
        (self.reader, self.writer)
    }

    /// The subprotocol both ends agreed on, if any.
    pub fn protocol(&self) -> Option<&str> {
        self.protocol.as_deref()
    }

    /// permessage-deflate as both ends agreed on it, if they did.
    pub fn compression(&self) -> Option<Agreed> {
        self.writer.shared.deflate
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> SocketAddr {
        self.peer
    }
}

impl Stream for WebSocket {
    type Item = Result<Message, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.get_mut().reader).poll_next(cx)
    }
}

impl fmt::Debug for WebSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocket")
            .field("peer", &self.peer)
            .field("protocol", &self.protocol)
            .field("reader", &self.reader)
            .finish()
    }
}
