//! `UdpSocket`: datagrams over `wasi:sockets/udp`.

use std::fmt;
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

use super::addr::{ToSocketAddrs, each_addr, family, from_wasi, resolve, to_wasi};
use crate::io::error::from_code;
use crate::runtime::{AsyncPollable, WaitState, poll_proceed};

/// A UDP socket (`loop.create_datagram_endpoint`).
///
/// Unconnected, it sends to any address with [`send_to`](UdpSocket::send_to) and receives
/// from any with [`recv_from`](UdpSocket::recv_from); [`connect`](UdpSocket::connect)
/// fixes the peer for [`send`](UdpSocket::send) and [`recv`](UdpSocket::recv) and filters what
/// arrives. Sending and receiving take `&self`, so two tasks can share the socket in an `Rc`.
///
/// ```
/// # wasio::run(async {
/// use wasio::net::UdpSocket;
///
/// let a = UdpSocket::bind("127.0.0.1:0").await?;
/// let b = UdpSocket::bind("127.0.0.1:0").await?;
/// a.send_to(b"ping", b.local_addr()?).await?;
/// let mut buf = [0; 16];
/// let (n, from) = b.recv_from(&mut buf).await?;
/// assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub struct UdpSocket {
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

impl UdpSocket {
    /// Binds to the first address `addr` resolves to that can be bound (port 0: any).
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        each_addr(&addr, bind_to).await
    }

    /// Fixes the peer: [`send`](UdpSocket::send) goes to it, and only its datagrams arrive.
    /// Takes `&mut self` because the socket's streams are replaced.
    pub async fn connect(&mut self, addr: impl ToSocketAddrs) -> io::Result<()> {
        let peer = self.first_of_my_family(&addr).await?;
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

    /// The address this socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.udp.local_address().map(from_wasi).map_err(from_code)
    }

    /// The connected peer.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.udp.remote_address().map(from_wasi).map_err(from_code)
    }

    /// Sends one datagram to `target`; returns its length.
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let target = self.first_of_my_family(&target).await?;
        self.send_datagram(buf, Some(target)).await
    }

    /// Sends one datagram to the connected peer; returns its length.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.send_datagram(buf, None).await
    }

    /// Receives one datagram into `buf` (cut to its length, as `recvfrom` does); returns how
    /// many bytes were stored and who sent it.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
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

    /// Receives one datagram from the connected peer; returns its length.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv_from(buf).await.map(|(n, _)| n)
    }

    async fn send_datagram(&self, buf: &[u8], target: Option<SocketAddr>) -> io::Result<usize> {
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

    /// The first address `target` resolves to in this socket's family (IPv4 or IPv6).
    async fn first_of_my_family(
        &self,
        target: &(impl ToSocketAddrs + ?Sized),
    ) -> io::Result<SocketAddr> {
        let ipv6 = matches!(self.udp.address_family(), IpAddressFamily::Ipv6);
        let addrs = resolve(target).await?;
        addrs
            .iter()
            .find(|addr| addr.is_ipv6() == ipv6)
            .copied()
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "no address of the socket's family ({}) among {addrs:?}",
                        if ipv6 { "IPv6" } else { "IPv4" }
                    ),
                )
            })
    }

    fn streams(&self) -> io::Result<&Streams> {
        self.streams.as_ref().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotConnected,
                "the host could not restore the socket's streams after a failed connect",
            )
        })
    }
}

async fn bind_to(addr: SocketAddr) -> io::Result<UdpSocket> {
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
    Ok(UdpSocket {
        streams: Some(streams),
        udp,
    })
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

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket")
            .field("local", &self.local_addr().ok())
            .field("peer", &self.peer_addr().ok())
            .finish()
    }
}
