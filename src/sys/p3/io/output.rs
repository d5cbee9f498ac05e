//! `AsyncOutputStream`: `AsyncWrite` over a WASI 0.3 `stream<u8>` (the writable end).
//!
//! A WASI 0.3 write hands the host a buffer and completes when the reader has taken it, and
//! it only progresses while it is polled. So that bytes a caller was told are written get
//! there even if the caller stops polling (it writes, half-closes, then waits for the reply),
//! writes go into a bounded buffer that a task of the stream's own, the *pump*, hands to the
//! host; closing lets the pump finish, then drops the writable end.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures_lite::io::AsyncWrite;
use wit_bindgen::StreamWriter;

use crate::runtime::poll_proceed;

/// How many bytes a stream accepts before the host has taken them: writes wait beyond it.
const CAPACITY: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Open,
    /// Asked to close: the pump drops the writable end once everything accepted is written.
    Closing,
    Closed,
    /// The reader went away (or the host failed the stream): nothing more can be written.
    Failed,
}

/// What the stream and its pump share.
struct Pipe {
    /// Bytes accepted and not yet handed to the host.
    pending: RefCell<Vec<u8>>,
    /// The writable end, while no write is in flight (the pump holds it during one).
    writer: RefCell<Option<StreamWriter<u8>>>,
    phase: Cell<Phase>,
    /// The pump has a write in flight.
    writing: Cell<bool>,
    pump_started: Cell<bool>,
    /// The pump, waiting for bytes.
    pump_waker: RefCell<Option<Waker>>,
    /// A writer waiting for room, or a flush or close waiting for the pump.
    waiter: RefCell<Option<Waker>>,
}

impl Pipe {
    fn wake(slot: &RefCell<Option<Waker>>) {
        let waker = slot.borrow_mut().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn wait(slot: &RefCell<Option<Waker>>, cx: &Context<'_>) {
        let mut slot = slot.borrow_mut();
        if slot.as_ref().is_none_or(|w| !w.will_wake(cx.waker())) {
            let old = slot.replace(cx.waker().clone());
            drop(slot);
            drop(old);
        }
    }

    /// Asks for the end of the stream: at once when nothing is pending or in flight (the
    /// writable end is dropped now), else by the pump when it is done.
    fn close(&self) {
        if self.phase.get() != Phase::Open {
            return;
        }
        if self.pending.borrow().is_empty() && !self.writing.get() {
            let writer = self.writer.borrow_mut().take();
            drop(writer);
            self.phase.set(Phase::Closed);
        } else {
            self.phase.set(Phase::Closing);
        }
        Pipe::wake(&self.pump_waker);
        Pipe::wake(&self.waiter);
    }

    fn failed(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::BrokenPipe,
            "the stream's reader is gone: nothing more can be written",
        )
    }
}

/// Hands what is pending to the host, batch by batch, until the stream closes or fails.
async fn pump(pipe: Rc<Pipe>) {
    loop {
        let batch = poll_fn(|cx| {
            let mut pending = pipe.pending.borrow_mut();
            if !pending.is_empty() {
                return Poll::Ready(Some(std::mem::take(&mut *pending)));
            }
            match pipe.phase.get() {
                Phase::Open => {
                    drop(pending);
                    Pipe::wait(&pipe.pump_waker, cx);
                    Poll::Pending
                }
                _ => Poll::Ready(None),
            }
        })
        .await;
        let writer = pipe.writer.borrow_mut().take();
        let Some(batch) = batch else {
            // Closing with everything written: the end of the stream.
            drop(writer);
            pipe.phase.set(Phase::Closed);
            Pipe::wake(&pipe.waiter);
            return;
        };
        let Some(mut writer) = writer else {
            // Only the pump takes the writable end while bytes are pending.
            pipe.phase.set(Phase::Failed);
            Pipe::wake(&pipe.waiter);
            return;
        };
        pipe.writing.set(true);
        let unwritten = writer.write_all(batch).await;
        pipe.writing.set(false);
        if unwritten.is_empty() {
            *pipe.writer.borrow_mut() = Some(writer);
        } else {
            pipe.phase.set(Phase::Failed);
            pipe.pending.borrow_mut().clear();
        }
        Pipe::wake(&pipe.waiter);
    }
}

