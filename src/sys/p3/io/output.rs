//! `AsyncOutputStream`: `AsyncWrite` over a WASI 0.3 `stream<u8>` (the writable end).
//!
//! A WASI 0.3 write hands the host a buffer and completes when the reader has taken it, and it
//! only progresses while it is polled. Writes are accepted into a bounded buffer and handed to
//! the host at once; the caller's next write, flush or close drives the write in flight. A
//! stream closed or dropped with bytes still on their way gets a task of its own, the *pump*,
//! that finishes them and then ends the stream: bytes a caller was told are written get there
//! even if the caller stops polling (it writes, half-closes, then waits for the reply).

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::{Future, poll_fn};
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures_lite::io::AsyncWrite;
use wit_bindgen::StreamWriter;

use crate::runtime::{poll_proceed, state};

/// How many bytes a stream accepts before the host has taken them: writes wait beyond it.
const CAPACITY: usize = 64 * 1024;

/// One write in flight: it owns the writable end until it completes, then gives it back with
/// what the reader did not take (nothing, unless the reader is gone).
type Write = Pin<Box<dyn Future<Output = (StreamWriter<u8>, Vec<u8>)>>>;

enum Writer {
    Idle(StreamWriter<u8>),
    Writing(Write),
    /// The stream has ended (the writable end is dropped).
    Closed,
    /// The reader went away (or the host failed the stream): nothing more can be written.
    Failed,
}

/// What the stream and its pump share.
struct Pipe {
    /// Bytes accepted and not yet handed to the host.
    pending: RefCell<Vec<u8>>,
    writer: RefCell<Writer>,
    /// Asked to end: once everything accepted is written, the writable end is dropped.
    closing: Cell<bool>,
    /// A pump drives the writes from now on; the stream's own calls only wait for it.
    pumped: Cell<bool>,
    /// A call of the stream waiting for the pump.
    waiter: RefCell<Option<Waker>>,
}

impl Pipe {
    /// Drives the writes until nothing is pending or in flight (and the stream has ended, if
    /// asked to): `Ready(Ok)` then, `Ready(Err)` once the reader is gone.
    fn poll_progress(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut writer = self.writer.borrow_mut();
        loop {
            match std::mem::replace(&mut *writer, Writer::Failed) {
                Writer::Writing(mut write) => match write.as_mut().poll(cx) {
                    Poll::Pending => {
                        *writer = Writer::Writing(write);
                        return Poll::Pending;
                    }
                    Poll::Ready((stream, unwritten)) if unwritten.is_empty() => {
                        *writer = Writer::Idle(stream);
                    }
                    Poll::Ready(_) => {
                        self.pending.borrow_mut().clear();
                        return Poll::Ready(Err(failed()));
                    }
                },
                Writer::Idle(mut stream) => {
                    let batch = std::mem::take(&mut *self.pending.borrow_mut());
                    if !batch.is_empty() {
                        *writer = Writer::Writing(Box::pin(async move {
                            let unwritten = stream.write_all(batch).await;
                            (stream, unwritten)
                        }));
                        continue;
                    }
                    if self.closing.get() {
                        drop(stream);
                        *writer = Writer::Closed;
                    } else {
                        *writer = Writer::Idle(stream);
                    }
                    return Poll::Ready(Ok(()));
                }
                Writer::Closed => {
                    *writer = Writer::Closed;
                    return Poll::Ready(Ok(()));
                }
                Writer::Failed => return Poll::Ready(Err(failed())),
            }
        }
    }

    /// Whether nothing is pending or in flight.
    fn is_idle(&self) -> bool {
        self.pending.borrow().is_empty() && !matches!(*self.writer.borrow(), Writer::Writing(_))
    }

    /// Asks for the end of the stream: now when nothing is on its way, else once it has been
    /// written, by a pump (a task of the running event loop; without one, what is on its way
    /// is dropped).
    fn close(self: &Rc<Self>) {
        if self.closing.replace(true) {
            return;
        }
        if self.is_idle() {
            let writer = std::mem::replace(&mut *self.writer.borrow_mut(), Writer::Closed);
            if let Writer::Failed = writer {
                *self.writer.borrow_mut() = Writer::Failed;
            }
            drop(writer);
        } else if state::is_running() && !self.pumped.replace(true) {
            drop(crate::spawn(pump(self.clone())));
        }
    }

    /// Ready once the pump is done with what it was given.
    fn poll_pumped(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match *self.writer.borrow() {
            Writer::Failed => return Poll::Ready(Err(failed())),
            Writer::Closed => return Poll::Ready(Ok(())),
            _ => {}
        }
        let mut slot = self.waiter.borrow_mut();
        if slot.as_ref().is_none_or(|w| !w.will_wake(cx.waker())) {
            let old = slot.replace(cx.waker().clone());
            drop(slot);
            drop(old);
        }
        Poll::Pending
    }
}

fn failed() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "the stream's reader is gone: nothing more can be written",
    )
}

/// Finishes the writes of a stream that was closed (or dropped) with bytes on their way, then
/// ends it.
async fn pump(pipe: Rc<Pipe>) {
    let _ = poll_fn(|cx| pipe.poll_progress(cx)).await;
    let waiter = pipe.waiter.borrow_mut().take();
    if let Some(waiter) = waiter {
        waiter.wake();
    }
}

/// A WASI 0.3 `stream<u8>` (the writable end) as an [`AsyncWrite`].
///
/// A write is accepted into a buffer of up to 64 KiB and handed to the host at once; the next
/// write waits while the buffer is full, so a slow reader at the other end slows the writer
/// instead of growing a buffer. `flush` waits until the reader has taken everything. Closing
/// (or dropping the stream) ends the stream once everything accepted has been taken, by a task
/// of its own if need be; bytes still on their way when the event loop shuts down are lost,
/// so flush before the end of `run`. A stream whose reader is gone fails writes with
/// [`io::ErrorKind::BrokenPipe`].
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
                writer: RefCell::new(Writer::Idle(stream)),
                closing: Cell::new(false),
                pumped: Cell::new(false),
                waiter: RefCell::new(None),
            }),
        }
    }

    /// A handle that closes this stream.
    pub(crate) fn closer(&self) -> Closer {
        Closer(self.pipe.clone())
    }

    /// Drives the writes (or, once a pump does, waits for it) until nothing is on its way.
    fn poll_drained(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.pipe.pumped.get() {
            self.pipe.poll_pumped(cx)
        } else {
            self.pipe.poll_progress(cx)
        }
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
        if this.pipe.closing.get() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the stream is closed",
            )));
        }
        if this.pipe.pending.borrow().len() >= CAPACITY {
            std::task::ready!(this.pipe.poll_progress(cx))?;
        }
        // There is room: the buffer was below its capacity, or has just been written.
        let n = {
            let mut pending = this.pipe.pending.borrow_mut();
            let n = buf.len().min(CAPACITY - pending.len());
            pending.extend_from_slice(&buf[..n]);
            n
        };
        // Hand the bytes to the host now; a write that waits goes on at the next call.
        if let Poll::Ready(Err(error)) = this.pipe.poll_progress(cx) {
            return Poll::Ready(Err(error));
        }
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_drained(cx)
    }

    /// Flushes, then ends the stream.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_drained(cx))?;
        this.pipe.close();
        this.poll_drained(cx)
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
            .field("closing", &self.pipe.closing.get())
            .finish()
    }
}
