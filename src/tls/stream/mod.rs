//! `TlsStream`: a TLS connection over a [`TcpStream`], and its halves for reading and writing
//! from two tasks.

mod read;
mod shared;
mod write;

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures_lite::io::{AsyncBufRead, AsyncRead, AsyncWrite};

pub use read::ReadHalf;
pub use write::WriteHalf;

use super::session::Session;
use crate::net::TcpStream;

/// A TLS connection over a [`TcpStream`]: an [`AsyncRead`], [`AsyncBufRead`] and
/// [`AsyncWrite`] of plaintext, from [`ClientConfig::connect`](super::ClientConfig::connect)
/// or [`ServerConfig::accept`](super::ServerConfig::accept) once the handshake is done.
///
/// Split it with [`into_split`](TlsStream::into_split) to read and write from two tasks, as
/// a `TcpStream`. Closing it as a writer (`close().await`) sends `close_notify` and FIN while
/// the read side stays open; reads end cleanly at the peer's `close_notify`, and fail with
/// [`Error::Truncated`](super::Error::Truncated) when the connection ends without one.
///
/// ```no_run
/// # wasio::run(async {
/// use wasio::io::{AsyncReadExt, AsyncWriteExt};
/// use wasio::net::TcpStream;
/// use wasio::tls::ClientConfig;
///
/// let config = ClientConfig::new().add_root_pem(include_bytes!("../../../tests/tls/ca.pem"))?;
/// let tcp = TcpStream::connect("127.0.0.1:8443").await?;
/// let mut tls = config.connect("localhost", tcp).await?;
/// tls.write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n").await?;
/// let mut answer = String::new();
/// tls.read_to_string(&mut answer).await?;
/// println!("{answer}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # });
/// ```
pub struct TlsStream {
    reader: ReadHalf,
    writer: WriteHalf,
}

impl TlsStream {
    /// A connection over `stream` run by `session`, before its handshake.
    pub(crate) fn new(stream: TcpStream, session: Session) -> TlsStream {
        let local = stream.local_addr();
        let peer = stream.peer_addr();
        let (read, write) = stream.into_split();
        let shared = shared::Shared::new(session, write);
        TlsStream {
            reader: ReadHalf::new(shared.clone(), read),
            writer: WriteHalf::new(shared, peer, local),
        }
    }

    /// Runs the handshake's exchanges until it is done (it has no deadline of its own).
    pub(crate) async fn handshake(&mut self) -> Result<(), super::Error> {
        std::future::poll_fn(|cx| self.poll_handshake(cx)).await
    }

    pub(crate) fn poll_handshake(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), super::Error>> {
        let shared = &self.reader.shared;
        loop {
            std::task::ready!(shared.poll_sent(cx))?;
            let mut session = shared.session.borrow_mut();
            if !session.is_handshaking() {
                return Poll::Ready(Ok(()));
            }
            if let Err(error) = session.advance() {
                drop(session);
                // The alert that says why, if the socket takes it now.
                let _ = shared.poll_sent(cx);
                return Poll::Ready(Err(error));
            }
            if !session.outgoing().is_empty() {
                continue;
            }
            if session.saw_eof() {
                return Poll::Ready(Err(super::Error::Io(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the peer closed the connection during the TLS handshake",
                ))));
            }
            drop(session);
            let bytes = std::task::ready!(self.reader.tcp.poll_take(cx))?;
            let mut session = shared.session.borrow_mut();
            match bytes {
                Some(bytes) => session.receive(bytes),
                None => session.receive_eof(),
            }
        }
    }

    /// Whether the peer has sent any of the handshake yet.
    pub(crate) fn has_received(&self) -> bool {
        self.reader.shared.session.borrow().has_received()
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> SocketAddr {
        self.writer.peer_addr()
    }

    /// The address of this end.
    pub fn local_addr(&self) -> SocketAddr {
        self.writer.local_addr()
    }

    /// The protocol ALPN agreed on (`b"http/1.1"`, say), if the two ends agreed on one.
    pub fn alpn_protocol(&self) -> Option<Vec<u8>> {
        let session = self.reader.shared.session.borrow();
        session.alpn_protocol().map(<[u8]>::to_vec)
    }

    /// The cipher suite agreed on, by its IANA name (`TLS13_CHACHA20_POLY1305_SHA256`, say).
    pub fn cipher_suite(&self) -> Option<&'static str> {
        self.reader.shared.session.borrow().cipher_suite()
    }

    /// On a server, the name the client asked for (SNI), if it sent one.
    pub fn server_name(&self) -> Option<String> {
        let session = self.reader.shared.session.borrow();
        session.server_name().map(str::to_string)
    }

    /// Splits the connection into halves that can move into different tasks.
    pub fn into_split(self) -> (ReadHalf, WriteHalf) {
        (self.reader, self.writer)
    }

    /// Puts two halves of the same connection back together; gives them back, in the error,
    /// if they belong to different connections.
    pub fn reunite(reader: ReadHalf, writer: WriteHalf) -> Result<TlsStream, ReuniteError> {
        if Rc::ptr_eq(&reader.shared, &writer.shared) {
            Ok(TlsStream { reader, writer })
        } else {
            Err(ReuniteError(Box::new((reader, writer))))
        }
    }

    /// Borrows the two halves at once, to read and write concurrently in one task.
    pub fn split(&mut self) -> (&mut ReadHalf, &mut WriteHalf) {
        (&mut self.reader, &mut self.writer)
    }
}

/// Two halves given to [`TlsStream::reunite`] that belong to different connections.
pub struct ReuniteError(Box<(ReadHalf, WriteHalf)>);

impl ReuniteError {
    /// The two halves, given back.
    pub fn into_halves(self) -> (ReadHalf, WriteHalf) {
        *self.0
    }
}

impl fmt::Debug for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ReuniteError").finish_non_exhaustive()
    }
}

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the halves belong to different TLS connections")
    }
}

impl std::error::Error for ReuniteError {}

impl AsyncRead for TlsStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().reader).poll_read(cx, buf)
    }
}

impl AsyncBufRead for TlsStream {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        Pin::new(&mut self.get_mut().reader).poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        Pin::new(&mut self.get_mut().reader).consume(amt)
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().writer).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().writer).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().writer).poll_close(cx)
    }
}

impl fmt::Debug for TlsStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsStream")
            .field("local", &self.local_addr())
            .field("peer", &self.peer_addr())
            .field("alpn", &self.alpn_protocol())
            .finish()
    }
}
