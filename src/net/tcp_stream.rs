//! `TcpStream`: a TCP connection, and its halves for reading and writing from two tasks.

use std::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_lite::io::{AsyncBufRead, AsyncRead, AsyncWrite};

use super::addr::{ToSocketAddrs, each_addr};
use crate::io::{AsyncInputStream, AsyncOutputStream};
use crate::sys::net::Socket;

/// A TCP connection (`asyncio.open_connection`'s reader and writer in one).
///
/// It is an [`AsyncRead`], [`AsyncBufRead`] and [`AsyncWrite`]; split it with
/// [`into_split`](TcpStream::into_split) to read and write from two tasks. Closing it as a
/// writer (`close().await`) sends FIN while the read side stays open (a half-close).
///
/// WASI 0.2 has no `TCP_NODELAY` option, so write a message in one `write_all` (or through a
/// [`BufWriter`](crate::io::BufWriter)) rather than in many small writes.
///
/// ```
/// # wasio::run(async {
/// use wasio::io::{AsyncReadExt, AsyncWriteExt};
/// use wasio::net::{TcpListener, TcpStream};
///
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let addr = listener.local_addr();
/// let server = wasio::spawn(async move {
///     let (mut peer, _) = listener.accept().await?;
///     let mut message = String::new();
///     peer.read_to_string(&mut message).await?;
///     std::io::Result::Ok(message)
/// });
/// let mut client = TcpStream::connect(addr).await?;
/// client.write_all(b"hello").await?;
/// client.close().await?; // FIN: the server's read_to_string ends
/// assert_eq!(server.await.unwrap()?, "hello");
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub struct TcpStream {
    reader: OwnedReadHalf,
    writer: OwnedWriteHalf,
}

impl TcpStream {
    /// Connects to `addr`, trying every address it resolves to until one accepts.
    ///
    /// Errors: [`io::ErrorKind::ConnectionRefused`] when nothing listens,
    /// [`io::ErrorKind::PermissionDenied`] when the host did not grant the network.
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        let (socket, input, output) = each_addr(&addr, Socket::connect).await?;
        Ok(TcpStream::from_parts(socket, input, output))
    }

    /// A connection from its socket (shared by both halves) and its two streams.
    pub(crate) fn from_parts(
        socket: Socket,
        input: AsyncInputStream,
        output: AsyncOutputStream,
    ) -> TcpStream {
        let socket = Rc::new(socket);
        TcpStream {
            reader: OwnedReadHalf {
                input,
                socket: socket.clone(),
            },
            writer: OwnedWriteHalf { output, socket },
        }
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> SocketAddr {
        self.reader.socket.peer()
    }

    /// The local address of this end.
    pub fn local_addr(&self) -> SocketAddr {
        self.reader.socket.local()
    }

    /// Shuts down reading, writing (sending FIN) or both; the socket stays open until dropped.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.reader.socket.shutdown(how)
    }

    /// Turns TCP keep-alive probes on after `idle` without traffic, or off with `None`.
    pub fn set_keep_alive(&self, idle: Option<Duration>) -> io::Result<()> {
        self.reader.socket.set_keep_alive(idle)
    }

    /// Whether TCP keep-alive probes are on.
    pub fn keep_alive(&self) -> io::Result<bool> {
        self.reader.socket.keep_alive()
    }

    /// Sets the time-to-live (IPv4) or hop limit (IPv6) of outgoing packets (1 or more).
    pub fn set_ttl(&self, ttl: u8) -> io::Result<()> {
        self.reader.socket.set_ttl(ttl)
    }

    /// Splits the connection into halves that can move into different tasks. The socket
    /// closes when both are dropped; dropping the write half sends FIN.
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        (self.reader, self.writer)
    }

    /// Puts two halves of the same connection back together; gives them back, in the error,
    /// if they belong to different connections.
    pub fn reunite(
        reader: OwnedReadHalf,
        writer: OwnedWriteHalf,
    ) -> Result<TcpStream, ReuniteError> {
        if Rc::ptr_eq(&reader.socket, &writer.socket) {
            Ok(TcpStream { reader, writer })
        } else {
            Err(ReuniteError(Box::new((reader, writer))))
        }
    }

    /// Borrows the two halves at once, to read and write concurrently in one task.
    pub fn split(&mut self) -> (&mut OwnedReadHalf, &mut OwnedWriteHalf) {
        (&mut self.reader, &mut self.writer)
    }
}

/// Two halves given to [`TcpStream::reunite`] that belong to different connections.
pub struct ReuniteError(Box<(OwnedReadHalf, OwnedWriteHalf)>);

impl ReuniteError {
    /// The two halves, given back.
    pub fn into_halves(self) -> (OwnedReadHalf, OwnedWriteHalf) {
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
        f.write_str("the halves belong to different TCP connections")
    }
}

impl std::error::Error for ReuniteError {}

/// The reading half of a [`TcpStream`], from [`TcpStream::into_split`].
pub struct OwnedReadHalf {
    // Field order: the stream goes before the socket it belongs to.
    input: AsyncInputStream,
    socket: Rc<Socket>,
}

/// The writing half of a [`TcpStream`], from [`TcpStream::into_split`]. Dropping or closing it
/// sends FIN.
pub struct OwnedWriteHalf {
    output: AsyncOutputStream,
    socket: Rc<Socket>,
}

impl OwnedReadHalf {
    /// The address of the other end.
    pub fn peer_addr(&self) -> SocketAddr {
        self.socket.peer()
    }

    /// The next bytes read, in a buffer of their own; `Ok(None)` at the end of the stream.
    pub(crate) fn poll_take(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Vec<u8>>>> {
        self.input.poll_take(cx)
    }
}

impl OwnedWriteHalf {
    /// The address of the other end.
    pub fn peer_addr(&self) -> SocketAddr {
        self.socket.peer()
    }
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        // FIN after what was written; a connection already shut down has nothing to do.
        let _ = self.socket.shutdown(Shutdown::Write);
    }
}

impl AsyncRead for OwnedReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().input).poll_read(cx, buf)
    }
}

impl AsyncBufRead for OwnedReadHalf {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        Pin::new(&mut self.get_mut().input).poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        Pin::new(&mut self.get_mut().input).consume(amt)
    }
}

impl AsyncWrite for OwnedWriteHalf {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().output).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().output).poll_flush(cx)
    }

    /// Flushes, then sends FIN; the read half stays open.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(Pin::new(&mut this.output).poll_flush(cx))?;
        Poll::Ready(this.socket.shutdown(Shutdown::Write))
    }
}

impl AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().reader).poll_read(cx, buf)
    }
}

impl AsyncBufRead for TcpStream {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        Pin::new(&mut self.get_mut().reader).poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        Pin::new(&mut self.get_mut().reader).consume(amt)
    }
}

impl AsyncWrite for TcpStream {
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

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream")
            .field("local", &self.local_addr())
            .field("peer", &self.peer_addr())
            .finish()
    }
}

impl fmt::Debug for OwnedReadHalf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedReadHalf")
            .field("peer", &self.socket.peer())
            .finish()
    }
}

impl fmt::Debug for OwnedWriteHalf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedWriteHalf")
            .field("peer", &self.socket.peer())
            .finish()
    }
}
