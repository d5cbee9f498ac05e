//! `AsyncInputStream`: `AsyncRead` and `AsyncBufRead` over a `wasi:io/streams` input stream.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_lite::io::{AsyncBufRead, AsyncRead};
use wasip2::io::streams::{InputStream, StreamError};

use super::error::from_failure;
use crate::runtime::{AsyncPollable, WaitState, poll_proceed};

/// How much one read asks the host for, unless set with [`AsyncInputStream::with_capacity`].
const DEFAULT_CAPACITY: usize = 16 * 1024;

/// A `wasi:io/streams` input stream as an [`AsyncRead`] and [`AsyncBufRead`].
///
/// Reads never block the component: when the host has no bytes yet (a read of zero bytes,
/// which is not the end of the stream), the task waits on the stream's pollable. The end of
/// the stream reads as `Ok(0)`. As a buffered reader it hands out the host's own buffers, so
/// `lines()` and `read_until` copy nothing extra.
pub struct AsyncInputStream {
    // Field order matters: the pollable is a child of the stream and must be dropped first.
    /// Made the first time a read finds nothing: a stream that always has bytes ready costs
    /// no host handle.
    pollable: Option<AsyncPollable>,
    wait: WaitState,
    stream: InputStream,
    buffer: Vec<u8>,
    consumed: usize,
    capacity: usize,
}

impl AsyncInputStream {
    /// Wraps `stream`, reading up to 16 KiB per host call.
    pub fn new(stream: InputStream) -> Self {
        Self::with_capacity(stream, DEFAULT_CAPACITY)
    }

    /// Wraps `stream`, reading up to `capacity` bytes (at least one) per host call.
    pub fn with_capacity(stream: InputStream, capacity: usize) -> Self {
        AsyncInputStream {
            pollable: None,
            wait: WaitState::default(),
            stream,
            buffer: Vec::new(),
            consumed: 0,
            capacity: capacity.max(1),
        }
    }

    /// One host read of up to `len` bytes: `Ok(None)` at the end of the stream.
    fn poll_host_read(
        &mut self,
        len: usize,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<Vec<u8>>>> {
        std::task::ready!(poll_proceed(cx));
        loop {
            match self.stream.read(len as u64) {
                Ok(bytes) if bytes.is_empty() => {
                    let pollable = self
                        .pollable
                        .get_or_insert_with(|| AsyncPollable::new(self.stream.subscribe()));
                    std::task::ready!(pollable.poll_wait(&mut self.wait, cx));
                }
                Ok(bytes) => return Poll::Ready(Ok(Some(bytes))),
                Err(StreamError::Closed) => return Poll::Ready(Ok(None)),
                Err(StreamError::LastOperationFailed(failure)) => {
                    return Poll::Ready(Err(from_failure(failure)));
                }
            }
        }
    }
}

impl AsyncRead for AsyncInputStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        if this.consumed < this.buffer.len() {
            let buffered = &this.buffer[this.consumed..];
            let n = buffered.len().min(buf.len());
            buf[..n].copy_from_slice(&buffered[..n]);
            this.consumed += n;
            return Poll::Ready(Ok(n));
        }
        let len = buf.len().min(this.capacity);
        match std::task::ready!(this.poll_host_read(len, cx))? {
            Some(bytes) => {
                let n = bytes.len().min(buf.len());
                buf[..n].copy_from_slice(&bytes[..n]);
                Poll::Ready(Ok(n))
            }
            None => Poll::Ready(Ok(0)),
        }
    }
}

impl AsyncBufRead for AsyncInputStream {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        if this.consumed >= this.buffer.len() {
            match std::task::ready!(this.poll_host_read(this.capacity, cx))? {
                Some(bytes) => this.buffer = bytes,
                None => this.buffer.clear(),
            }
            this.consumed = 0;
        }
        Poll::Ready(Ok(&this.buffer[this.consumed..]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let this = self.get_mut();
        this.consumed = (this.consumed + amt).min(this.buffer.len());
    }
}

impl fmt::Debug for AsyncInputStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncInputStream")
            .field("buffered", &(self.buffer.len() - self.consumed))
            .finish()
    }
}
