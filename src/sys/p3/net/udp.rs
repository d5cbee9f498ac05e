//! Datagrams over `wasi:sockets@0.3.0` (UDP).

use std::cell::RefCell;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use wasip3::sockets::types::{ErrorCode, IpAddressFamily, IpSocketAddress, UdpSocket};

use crate::net::addr::{family, from_wasi, to_wasi};
use crate::runtime::poll_proceed;
use crate::sys::io::error::from_code;
use crate::sys::waiters::{Place, Waiters};

/// A `receive` in flight: the host may already have taken its datagram off the socket, so it
/// is kept (not cancelled) when the future that started it gives up, for the next receiver.
type Receive = Pin<Box<dyn Future<Output = Result<(Vec<u8>, IpSocketAddress), ErrorCode>>>>;

/// A bound UDP socket.
pub(crate) struct Udp {
    // Field order: the receive in flight goes before the socket it receives on.
    receiving: RefCell<Option<Receive>>,
    /// The receiving futures; the receive in flight wakes them all.
    waiters: Rc<Waiters>,
    udp: Rc<UdpSocket>,
}

impl Udp {
    /// Binds to `addr` (port 0: any).
    pub(crate) async fn bind(addr: SocketAddr) -> io::Result<Udp> {
        let udp = UdpSocket::create(family(addr)).map_err(from_code)?;
        udp.bind(to_wasi(addr)).map_err(from_code)?;
        Ok(Udp {
            receiving: RefCell::new(None),
            waiters: Rc::default(),
            udp: Rc::new(udp),
        })
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
        let (data, from) = Recv {
            udp: self,
            place: Place::default(),
        }
        .await
        .map_err(from_code)?;
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

/// The next datagram, from the receive in flight (started if there is none).
struct Recv<'a> {
    udp: &'a Udp,
    place: Place,
}

impl Future for Recv<'_> {
    type Output = Result<(Vec<u8>, IpSocketAddress), ErrorCode>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        std::task::ready!(poll_proceed(cx));
        let udp = this.udp;
        let mut receiving = udp.receiving.borrow_mut();
        let receive = receiving.get_or_insert_with(|| {
            let socket = udp.udp.clone();
            Box::pin(async move { socket.receive().await })
        });
        match Waiters::poll_with(&udp.waiters, |cx| receive.as_mut().poll(cx)) {
            Poll::Pending => {
                drop(receiving);
                udp.waiters.wait(&mut this.place, cx);
                Poll::Pending
            }
            Poll::Ready(received) => {
                *receiving = None;
                drop(receiving);
                udp.waiters.leave(&mut this.place);
                // The other receivers start the next receive.
                udp.waiters.wake_all();
                Poll::Ready(received)
            }
        }
    }
}

impl Drop for Recv<'_> {
    fn drop(&mut self) {
        self.udp.waiters.leave(&mut self.place);
    }
}
