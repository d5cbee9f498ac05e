//! A listening TCP socket: binding, listening and accepting.

use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

use wasip2::sockets::instance_network::instance_network;
use wasip2::sockets::network::ErrorCode;
use wasip2::sockets::tcp::TcpSocket;
use wasip2::sockets::tcp_create_socket::create_tcp_socket;

use super::tcp::{Connection, Socket};
use crate::net::addr::{family, from_wasi, to_wasi};
use crate::runtime::poll_proceed;
use crate::sys::io::error::from_code;
use crate::sys::pollable::AsyncPollable;
use crate::sys::reactor::WaitState;

pub(crate) struct Listener {
    // Field order: the pollable is the socket's child and goes first.
    ready: AsyncPollable,
    tcp: TcpSocket,
    local: SocketAddr,
}

/// Where one accepting future stands.
pub(crate) type AcceptWait = WaitState;

impl Listener {
    pub(crate) async fn bind(addr: SocketAddr, backlog: u32) -> io::Result<Listener> {
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
        Ok(Listener { ready, tcp, local })
    }

    pub(crate) fn local(&self) -> SocketAddr {
        self.local
    }

    /// The next connection. Connections that fail before they are accepted (the client gave
    /// up or reset) are skipped.
    pub(crate) fn poll_accept(
        &self,
        wait: &mut AcceptWait,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Connection>> {
        std::task::ready!(poll_proceed(cx));
        loop {
            match self.tcp.accept() {
                // A client that reset while it waited in the backlog has no address left
                // to read; like a client that gave up, it is skipped.
                Ok((tcp, input, output)) => match Socket::from_parts(tcp, input, output) {
                    Ok(connection) => return Poll::Ready(Ok(connection)),
                    Err(_) => continue,
                },
                Err(ErrorCode::WouldBlock) => std::task::ready!(self.ready.poll_wait(wait, cx)),
                // The client gave up before it was accepted: wait for the next one.
                Err(ErrorCode::ConnectionAborted) => {}
                Err(code) => return Poll::Ready(Err(from_code(code))),
            }
        }
    }

    /// Withdraws an accepting future that stops waiting.
    pub(crate) fn cancel_accept(&self, wait: &mut AcceptWait) {
        self.ready.cancel_wait(wait);
    }
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
