//! `AsyncOutputStream`: `AsyncWrite` over a WASI 0.3 `stream<u8>` (the writable end).
//!
//! A WASI 0.3 write hands the host a buffer and completes when the reader has taken it (maybe
//! in parts, each a host call), and it only progresses while it is polled. Writes are accepted
//! into a bounded buffer and handed to the host at once. A write the host takes whole right
//! away needs nothing more. One it does not gets a task of the stream's own, the *pump*,
//! which from then on hands everything accepted to the host and ends the stream when it is
//! closed or dropped: bytes a caller was told are written get there whatever the caller does
//! next (waits for a reply, half-closes, goes away).

use std::any::Any;
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

/// How many bytes a stream accepts before the host has taken them, unless made with
/// [`AsyncOutputStream::with_capacity`]: writes wait beyond it.
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
    /// How many bytes may be pending: writes wait beyond it.
    capacity: usize,
    writer: RefCell<Writer>,
    /// Asked to end: once everything accepted is written, the writable end is dropped.
    closing: Cell<bool>,
    /// A pump drives the writes: the stream's own calls only wait for it.
    pumped: Cell<bool>,
    /// The pump, waiting for bytes or for the end.
    pump_waker: RefCell<Option<Waker>>,
    /// A call of the stream waiting for the pump: for room, for the writes, or for the end.
    waiter: RefCell<Option<Waker>>,
    /// What the stream belongs to (a socket), kept until the stream has ended.
    owner: RefCell<Option<Rc<dyn Any>>>,
}

fn wait(slot: &RefCell<Option<Waker>>, cx: &Context<'_>) {
    let mut slot = slot.borrow_mut();
    if slot.as_ref().is_none_or(|w| !w.will_wake(cx.waker())) {
        let old = slot.replace(cx.waker().clone());
        drop(slot);
        drop(old);
    }
}

fn wake(slot: &RefCell<Option<Waker>>) {
    let waker = slot.borrow_mut().take();
    if let Some(waker) = waker {
        waker.wake();
    }
}

fn failed() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "the stream's reader is gone: nothing more can be written",
    )
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

    /// Hands the writes to a pump, unless one has them already; without a running event loop
    /// to spawn it on, the caller goes on driving them.
    fn start_pump(self: &Rc<Self>) {
        if !self.pumped.get() && state::is_running() {
            self.pumped.set(true);
            drop(crate::spawn(pump(self.clone())));
        }
    }

    /// Whether nothing is pending or in flight.
    fn is_idle(&self) -> bool {
        self.pending.borrow().is_empty() && !matches!(*self.writer.borrow(), Writer::Writing(_))
    }

    /// Whether the stream has ended or failed: nothing is left to do.
    fn is_over(&self) -> bool {
        matches!(*self.writer.borrow(), Writer::Closed | Writer::Failed)
    }

    /// Asks for the end of the stream: now when nothing is on its way, else once it has been
    /// written, by the pump.
    fn close(self: &Rc<Self>) {
        if self.closing.replace(true) {
            return;
        }
        if self.pumped.get() {
            wake(&self.pump_waker);
        } else if self.is_idle() {
            let mut writer = self.writer.borrow_mut();
            if let Writer::Idle(_) = *writer {
                *writer = Writer::Closed;
            }
        } else {
            self.start_pump();
        }
    }

    /// Ready once the pump has done what `done` waits for.
    fn poll_pump(
        &self,
        cx: &mut Context<'_>,
        done: impl Fn(&Pipe) -> bool,
    ) -> Poll<io::Result<()>> {
        if let Writer::Failed = *self.writer.borrow() {
            return Poll::Ready(Err(failed()));
        }
        if done(self) {
            return Poll::Ready(Ok(()));
        }
        wait(&self.waiter, cx);
        Poll::Pending
    }
}

