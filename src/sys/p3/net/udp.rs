//! Datagrams over `wasi:sockets@0.3.0` (UDP).

use std::io;
use std::net::SocketAddr;

use wasip3::sockets::types::{IpAddressFamily, UdpSocket};

use crate::net::addr::{family, from_wasi, to_wasi};
use crate::sys::io::error::from_code;

/// A bound UDP socket.
pub(crate) struct Udp {
    udp: UdpSocket,
}

impl Udp {
    /// Binds to `addr` (port 0: any).
    pub(crate) async fn bind(addr: SocketAddr) -> io::Result<Udp> {
        let udp = UdpSocket::create(family(addr)).map_err(from_code)?;
        udp.bind(to_wasi(addr)).map_err(from_code)?;
        Ok(Udp { udp })
    }

    /// Fixes the peer: sends go to it, and only its datagrams arrive.
    pub(crate) fn connect(&mut self, peer: SocketAddr) -> io::Result<()> {
        self.udp.connect(to_wasi(peer)).map_err(from_code)
    }

    pub(crate) fn local_addr(&self) -> io::Result<SocketAddr> {
        self.udp
            .get_local_address()
            .map(from_wasi)
            .map_err(from_code)
    }

    pub(crate) fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.udp
            .get_remote_address()
            .map(from_wasi)
            .map_err(from_code)
    }

    pub(crate) fn is_ipv6(&self) -> bool {
        matches!(self.udp.get_address_family(), IpAddressFamily::Ipv6)
    }

    /// Receives one datagram into `buf` (cut to its length); how many bytes were stored and
    /// who sent it.
    pub(crate) async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (data, from) = self.udp.receive().await.map_err(from_code)?;
        let n = data.len().min(buf.len());
        buf[..n].copy_from_slice(&data[..n]);
        Ok((n, from_wasi(from)))
    }

    /// Sends one datagram to `target`, or to the connected peer; its length.
    pub(crate) async fn send(&self, buf: &[u8], target: Option<SocketAddr>) -> io::Result<usize> {
        self.udp
            .send(buf.to_vec(), target.map(to_wasi))
            .await
            .map_err(from_code)?;
        Ok(buf.len())
    }
}
