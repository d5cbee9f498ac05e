//! A connection over TCP, or TLS over TCP, for wasio's HTTP server and WebSockets: one type
//! whose TCP case is a direct call (without the `tls` feature, the only case).
//!
//! The TLS case goes through trait objects made only where a TLS stream is ([`Stream::tls`]),
//! so that a component built with the feature whose connections are all plain links none of
//! the TLS code.

#[cfg(feature = "tls")]
use std::any::Any;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_lite::io::{AsyncBufRead, AsyncRead, AsyncWrite};

use super::{OwnedReadHalf, OwnedWriteHalf, TcpStream};
#[cfg(feature = "tls")]
use crate::tls;

/// A connection, whole.
pub(crate) enum Stream {
    Tcp(TcpStream),
    #[cfg(feature = "tls")]
    Tls(Box<dyn TlsStream>),
}

/// The reading half of a [`Stream`].
pub(crate) enum ReadHalf {
    Tcp(OwnedReadHalf),
    #[cfg(feature = "tls")]
    Tls(Box<dyn TlsRead>),
}

/// The writing half of a [`Stream`].
pub(crate) enum WriteHalf {
    Tcp(OwnedWriteHalf),
    #[cfg(feature = "tls")]
    Tls(Box<dyn TlsWrite>),
}

/// A [`tls::TlsStream`] as a [`Stream`] holds it.
#[cfg(feature = "tls")]
pub(crate) trait TlsStream {
    fn peer_addr(&self) -> SocketAddr;
    fn into_split(self: Box<Self>) -> (ReadHalf, WriteHalf);
}

/// A [`tls::ReadHalf`] as a [`ReadHalf`] holds it.
#[cfg(feature = "tls")]
pub(crate) trait TlsRead: AsyncRead + AsyncBufRead + Unpin {
    fn poll_take(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Vec<u8>>>>;
    /// The connection again, if `write` is its other half.
    fn reunite(self: Box<Self>, write: Box<dyn TlsWrite>) -> Option<Stream>;
}

/// A [`tls::WriteHalf`] as a [`WriteHalf`] holds it.
#[cfg(feature = "tls")]
pub(crate) trait TlsWrite: AsyncWrite + Unpin {
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

#[cfg(feature = "tls")]
impl TlsStream for tls::TlsStream {
    fn peer_addr(&self) -> SocketAddr {
        tls::TlsStream::peer_addr(self)
    }

    fn into_split(self: Box<Self>) -> (ReadHalf, WriteHalf) {
        let (read, write) = tls::TlsStream::into_split(*self);
        (
            ReadHalf::Tls(Box::new(read)),
            WriteHalf::Tls(Box::new(write)),
        )
    }
}

#[cfg(feature = "tls")]
impl TlsRead for tls::ReadHalf {
    fn poll_take(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Vec<u8>>>> {
        tls::ReadHalf::poll_take(self, cx)
    }

    fn reunite(self: Box<Self>, write: Box<dyn TlsWrite>) -> Option<Stream> {
        let write = write.into_any().downcast::<tls::WriteHalf>().ok()?;
        let stream = tls::TlsStream::reunite(*self, *write).ok()?;
        Some(Stream::tls(stream))
    }
}

#[cfg(feature = "tls")]
impl TlsWrite for tls::WriteHalf {
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

impl Stream {
    /// A TLS connection.
    #[cfg(feature = "tls")]
    pub(crate) fn tls(stream: tls::TlsStream) -> Stream {
        Stream::Tls(Box::new(stream))
    }

    /// The address of the other end.
    pub(crate) fn peer_addr(&self) -> SocketAddr {
        match self {
            Stream::Tcp(stream) => stream.peer_addr(),
            #[cfg(feature = "tls")]
            Stream::Tls(stream) => stream.peer_addr(),
        }
    }

    pub(crate) fn into_split(self) -> (ReadHalf, WriteHalf) {
        match self {
            Stream::Tcp(stream) => {
                let (read, write) = stream.into_split();
                (ReadHalf::Tcp(read), WriteHalf::Tcp(write))
            }
            #[cfg(feature = "tls")]
            Stream::Tls(stream) => stream.into_split(),
        }
    }

    /// The halves of one connection put back together; `None` if they are not.
    pub(crate) fn reunite(read: ReadHalf, write: WriteHalf) -> Option<Stream> {
        match (read, write) {
            (ReadHalf::Tcp(read), WriteHalf::Tcp(write)) => {
                TcpStream::reunite(read, write).ok().map(Stream::Tcp)
            }
            #[cfg(feature = "tls")]
            (ReadHalf::Tls(read), WriteHalf::Tls(write)) => read.reunite(write),
            #[cfg(feature = "tls")]
            _ => None,
        }
    }
}

impl From<TcpStream> for Stream {
    fn from(stream: TcpStream) -> Self {
        Stream::Tcp(stream)
    }
}

impl ReadHalf {
    /// The next bytes read, in a buffer of their own; `Ok(None)` at the end of the stream.
    pub(crate) fn poll_take(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Vec<u8>>>> {
        match self {
            ReadHalf::Tcp(half) => half.poll_take(cx),
            #[cfg(feature = "tls")]
            ReadHalf::Tls(half) => half.poll_take(cx),
        }
    }
}

impl AsyncRead for ReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            ReadHalf::Tcp(half) => Pin::new(half).poll_read(cx, buf),
            #[cfg(feature = "tls")]
            ReadHalf::Tls(half) => Pin::new(&mut **half).poll_read(cx, buf),
        }
    }
}

impl AsyncBufRead for ReadHalf {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        match self.get_mut() {
            ReadHalf::Tcp(half) => Pin::new(half).poll_fill_buf(cx),
            #[cfg(feature = "tls")]
            ReadHalf::Tls(half) => Pin::new(&mut **half).poll_fill_buf(cx),
        }
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        match self.get_mut() {
            ReadHalf::Tcp(half) => Pin::new(half).consume(amt),
            #[cfg(feature = "tls")]
            ReadHalf::Tls(half) => Pin::new(&mut **half).consume(amt),
        }
    }
}

impl AsyncWrite for WriteHalf {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            WriteHalf::Tcp(half) => Pin::new(half).poll_write(cx, buf),
            #[cfg(feature = "tls")]
            WriteHalf::Tls(half) => Pin::new(&mut **half).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            WriteHalf::Tcp(half) => Pin::new(half).poll_flush(cx),
            #[cfg(feature = "tls")]
            WriteHalf::Tls(half) => Pin::new(&mut **half).poll_flush(cx),
        }
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            WriteHalf::Tcp(half) => Pin::new(half).poll_close(cx),
            #[cfg(feature = "tls")]
            WriteHalf::Tls(half) => Pin::new(&mut **half).poll_close(cx),
        }
    }
}
