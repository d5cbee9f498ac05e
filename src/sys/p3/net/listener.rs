//! A listening TCP socket: binding, listening, and accepting from its stream of connections.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use wasip3::sockets::types::TcpSocket;
use wit_bindgen::{StreamReader, StreamResult};

use super::tcp::{Connection, Socket};
use crate::net::addr::{family, from_wasi, to_wasi};
use crate::runtime::poll_proceed;
use crate::sys::io::error::from_code;
use crate::sys::waiters::{Place, Waiters};

/// How many connections one read of the listener's stream takes at most.
const BATCH: usize = 16;

/// One read of the connection stream in flight: it owns the stream until it completes.
type Read = Pin<Box<dyn Future<Output = (StreamReader<TcpSocket>, StreamResult, Vec<TcpSocket>)>>>;

enum Incoming {
    Idle(StreamReader<TcpSocket>),
    Reading(Read),
    /// The host ended the stream: the listener accepts no more.
    Ended,
}

pub(crate) struct Listener {
    // Field order: the stream of connections goes before the socket it came from.
    incoming: RefCell<Incoming>,
    /// Connections read from the stream and not yet accepted.
    ready: RefCell<VecDeque<TcpSocket>>,
    /// The accepting futures; the read in flight wakes them all.
    waiters: Rc<Waiters>,
    /// The listening socket, open while the listener is.
    _tcp: TcpSocket,
    local: SocketAddr,
}

/// Where one accepting future stands.
pub(crate) type AcceptWait = Place;

impl Listener {
    pub(crate) async fn bind(addr: SocketAddr, backlog: u32) -> io::Result<Listener> {
        let tcp = TcpSocket::create(family(addr)).map_err(from_code)?;
        tcp.bind(to_wasi(addr)).map_err(from_code)?;
        tcp.set_listen_backlog_size(u64::from(backlog.max(1)))
            .map_err(from_code)?;
        let incoming = tcp.listen().map_err(from_code)?;
        let local = from_wasi(tcp.get_local_address().map_err(from_code)?);
        Ok(Listener {
            incoming: RefCell::new(Incoming::Idle(incoming)),
            ready: RefCell::new(VecDeque::new()),
            waiters: Rc::default(),
            _tcp: tcp,
            local,
        })
    }

    pub(crate) fn local(&self) -> SocketAddr {
        self.local
    }

    /// The next connection. Connections whose addresses cannot be read any more (the client
    /// reset while it waited) are skipped.
    pub(crate) fn poll_accept(
        &self,
        wait: &mut AcceptWait,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Connection>> {
        std::task::ready!(poll_proceed(cx));
        loop {
            let next = self.ready.borrow_mut().pop_front();
            if let Some(tcp) = next {
                match Socket::connected(tcp) {
                    Ok(connection) => {
                        self.waiters.leave(wait);
                        return Poll::Ready(Ok(connection));
                    }
                    Err(_) => continue,
                }
            }
            match self.poll_read() {
                Poll::Ready(Ok(())) => continue,
                Poll::Ready(Err(error)) => {
                    self.waiters.leave(wait);
                    return Poll::Ready(Err(error));
                }
                Poll::Pending => {
                    self.waiters.wait(wait, cx);
                    return Poll::Pending;
                }
            }
        }
    }

    /// Reads more connections into `ready` (and wakes every accepting future); `Err` once the
    /// stream has ended.
    fn poll_read(&self) -> Poll<io::Result<()>> {
        let mut incoming = self.incoming.borrow_mut();
        loop {
            match std::mem::replace(&mut *incoming, Incoming::Ended) {
                Incoming::Idle(mut reader) => {
                    *incoming = Incoming::Reading(Box::pin(async move {
                        let (result, sockets) = reader.read(Vec::with_capacity(BATCH)).await;
                        (reader, result, sockets)
                    }));
                }
                Incoming::Reading(mut read) => {
                    match Waiters::poll_with(&self.waiters, |cx| read.as_mut().poll(cx)) {
                        Poll::Pending => {
                            *incoming = Incoming::Reading(read);
                            return Poll::Pending;
                        }
                        Poll::Ready((reader, result, sockets)) => {
                            *incoming = match result {
                                StreamResult::Dropped => Incoming::Ended,
                                StreamResult::Complete(_) | StreamResult::Cancelled => {
                                    Incoming::Idle(reader)
                                }
                            };
                            if sockets.is_empty() {
                                continue;
                            }
                            drop(incoming);
                            self.ready.borrow_mut().extend(sockets);
                            self.waiters.wake_all();
                            return Poll::Ready(Ok(()));
                        }
                    }
                }
                Incoming::Ended => {
                    drop(incoming);
                    self.waiters.wake_all();
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::NotConnected,
                        "the host closed the listener's stream of connections",
                    )));
                }
            }
        }
    }

    /// Withdraws an accepting future that stops waiting.
    pub(crate) fn cancel_accept(&self, wait: &mut AcceptWait) {
        self.waiters.leave(wait);
    }
}
