//! A connected TCP socket: connecting, its options and shutdown.

use std::io;
use std::net::{Shutdown, SocketAddr};
use std::time::Duration;

use wasip2::io::streams::{InputStream, OutputStream};
use wasip2::sockets::instance_network::instance_network;
use wasip2::sockets::network::ErrorCode;
use wasip2::sockets::tcp::{ShutdownType, TcpSocket};
use wasip2::sockets::tcp_create_socket::create_tcp_socket;

use crate::net::addr::{family, from_wasi, to_wasi};
use crate::sys::io::error::from_code;
use crate::sys::io::{AsyncInputStream, AsyncOutputStream};
use crate::sys::pollable::AsyncPollable;

/// A connection's socket, shared by its two halves; it closes when both are gone.
pub(crate) struct Socket {
    tcp: TcpSocket,
    local: SocketAddr,
    peer: SocketAddr,
}

/// A connection: its socket and its two streams.
pub(crate) type Connection = (Socket, AsyncInputStream, AsyncOutputStream);

impl Socket {
    /// Connects to `addr`.
    pub(crate) async fn connect(addr: SocketAddr) -> io::Result<Connection> {
        let network = instance_network();
        let tcp = create_tcp_socket(family(addr)).map_err(from_code)?;
        let ready = AsyncPollable::new(tcp.subscribe());
        tcp.start_connect(&network, to_wasi(addr))
            .map_err(from_code)?;
        let (input, output) = loop {
            match tcp.finish_connect() {
                Ok(streams) => break streams,
                Err(ErrorCode::WouldBlock) => ready.wait_not_ready().await,
                Err(code) => return Err(from_code(code)),
            }
        };
        // The pollable is the socket's child: it goes first.
        drop(ready);
        Socket::from_parts(tcp, input, output)
    }

    /// A connected socket and its streams (from `connect`, or `accept`).
    pub(crate) fn from_parts(
        tcp: TcpSocket,
        input: InputStream,
        output: OutputStream,
    ) -> io::Result<Connection> {
        let local = from_wasi(tcp.local_address().map_err(from_code)?);
        let peer = from_wasi(tcp.remote_address().map_err(from_code)?);
        Ok((
            Socket { tcp, local, peer },
            AsyncInputStream::for_socket(input),
            AsyncOutputStream::new(output),
        ))
    }

    pub(crate) fn local(&self) -> SocketAddr {
        self.local
    }

    pub(crate) fn peer(&self) -> SocketAddr {
        self.peer
    }

    pub(crate) fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        let how = match how {
            Shutdown::Read => ShutdownType::Receive,
            Shutdown::Write => ShutdownType::Send,
            Shutdown::Both => ShutdownType::Both,
        };
        self.tcp.shutdown(how).map_err(from_code)
    }

    pub(crate) fn set_keep_alive(&self, idle: Option<Duration>) -> io::Result<()> {
        if let Some(idle) = idle {
            let nanos = u64::try_from(idle.as_nanos()).unwrap_or(u64::MAX).max(1);
            self.tcp
                .set_keep_alive_idle_time(nanos)
                .map_err(from_code)?;
        }
        self.tcp
            .set_keep_alive_enabled(idle.is_some())
            .map_err(from_code)
    }

    pub(crate) fn keep_alive(&self) -> io::Result<bool> {
        self.tcp.keep_alive_enabled().map_err(from_code)
    }

    pub(crate) fn set_ttl(&self, ttl: u8) -> io::Result<()> {
        self.tcp.set_hop_limit(ttl).map_err(from_code)
    }
}
