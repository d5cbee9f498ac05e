//! `UdpSocket`: datagrams over `wasi:sockets` (UDP).

use std::fmt;
use std::io;
use std::net::SocketAddr;

use super::addr::{ToSocketAddrs, each_addr, resolve};
use crate::sys::net::Udp;

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
    inner: Udp,
}

impl UdpSocket {
    /// Binds to the first address `addr` resolves to that can be bound (port 0: any).
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        let inner = each_addr(&addr, Udp::bind).await?;
        Ok(UdpSocket { inner })
    }

    /// Fixes the peer: [`send`](UdpSocket::send) goes to it, and only its datagrams arrive.
    /// Takes `&mut self` because the socket's association is replaced.
    pub async fn connect(&mut self, addr: impl ToSocketAddrs) -> io::Result<()> {
        let peer = self.first_of_my_family(&addr).await?;
        self.inner.connect(peer)
    }

    /// The address this socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    /// The connected peer.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// Sends one datagram to `target`; returns its length.
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let target = self.first_of_my_family(&target).await?;
        self.inner.send(buf, Some(target)).await
    }

    /// Sends one datagram to the connected peer; returns its length.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.send(buf, None).await
    }

    /// Receives one datagram into `buf` (cut to its length, as `recvfrom` does); returns how
    /// many bytes were stored and who sent it.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.inner.recv_from(buf).await
    }

    /// Receives one datagram from the connected peer; returns its length.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv_from(buf).await.map(|(n, _)| n)
    }

    /// The first address `target` resolves to in this socket's family (IPv4 or IPv6).
    async fn first_of_my_family(
        &self,
        target: &(impl ToSocketAddrs + ?Sized),
    ) -> io::Result<SocketAddr> {
        let ipv6 = self.inner.is_ipv6();
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
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket")
            .field("local", &self.local_addr().ok())
            .field("peer", &self.peer_addr().ok())
            .finish()
    }
}
