//! `TcpListener`: accept TCP connections (`asyncio.start_server`).

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_lite::Stream;
use wasip2::sockets::instance_network::instance_network;
use wasip2::sockets::network::ErrorCode;
use wasip2::sockets::tcp::TcpSocket;
use wasip2::sockets::tcp_create_socket::create_tcp_socket;

use super::addr::{ToSocketAddrs, each_addr, family, from_wasi, to_wasi};
use super::tcp_stream::TcpStream;
use crate::io::error::from_code;
use crate::runtime::{AsyncPollable, WaitState, poll_proceed};

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
    // Field order: the pollable is the socket's child and goes first.
    ready: AsyncPollable,
    tcp: TcpSocket,
    local: SocketAddr,
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
        each_addr(&addr, |addr| listen_on(addr, backlog)).await
    }

    /// The address the listener is bound to (with the port chosen for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Waits for the next connection; returns it with the peer's address. Several tasks may
    /// accept on one listener. Connections that fail before they are accepted (the client
    /// gave up or reset) are skipped, so an error here concerns the listener itself (too
    /// many open sockets, say).
    pub fn accept(&self) -> Accept<'_> {
        Accept {
            listener: self,
            wait: WaitState::default(),
        }
    }

    /// The connections as a never-ending [`Stream`].
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming {
            listener: self,
            wait: WaitState::default(),
        }
    }

    fn poll_accept(
        &self,
        wait: &mut WaitState,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        std::task::ready!(poll_proceed(cx));
        loop {
            match self.tcp.accept() {
                // A client that reset while it waited in the backlog has no address left
                // to read; like a client that gave up, it is skipped.
                Ok((tcp, input, output)) => match TcpStream::from_parts(tcp, input, output) {
                    Ok(stream) => {
                        let peer = stream.peer_addr();
                        return Poll::Ready(Ok((stream, peer)));
                    }
                    Err(_) => continue,
                },
                Err(ErrorCode::WouldBlock) => std::task::ready!(self.ready.poll_wait(wait, cx)),
                // The client gave up before it was accepted: wait for the next one.
                Err(ErrorCode::ConnectionAborted) => {}
                Err(code) => return Poll::Ready(Err(from_code(code))),
            }
        }
    }
}

async fn listen_on(addr: SocketAddr, backlog: u32) -> io::Result<TcpListener> {
    let network = instance_network();
    let tcp = create_tcp_socket(family(addr)).map_err(from_code)?;
    let ready = AsyncPollable::new(tcp.subscribe());
    tcp.set_listen_backlog_size(u64::from(backlog.max(1)))
        .map_err(from_code)?;
    tcp.start_bind(&network, to_wasi(addr)).map_err(from_code)?;
    finish(&ready, || tcp.finish_bind()).await?;
    tcp.start_listen().map_err(from_code)?;
    finish(&ready, || tcp.finish_listen()).await?;
    let local = from_wasi(tcp.local_address().map_err(from_code)?);
    Ok(TcpListener { ready, tcp, local })
}

/// Completes an asynchronous socket operation, waiting while it would block.
async fn finish(
    ready: &AsyncPollable,
    mut op: impl FnMut() -> Result<(), ErrorCode>,
) -> io::Result<()> {
    loop {
        match op() {
            Ok(()) => return Ok(()),
            Err(ErrorCode::WouldBlock) => ready.wait_not_ready().await,
            Err(code) => return Err(from_code(code)),
        }
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpListener")
            .field("local", &self.local)
            .finish()
    }
}

/// The future of [`TcpListener::accept`].
#[must_use = "futures do nothing unless polled or .awaited"]
#[derive(Debug)]
pub struct Accept<'a> {
    listener: &'a TcpListener,
    wait: WaitState,
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
        self.listener.ready.cancel_wait(&mut self.wait);
    }
}

/// The stream of [`TcpListener::incoming`].
#[must_use = "streams do nothing unless polled"]
#[derive(Debug)]
pub struct Incoming<'a> {
    listener: &'a TcpListener,
    wait: WaitState,
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
        self.listener.ready.cancel_wait(&mut self.wait);
    }
}
