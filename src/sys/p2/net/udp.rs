//! Datagrams over `wasi:sockets/udp`.

use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::task::Poll;

use wasip2::sockets::instance_network::instance_network;
use wasip2::sockets::network::{ErrorCode, IpAddressFamily};
use wasip2::sockets::udp::{
    IncomingDatagramStream, OutgoingDatagram, OutgoingDatagramStream, UdpSocket as WasiUdpSocket,
};
use wasip2::sockets::udp_create_socket::create_udp_socket;

use crate::net::addr::{family, from_wasi, to_wasi};
use crate::runtime::poll_proceed;
use crate::sys::io::error::from_code;
use crate::sys::pollable::AsyncPollable;
use crate::sys::reactor::WaitState;

/// A bound UDP socket and its datagram streams.
pub(crate) struct Udp {
    // Field order: the streams (and their pollables) go before the socket.
    streams: Option<Streams>,
    udp: WasiUdpSocket,
}

struct Streams {
    incoming_ready: AsyncPollable,
    incoming: IncomingDatagramStream,
    outgoing_ready: AsyncPollable,
    outgoing: OutgoingDatagramStream,
}

impl Streams {
    fn open(udp: &WasiUdpSocket, peer: Option<SocketAddr>) -> io::Result<Streams> {
        let (incoming, outgoing) = udp.stream(peer.map(to_wasi)).map_err(from_code)?;
        Ok(Streams {
            incoming_ready: AsyncPollable::new(incoming.subscribe()),
            incoming,
            outgoing_ready: AsyncPollable::new(outgoing.subscribe()),
            outgoing,
        })
    }
}

impl Udp {
    /// Fixes the peer: sends go to it, and only its datagrams arrive.
    pub(crate) fn connect(&mut self, peer: SocketAddr) -> io::Result<()> {
        let previous = self.udp.remote_address().ok().map(from_wasi);
        // WASI wants the old streams gone before new ones are made; if the new ones cannot be
        // made, the old association is restored.
        self.streams = None;
        match Streams::open(&self.udp, Some(peer)) {
            Ok(streams) => {
                self.streams = Some(streams);
                Ok(())
            }
            Err(error) => {
                self.streams = Streams::open(&self.udp, previous).ok();
                Err(error)
            }
        }
    }

    pub(crate) fn local_addr(&self) -> io::Result<SocketAddr> {
        self.udp.local_address().map(from_wasi).map_err(from_code)
    }

    pub(crate) fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.udp.remote_address().map(from_wasi).map_err(from_code)
    }

    pub(crate) fn is_ipv6(&self) -> bool {
        matches!(self.udp.address_family(), IpAddressFamily::Ipv6)
    }

    /// Receives one datagram into `buf` (cut to its length); how many bytes were stored and
    /// who sent it.
    pub(crate) async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let streams = self.streams()?;
        let mut wait = Waiting::new(&streams.incoming_ready);
        poll_fn(|cx| {
            std::task::ready!(poll_proceed(cx));
            loop {
                match streams.incoming.receive(1) {
                    Ok(mut datagrams) => match datagrams.pop() {
                        Some(datagram) => {
                            let n = datagram.data.len().min(buf.len());
                            buf[..n].copy_from_slice(&datagram.data[..n]);
                            return Poll::Ready(Ok((n, from_wasi(datagram.remote_address))));
                        }
                        None => std::task::ready!(wait.poll(cx)),
                    },
                    Err(code) => return Poll::Ready(Err(from_code(code))),
                }
            }
        })
        .await
    }

    /// Sends one datagram to `target`, or to the connected peer; its length.
    pub(crate) async fn send(&self, buf: &[u8], target: Option<SocketAddr>) -> io::Result<usize> {
        let streams = self.streams()?;
        let datagram = [OutgoingDatagram {
            data: buf.to_vec(),
            remote_address: target.map(to_wasi),
        }];
        let mut wait = Waiting::new(&streams.outgoing_ready);
        poll_fn(|cx| {
            std::task::ready!(poll_proceed(cx));
            loop {
                match streams.outgoing.check_send() {
                    Ok(0) => std::task::ready!(wait.poll(cx)),
                    Ok(_) => match streams.outgoing.send(&datagram) {
                        Ok(0) => std::task::ready!(wait.poll(cx)),
                        Ok(_) => return Poll::Ready(Ok(buf.len())),
                        Err(code) => return Poll::Ready(Err(from_code(code))),
                    },
                    Err(code) => return Poll::Ready(Err(from_code(code))),
                }
            }
        })
        .await
    }

    fn streams(&self) -> io::Result<&Streams> {
        self.streams.as_ref().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotConnected,
                "the host could not restore the socket's streams after a failed connect",
            )
        })
    }

    /// Binds to `addr` (port 0: any).
    pub(crate) async fn bind(addr: SocketAddr) -> io::Result<Udp> {
        let network = instance_network();
        let udp = create_udp_socket(family(addr)).map_err(from_code)?;
        {
            let ready = AsyncPollable::new(udp.subscribe());
            udp.start_bind(&network, to_wasi(addr)).map_err(from_code)?;
            loop {
                match udp.finish_bind() {
                    Ok(()) => break,
                    Err(ErrorCode::WouldBlock) => ready.wait_not_ready().await,
                    Err(code) => return Err(from_code(code)),
                }
            }
        }
        let streams = Streams::open(&udp, None)?;
        Ok(Udp {
            streams: Some(streams),
            udp,
        })
    }
}

/// One waiter on a pollable, withdrawn if the wait is dropped.
struct Waiting<'a> {
    pollable: &'a AsyncPollable,
    state: WaitState,
}

impl<'a> Waiting<'a> {
    fn new(pollable: &'a AsyncPollable) -> Self {
        Waiting {
            pollable,
            state: WaitState::default(),
        }
    }

    fn poll(&mut self, cx: &mut std::task::Context<'_>) -> Poll<()> {
        self.pollable.poll_wait(&mut self.state, cx)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.pollable.cancel_wait(&mut self.state);
    }
}
