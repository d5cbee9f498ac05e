//! What the two halves of a TLS stream share: the session, and the socket's sending side with
//! the ciphertext on its way to it.
//!
//! A write is done once its ciphertext is in the socket's hands. When the socket takes only
//! part of it, the rest goes to a *pump*, a task of its own that sends it whatever the writer
//! does next (waits for a reply, say). The reader's own output (an alert, a key update) goes
//! the same way. Once the write half is gone, the pump sends what is left and `close_notify`,
//! then the socket's FIN. (A pump whose peer never reads waits as long as the connection
//! lasts; wasmtime 48 itself cannot let go of a TCP write in flight either: dropping the
//! socket's output stream then blocks the whole instance until the write ends.)

use std::cell::RefCell;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures_lite::io::AsyncWrite;

use super::super::session::Session;
use crate::net::OwnedWriteHalf;
use crate::runtime::state;

pub(crate) struct Shared {
    pub(super) session: RefCell<Session>,
    out: RefCell<Out>,
}

struct Out {
    /// The socket's sending side; `None` once given up.
    tcp: Option<OwnedWriteHalf>,
    /// A pump task is sending the outgoing ciphertext.
    pumping: bool,
    /// The write half is gone: send the rest, then FIN.
    finish: bool,
    /// The writer waiting for the pump.
    waiter: Option<Waker>,
    /// The socket failed under the pump.
    failed: Option<io::ErrorKind>,
}

fn wake(slot: &mut Option<Waker>) {
    if let Some(waker) = slot.take() {
        waker.wake();
    }
}

impl Shared {
    pub(super) fn new(session: Session, tcp: OwnedWriteHalf) -> Rc<Shared> {
        Rc::new(Shared {
            session: RefCell::new(session),
            out: RefCell::new(Out {
                tcp: Some(tcp),
                pumping: false,
                finish: false,
                waiter: None,
                failed: None,
            }),
        })
    }

    /// Sends the outgoing ciphertext until the socket has all of it (`Ready(Ok)`), is full
    /// (`Pending`), or fails.
    fn poll_send(&self, out: &mut Out, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut session = self.session.borrow_mut();
        loop {
            let pending = session.outgoing();
            if pending.is_empty() {
                return Poll::Ready(Ok(()));
            }
            let Some(tcp) = out.tcp.as_mut() else {
                return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
            };
            match std::task::ready!(Pin::new(tcp).poll_write(cx, pending)) {
                Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Ok(n) => session.sent(n),
                Err(error) => return Poll::Ready(Err(error)),
            }
        }
    }

    /// For the write half: `Ready` once every byte of ciphertext is in the socket's hands
    /// (sent by this call, or by the pump, waited for).
    pub(super) fn poll_sent(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut out = self.out.borrow_mut();
        if let Some(kind) = out.failed {
            return Poll::Ready(Err(kind.into()));
        }
        if out.pumping {
            out.waiter = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let sent = self.poll_send(&mut out, cx);
        if sent.is_pending() {
            // A pump started from the read half meanwhile wakes this writer to wait for it.
            out.waiter = Some(cx.waker().clone());
        }
        sent
    }

    /// Tries to send what is outgoing now; leaves the rest to a pump.
    pub(super) fn send_or_pump(self: &Rc<Self>, cx: &mut Context<'_>) -> io::Result<()> {
        let mut out = self.out.borrow_mut();
        if out.pumping {
            return Ok(());
        }
        match self.poll_send(&mut out, cx) {
            Poll::Ready(sent) => sent,
            Poll::Pending => {
                drop(out);
                self.pump();
                Ok(())
            }
        }
    }

    /// Leaves the outgoing ciphertext to a pump task, unless one runs or none is needed.
    pub(super) fn pump(self: &Rc<Self>) {
        let mut out = self.out.borrow_mut();
        if out.pumping || self.session.borrow().outgoing().is_empty() || !state::is_running() {
            return;
        }
        out.pumping = true;
        // A writer waiting on the socket itself waits for the pump from now on.
        wake(&mut out.waiter);
        drop(out);
        drop(crate::spawn(pump(self.clone())));
    }

    /// The write half is gone: `close_notify` (unless the connection failed or closed
    /// already), sent now if the socket takes it, else by a pump; then FIN.
    pub(super) fn finish(self: &Rc<Self>) {
        let Ok(mut session) = self.session.try_borrow_mut() else {
            return;
        };
        session.close();
        drop(session);
        let Ok(mut out) = self.out.try_borrow_mut() else {
            return;
        };
        out.finish = true;
        if out.pumping {
            return;
        }
        let mut cx = Context::from_waker(Waker::noop());
        if self.poll_send(&mut out, &mut cx).is_pending() {
            drop(out);
            self.pump();
        } else {
            out.tcp = None;
        }
    }

    /// For the write half's `close`: sends FIN after the ciphertext.
    pub(super) fn poll_shutdown(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_sent(cx))?;
        let mut out = self.out.borrow_mut();
        match out.tcp.as_mut() {
            Some(tcp) => Pin::new(tcp).poll_close(cx),
            None => Poll::Ready(Ok(())),
        }
    }

    /// For the write half's `flush`: the ciphertext sent, then the socket flushed.
    pub(super) fn poll_flush(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_sent(cx))?;
        let mut out = self.out.borrow_mut();
        match out.tcp.as_mut() {
            Some(tcp) => Pin::new(tcp).poll_flush(cx),
            None => Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
        }
    }
}

/// Sends the outgoing ciphertext; then, if the write half is gone, lets the socket's sending
/// side go (FIN).
async fn pump(shared: Rc<Shared>) {
    let sent = poll_fn(|cx| {
        let mut out = shared.out.borrow_mut();
        shared.poll_send(&mut out, cx)
    })
    .await;
    let mut out = shared.out.borrow_mut();
    out.pumping = false;
    if let Err(error) = sent {
        out.failed = Some(error.kind());
    }
    if out.finish {
        out.tcp = None;
    }
    wake(&mut out.waiter);
}
