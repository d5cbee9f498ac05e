//! `AsyncOutputStream`: `AsyncWrite` over a `wasi:io/streams` output stream.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_lite::io::AsyncWrite;
use wasip2::io::streams::{OutputStream, StreamError};

use super::AsyncInputStream;
use super::error::from_write_error;
use crate::runtime::poll_proceed;
use crate::sys::pollable::AsyncPollable;
use crate::sys::reactor::WaitState;

/// The most one `blocking-write-and-flush` takes.
pub(crate) const BLOCKING_WRITE_MAX: usize = 4096;

/// The most a file's write (see [`AsyncOutputStream::for_file`]) takes before it lets other
/// tasks run.
const BLOCKING_BATCH: usize = 256 * 1024;

/// A `wasi:io/streams` output stream as an [`AsyncWrite`].
///
/// Each write asks the host how much it accepts now (`check-write`) and writes at most that,
/// waiting on the stream's pollable while the answer is zero, so a slow reader at the other
/// end slows the writer instead of growing a buffer (wasio's own file streams write with
/// `blocking-write-and-flush` instead, see [`wasio::fs`](crate::fs)). `flush` waits until the
/// host has passed everything on. A closed stream fails writes with
/// [`io::ErrorKind::BrokenPipe`].
pub struct AsyncOutputStream {
    // Field order matters: the pollable is a child of the stream and must be dropped first.
    /// Made the first time the stream is full: a stream that never is costs no host handle.
    pollable: Option<AsyncPollable>,
    wait: WaitState,
    stream: OutputStream,
    flushing: bool,
    /// A file's stream: writes are the host's `blocking-write-and-flush` (see
    /// [`Self::for_file`]).
    blocking_writes: bool,
}

impl AsyncOutputStream {
    /// Wraps `stream`.
    pub fn new(stream: OutputStream) -> Self {
        AsyncOutputStream {
            pollable: None,
            wait: WaitState::default(),
            stream,
            flushing: false,
            blocking_writes: false,
        }
    }

    /// Wraps a file's stream, written with `blocking-write-and-flush`, 4 KiB a call (the most
    /// it takes). A plain write to a file only starts it on the host's thread pool, and the
    /// stream takes nothing more until it is done: every 64 KiB would cost a hand-over to
    /// another thread and back and a pollable wait. wasmtime writes a blocking write at once
    /// on the calling thread, and a file, unlike a socket, never waits for a peer.
    pub(crate) fn for_file(stream: OutputStream) -> Self {
        AsyncOutputStream {
            blocking_writes: true,
            ..Self::new(stream)
        }
    }

    /// Moves up to `len` bytes from `from` to this stream inside the host, so they never
    /// pass through the component; how many moved, `0` once `from` has ended.
    ///
    /// It waits on the event loop until this stream takes a write, then makes one
    /// `blocking-splice`: the host reads `from` (a file, at once) and writes here, and
    /// answers once this stream takes writes again. That holds the component, so it suits
    /// a stream that drains on its own, such as a wasi:http response body, whose request
    /// has a component of its own; not a socket a slow peer could stall.
    pub(crate) async fn blocking_splice(
        &mut self,
        from: &AsyncInputStream,
        len: u64,
    ) -> io::Result<u64> {
        let permitted = std::future::poll_fn(|cx| self.poll_writable(cx)).await?;
        match self
            .stream
            .blocking_splice(from.host_stream(), len.min(permitted as u64))
        {
            Ok(n) => {
                self.flushing = false;
                Ok(n)
            }
            // Either end may be the closed one: this one, if it no longer takes writes.
            Err(StreamError::Closed) => match self.stream.check_write() {
                Ok(_) => Ok(0),
                Err(error) => Err(from_write_error(error)),
            },
            Err(error) => Err(from_write_error(error)),
        }
    }

    /// How many bytes the host accepts now, waiting until it accepts at least one.
    fn poll_writable(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        loop {
            match self.stream.check_write() {
                Ok(0) => {
                    let pollable = self
                        .pollable
                        .get_or_insert_with(|| AsyncPollable::new(self.stream.subscribe()));
                    std::task::ready!(pollable.poll_wait(&mut self.wait, cx));
                }
                Ok(n) => return Poll::Ready(Ok(usize::try_from(n).unwrap_or(usize::MAX))),
                Err(error) => return Poll::Ready(Err(from_write_error(error))),
            }
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
        if this.blocking_writes {
            let n = buf.len().min(BLOCKING_BATCH);
            for piece in buf[..n].chunks(BLOCKING_WRITE_MAX) {
                this.stream
                    .blocking_write_and_flush(piece)
                    .map_err(from_write_error)?;
            }
            return Poll::Ready(Ok(n));
        }
        let permitted = std::task::ready!(this.poll_writable(cx))?;
        let n = permitted.min(buf.len());
        this.stream.write(&buf[..n]).map_err(from_write_error)?;
        // A flush begun before this write does not cover it: the next one must start anew.
        this.flushing = false;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.flushing {
            this.stream.flush().map_err(from_write_error)?;
            this.flushing = true;
        }
        // The flush is complete once the stream accepts writes again.
        let ready = std::task::ready!(this.poll_writable(cx));
        this.flushing = false;
        Poll::Ready(ready.map(drop))
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl fmt::Debug for AsyncOutputStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncOutputStream")
            .field("flushing", &self.flushing)
            .finish()
    }
}