/// A WASI 0.3 `stream<u8>` (the writable end) as an [`AsyncWrite`].
///
/// A write is accepted into a buffer of up to 64 KiB that a task of the stream's own hands to
/// the host, so a slow reader at the other end slows the writer instead of growing a buffer.
/// `flush` waits until the reader has taken everything. Closing (or dropping the stream) ends
/// the stream once everything accepted has been taken; bytes still pending when the event
/// loop shuts down are lost, so flush before the end of `run`. A stream whose reader is gone
/// fails writes with [`io::ErrorKind::BrokenPipe`].
///
/// Under WASI 0.2 the same type wraps a `wasi:io/streams` output stream.
pub struct AsyncOutputStream {
    pipe: Rc<Pipe>,
}

/// Closes the stream it came from (`shutdown(Write)` of a socket).
pub(crate) struct Closer(Rc<Pipe>);

impl Closer {
    pub(crate) fn close(&self) {
        self.0.close();
    }
}

impl AsyncOutputStream {
    /// Wraps `stream`.
    pub fn new(stream: StreamWriter<u8>) -> Self {
        AsyncOutputStream {
            pipe: Rc::new(Pipe {
                pending: RefCell::new(Vec::new()),
                writer: RefCell::new(Some(stream)),
                phase: Cell::new(Phase::Open),
                writing: Cell::new(false),
                pump_started: Cell::new(false),
                pump_waker: RefCell::new(None),
                waiter: RefCell::new(None),
            }),
        }
    }

    /// A handle that closes this stream.
    pub(crate) fn closer(&self) -> Closer {
        Closer(self.pipe.clone())
    }

    /// Ready once nothing is pending or in flight.
    fn poll_drained(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let pipe = &*self.pipe;
        if pipe.phase.get() == Phase::Failed {
            return Poll::Ready(Err(pipe.failed()));
        }
        if pipe.pending.borrow().is_empty() && !pipe.writing.get() {
            return Poll::Ready(Ok(()));
        }
        Pipe::wait(&pipe.waiter, cx);
        Poll::Pending
    }
}

impl AsyncWrite for AsyncOutputStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        std::task::ready!(poll_proceed(cx));
        let pipe = &*this.pipe;
        match pipe.phase.get() {
            Phase::Open => {}
            Phase::Failed => return Poll::Ready(Err(pipe.failed())),
            Phase::Closing | Phase::Closed => {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::BrokenPipe,
                    "the stream is closed",
                )));
            }
        }
        let mut pending = pipe.pending.borrow_mut();
        if pending.len() >= CAPACITY {
            drop(pending);
            Pipe::wait(&pipe.waiter, cx);
            return Poll::Pending;
        }
        let n = buf.len().min(CAPACITY - pending.len());
        pending.extend_from_slice(&buf[..n]);
        drop(pending);
        if !pipe.pump_started.replace(true) {
            drop(crate::spawn(pump(this.pipe.clone())));
        }
        Pipe::wake(&pipe.pump_waker);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_drained(cx)
    }

    /// Flushes, then ends the stream.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pipe.phase.get() == Phase::Closed {
            return Poll::Ready(Ok(()));
        }
        std::task::ready!(this.poll_drained(cx))?;
        this.pipe.close();
        Poll::Ready(Ok(()))
    }
}

impl Drop for AsyncOutputStream {
    fn drop(&mut self) {
        self.pipe.close();
    }
}

impl fmt::Debug for AsyncOutputStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncOutputStream")
            .field("pending", &self.pipe.pending.borrow().len())
            .field("phase", &self.pipe.phase.get())
            .finish()
    }
}