/// Hands what is accepted to the host, batch by batch, until the stream has ended or failed.
async fn pump(pipe: Rc<Pipe>) {
    poll_fn(|cx| {
        loop {
            let progress = pipe.poll_progress(cx);
            if progress.is_ready() {
                wake(&pipe.waiter);
            }
            match progress {
                Poll::Pending => {
                    // The batch in flight left room: a writer waiting for it may go on.
                    if pipe.pending.borrow().len() < pipe.capacity {
                        wake(&pipe.waiter);
                    }
                    return Poll::Pending;
                }
                Poll::Ready(Err(_)) => return Poll::Ready(()),
                Poll::Ready(Ok(())) if pipe.is_over() => {
                    let owner = pipe.owner.borrow_mut().take();
                    drop(owner);
                    return Poll::Ready(());
                }
                Poll::Ready(Ok(())) => {
                    // Everything accepted is written: wait for more, or for the end.
                    wait(&pipe.pump_waker, cx);
                    if pipe.pending.borrow().is_empty() && !pipe.closing.get() {
                        return Poll::Pending;
                    }
                }
            }
        }
    })
    .await
}

/// A WASI 0.3 `stream<u8>` (the writable end) as an [`AsyncWrite`].
///
/// A write is accepted into a buffer of up to 64 KiB (by default) and handed to the host at
/// once; the next write waits while the buffer is full, so a slow reader at the other end
/// slows the writer instead of growing a buffer. A write the host does not take whole at once
/// goes on in a task of the stream's own, which makes sure every accepted byte gets there.
/// `flush` waits until the reader has taken everything. Closing (or dropping the stream) ends the stream
/// once everything accepted has been taken; bytes still on their way when the event loop
/// shuts down are lost, so flush before the end of `run`. A stream whose reader is gone fails
/// writes with [`io::ErrorKind::BrokenPipe`].
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
    /// Wraps `stream`, accepting up to 64 KiB before the host has taken it.
    pub fn new(stream: StreamWriter<u8>) -> Self {
        Self::with_capacity(stream, CAPACITY)
    }

    /// Wraps `stream`, accepting up to `capacity` bytes (at least one) before the host has
    /// taken them: larger batches are fewer host writes (a file's), at that much memory.
    pub(crate) fn with_capacity(stream: StreamWriter<u8>, capacity: usize) -> Self {
        AsyncOutputStream {
            pipe: Rc::new(Pipe {
                pending: RefCell::new(Vec::new()),
                capacity: capacity.max(1),
                writer: RefCell::new(Writer::Idle(stream)),
                closing: Cell::new(false),
                pumped: Cell::new(false),
                pump_waker: RefCell::new(None),
                waiter: RefCell::new(None),
                owner: RefCell::new(None),
            }),
        }
    }

    /// Keeps `owner` (the socket the stream sends on) alive until the stream has ended, even
    /// when the stream is dropped first and its pump finishes the writes.
    pub(crate) fn keep_owner(&self, owner: Rc<dyn Any>) {
        *self.pipe.owner.borrow_mut() = Some(owner);
    }

    /// A handle that closes this stream.
    pub(crate) fn closer(&self) -> Closer {
        Closer(self.pipe.clone())
    }

    /// Ready once nothing is on its way.
    fn poll_drained(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.pipe.pumped.get() {
            self.pipe.poll_pump(cx, Pipe::is_idle)
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
        let pipe = &self.get_mut().pipe;
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        std::task::ready!(poll_proceed(cx));
        if pipe.closing.get() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the stream is closed",
            )));
        }
        let full = pipe.pending.borrow().len() >= pipe.capacity;
        if full && pipe.pumped.get() {
            std::task::ready!(pipe.poll_pump(cx, |p| p.pending.borrow().len() < p.capacity))?;
        } else if full {
            std::task::ready!(pipe.poll_progress(cx))?;
        }
        // There is room: the buffer was below its capacity, or has just been written.
        let n = {
            let mut pending = pipe.pending.borrow_mut();
            let n = buf.len().min(pipe.capacity - pending.len());
            pending.extend_from_slice(&buf[..n]);
            n
        };
        if pipe.pumped.get() {
            wake(&pipe.pump_waker);
        } else {
            // Hand the bytes to the host now; if it does not take them all at once, the
            // pump sees them through.
            match pipe.poll_progress(cx) {
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Ready(Ok(())) => {}
                Poll::Pending => pipe.start_pump(),
            }
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
        if this.pipe.pumped.get() {
            this.pipe.poll_pump(cx, Pipe::is_over)
        } else {
            this.pipe.poll_progress(cx)
        }
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
