//! A connected TCP socket: connecting, its two streams, its options and shutdown.
//!
//! WASI 0.3 has no `shutdown`: the end of the stream handed to `send` is the FIN, and
//! dropping the `receive` stream stops reading.

use std::cell::Cell;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::rc::Rc;
use std::time::Duration;

use wasip3::sockets::types::{ErrorCode, TcpSocket};
use wasip3::wit_stream;
use wit_bindgen::FutureReader;

use crate::net::addr::{family, from_wasi, to_wasi};
use crate::sys::io::error::from_code;
use crate::sys::io::{AsyncInputStream, AsyncOutputStream, Closer};

/// A connection's socket, shared by its two halves; it closes when both are gone.
pub(crate) struct Socket {
    // Field order: the stream ends go before the socket they belong to.
    /// Ends the send stream (FIN once what was written is sent).
    output: Closer,
    /// Ends the receive stream.
    input: Rc<Cell<bool>>,
    /// How sending ended, reported by the host once the send stream is done; kept so that
    /// the host has somewhere to report it.
    _sent: FutureReader<Result<(), ErrorCode>>,
    /// Shared with the send stream, which may outlive the connection's halves to finish.
    tcp: Rc<TcpSocket>,
    local: SocketAddr,
    peer: SocketAddr,
}

/// A connection: its socket and its two streams.
pub(crate) type Connection = (Socket, AsyncInputStream, AsyncOutputStream);

impl Socket {
    /// Connects to `addr`.
    pub(crate) async fn connect(addr: SocketAddr) -> io::Result<Connection> {
        let tcp = TcpSocket::create(family(addr)).map_err(from_code)?;
        tcp.connect(to_wasi(addr)).await.map_err(from_code)?;
        Socket::connected(tcp)
    }

    /// A connected socket (from `connect`, or accepted) with its streams.
    pub(crate) fn connected(tcp: TcpSocket) -> io::Result<Connection> {
        let local = from_wasi(tcp.get_local_address().map_err(from_code)?);
        let peer = from_wasi(tcp.get_remote_address().map_err(from_code)?);
        let (received, receiving) = tcp.receive();
        let mut input = AsyncInputStream::with_ending(
            received,
            Box::pin(async move { receiving.await.map_err(from_code) }),
        );
        let (writer, reader) = wit_stream::new();
        let sent = tcp.send(reader);
        let output = AsyncOutputStream::new(writer);
        let tcp = Rc::new(tcp);
        output.keep_owner(tcp.clone());
        let socket = Socket {
            output: output.closer(),
            input: input.shut_flag(),
            _sent: sent,
            tcp,
            local,
            peer,
        };
        Ok((socket, input, output))
    }

    pub(crate) fn local(&self) -> SocketAddr {
        self.local
    }

    pub(crate) fn peer(&self) -> SocketAddr {
        self.peer
    }

    pub(crate) fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        if matches!(how, Shutdown::Write | Shutdown::Both) {
            self.output.close();
        }
        if matches!(how, Shutdown::Read | Shutdown::Both) {
            self.input.set(true);
        }
        Ok(())
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
        self.tcp.get_keep_alive_enabled().map_err(from_code)
    }

    pub(crate) fn set_ttl(&self, ttl: u8) -> io::Result<()> {
        self.tcp.set_hop_limit(ttl).map_err(from_code)
    }
}
