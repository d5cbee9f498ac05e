//! A listening TCP socket: binding, listening, and accepting from its stream of connections.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use wasip3::sockets::types::TcpSocket;
use wit_bindgen::{StreamReader, StreamResult};

use super::tcp::{Connection, Socket};
use crate::net::addr::{family, from_wasi, to_wasi};
use crate::runtime::poll_proceed;
use crate::sys::io::error::from_code;

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
    /// Accepting futures waiting for a connection, by waiter id: any of them may be the one
    /// whose waker the read in flight holds, so all are woken when it completes.
    waiters: RefCell<Vec<(u64, Waker)>>,
    next_waiter: Cell<u64>,
    /// The listening socket, open while the listener is.
    _tcp: TcpSocket,
    local: SocketAddr,
}

/// Where one accepting future stands: its place among the waiters, once it waits.
#[derive(Debug, Default)]
pub(crate) struct AcceptWait {
    id: Option<u64>,
}

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
            waiters: RefCell::new(Vec::new()),
            next_waiter: Cell::new(0),
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
                        self.leave(wait);
                        return Poll::Ready(Ok(connection));
                    }
                    Err(_) => continue,
                }
            }
            match std::task::ready!(self.poll_read(wait, cx)) {
                Ok(()) => continue,
                Err(error) => {
                    self.leave(wait);
                    return Poll::Ready(Err(error));
                }
            }
        }
    }

    /// Reads more connections into `ready`; `Err` once the stream has ended.
    fn poll_read(&self, wait: &mut AcceptWait, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut incoming = self.incoming.borrow_mut();
        loop {
            match std::mem::replace(&mut *incoming, Incoming::Ended) {
                Incoming::Idle(mut reader) => {
                    *incoming = Incoming::Reading(Box::pin(async move {
                        let (result, sockets) = reader.read(Vec::with_capacity(BATCH)).await;
                        (reader, result, sockets)
                    }));
                }
                Incoming::Reading(mut read) => match read.as_mut().poll(cx) {
                    Poll::Pending => {
                        *incoming = Incoming::Reading(read);
                        drop(incoming);
                        self.register(wait, cx);
                        return Poll::Pending;
                    }
                    Poll::Ready((reader, result, sockets)) => {
                        *incoming = match result {
                            StreamResult::Dropped => Incoming::Ended,
                            StreamResult::Complete(_) | StreamResult::Cancelled => {
                                Incoming::Idle(reader)
                            }
                        };
                        drop(incoming);
                        if sockets.is_empty() {
                            incoming = self.incoming.borrow_mut();
                            continue;
                        }
                        self.ready.borrow_mut().extend(sockets);
                        self.wake_waiters();
                        return Poll::Ready(Ok(()));
                    }
                },
                Incoming::Ended => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::NotConnected,
                        "the host closed the listener's stream of connections",
                    )));
                }
            }
        }
    }

    fn register(&self, wait: &mut AcceptWait, cx: &Context<'_>) {
        let mut waiters = self.waiters.borrow_mut();
        let id = *wait.id.get_or_insert_with(|| {
            let id = self.next_waiter.get();
            self.next_waiter.set(id + 1);
            id
        });
        match waiters.iter_mut().find(|(w, _)| *w == id) {
            Some((_, waker)) if waker.will_wake(cx.waker()) => {}
            Some((_, waker)) => *waker = cx.waker().clone(),
            None => waiters.push((id, cx.waker().clone())),
        }
    }

    /// Wakes every waiting accept: the connections read are for whoever comes first, and
    /// the next read must be polled by one still waiting.
    fn wake_waiters(&self) {
        let waiters = std::mem::take(&mut *self.waiters.borrow_mut());
        for (_, waker) in waiters {
            waker.wake();
        }
    }

    /// Withdraws an accepting future that stops waiting. The read in flight may hold its
    /// waker: another waiter is woken to poll it instead.
    pub(crate) fn cancel_accept(&self, wait: &mut AcceptWait) {
        if self.leave(wait) {
            let next = self
                .waiters
                .borrow()
                .first()
                .map(|(_, waker)| waker.clone());
            if let Some(waker) = next {
                waker.wake();
            }
        }
    }

    /// Takes a waiter off the list; whether it was on it.
    fn leave(&self, wait: &mut AcceptWait) -> bool {
        let Some(id) = wait.id.take() else {
            return false;
        };
        let mut waiters = self.waiters.borrow_mut();
        let Some(at) = waiters.iter().position(|(w, _)| *w == id) else {
            return false;
        };
        let (_, waker) = waiters.swap_remove(at);
        drop(waiters);
        drop(waker);
        true
    }
}
