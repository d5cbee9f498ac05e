//! `TcpListener`: accept TCP connections (`asyncio.start_server`).

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_lite::Stream;

use super::addr::{ToSocketAddrs, each_addr};
use super::tcp_stream::TcpStream;
use crate::sys::net::{AcceptWait, Listener};

/// How many connections may wait to be accepted, unless set with
/// [`TcpListener::bind_with_backlog`].
pub const DEFAULT_BACKLOG: u32 = 1024;

/// A listening TCP socket (`asyncio.start_server`).
///
/// ```
/// # wasio::run(async {
/// use wasio::io::AsyncWriteExt;
/// use wasio::net::{TcpListener, TcpStream};
///
/// let listener = TcpListener::bind("127.0.0.1:0").await?; // port 0: any free port
/// let addr = listener.local_addr();
/// wasio::spawn(async move {
///     while let Ok((mut conn, _peer)) = listener.accept().await {
///         wasio::spawn(async move { conn.write_all(b"hi\n").await });
///     }
/// });
/// let _client = TcpStream::connect(addr).await?;
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub struct TcpListener {
    inner: Listener,
}

impl TcpListener {
    /// Binds to `addr` and listens, with a backlog of [`DEFAULT_BACKLOG`]. The first address
    /// `addr` resolves to that can be bound is used; port 0 picks a free port.
    ///
    /// Errors: [`io::ErrorKind::AddrInUse`], and [`io::ErrorKind::PermissionDenied`] when the
    /// host did not grant the network.
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        Self::bind_with_backlog(addr, DEFAULT_BACKLOG).await
    }

    /// Binds and listens with room for `backlog` connections not yet accepted.
    pub async fn bind_with_backlog(
        addr: impl ToSocketAddrs,
        backlog: u32,
    ) -> io::Result<TcpListener> {
        let inner = each_addr(&addr, |addr| Listener::bind(addr, backlog)).await?;
        Ok(TcpListener { inner })
    }

    /// The address the listener is bound to (with the port chosen for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.local()
    }

    /// Waits for the next connection; returns it with the peer's address. Several tasks may
    /// accept on one listener. Connections that fail before they are accepted (the client
    /// gave up or reset) are skipped, so an error here concerns the listener itself (too
    /// many open sockets, say).
    pub fn accept(&self) -> Accept<'_> {
        Accept {
            listener: self,
            wait: AcceptWait::default(),
        }
    }

    /// The connections as a never-ending [`Stream`].
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming {
            listener: self,
            wait: AcceptWait::default(),
        }
    }

    fn poll_accept(
        &self,
        wait: &mut AcceptWait,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let (socket, input, output) = std::task::ready!(self.inner.poll_accept(wait, cx))?;
        let stream = TcpStream::from_parts(socket, input, output);
        let peer = stream.peer_addr();
        Poll::Ready(Ok((stream, peer)))
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpListener")
            .field("local", &self.local_addr())
            .finish()
    }
}

/// The future of [`TcpListener::accept`].
#[must_use = "futures do nothing unless polled or .awaited"]
#[derive(Debug)]
pub struct Accept<'a> {
    listener: &'a TcpListener,
    wait: AcceptWait,
}

impl Future for Accept<'_> {
    type Output = io::Result<(TcpStream, SocketAddr)>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.listener.poll_accept(&mut this.wait, cx)
    }
}

impl Drop for Accept<'_> {
    fn drop(&mut self) {
        self.listener.inner.cancel_accept(&mut self.wait);
    }
}

/// The stream of [`TcpListener::incoming`].
#[must_use = "streams do nothing unless polled"]
#[derive(Debug)]
pub struct Incoming<'a> {
    listener: &'a TcpListener,
    wait: AcceptWait,
}

impl Stream for Incoming<'_> {
    type Item = io::Result<TcpStream>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        this.listener
            .poll_accept(&mut this.wait, cx)
            .map(|accepted| Some(accepted.map(|(stream, _)| stream)))
    }
}

impl Drop for Incoming<'_> {
    fn drop(&mut self) {
        self.listener.inner.cancel_accept(&mut self.wait);
    }
}
