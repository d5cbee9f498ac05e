//! `AsyncInputStream`: `AsyncRead` and `AsyncBufRead` over a `wasi:io/streams` input stream.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_lite::io::AsyncRead;
use wasip2::io::streams::{InputStream, StreamError};

use super::error::from_failure;
use crate::io::read_buffer::ReadBuffer;
use crate::runtime::poll_proceed;
use crate::sys::pollable::AsyncPollable;
use crate::sys::reactor::WaitState;

/// How much one read asks the host for, unless set with [`AsyncInputStream::with_capacity`]:
/// 16 KiB and room for the header a WebSocket frame or an HTTP chunk puts before it, so such
/// a message comes in one read. (wasmtime 48 zero-fills a buffer of this size for every
/// socket read: larger costs small reads time.)
const DEFAULT_CAPACITY: usize = 16 * 1024 + 64;

/// A `wasi:io/streams` input stream as an [`AsyncRead`] and
/// [`AsyncBufRead`](crate::io::AsyncBufRead).
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
    pub(crate) buffer: ReadBuffer,
    pub(crate) capacity: usize,
    /// A read with less than asked for took all the host had (a socket): wait for the
    /// pollable before the next read.
    short_read_drains: bool,
    /// The last read found the stream drained: wait until it is ready again.
    drained: bool,
    /// A file's stream: each read is the host's `blocking-read` (see [`Self::for_file`]).
    blocking_reads: bool,
}

impl AsyncInputStream {
    /// Wraps `stream`, reading up to 16 KiB (and 64 bytes) per host call.
    pub fn new(stream: InputStream) -> Self {
        Self::with_capacity(stream, DEFAULT_CAPACITY)
    }

    /// Wraps `stream`, reading up to `capacity` bytes (at least one) per host call.
    pub fn with_capacity(stream: InputStream, capacity: usize) -> Self {
        AsyncInputStream {
            pollable: None,
            wait: WaitState::default(),
            stream,
            buffer: ReadBuffer::default(),
            capacity: capacity.max(1),
            short_read_drains: false,
            drained: false,
            blocking_reads: false,
        }
    }

    /// Wraps a socket's stream: there a read that brings less than asked for has taken
    /// everything the host had, and the next read waits for the stream's pollable first.
    /// (wasmtime fills a buffer of the read's size even for a read that finds nothing.)
    pub(crate) fn for_socket(stream: InputStream) -> Self {
        AsyncInputStream {
            short_read_drains: true,
            ..Self::new(stream)
        }
    }

    /// Wraps a file's stream, reading up to `capacity` bytes (at least one) per host call,
    /// each with `blocking-read`. A plain `read` of a file's stream only starts a read on the
    /// host's thread pool and answers with nothing, so every chunk would cost a pollable wait
    /// and a round through the reactor; `blocking-read` reads the file at once (wasmtime
    /// reads it on the calling thread), which for a file, unlike a socket, never waits for a
    /// peer.
    pub(crate) fn for_file(stream: InputStream, capacity: usize) -> Self {
        AsyncInputStream {
            blocking_reads: true,
            ..Self::with_capacity(stream, capacity)
        }
    }

    /// The host's stream, for a `splice` from it.
    pub(super) fn host_stream(&self) -> &InputStream {
        &self.stream
    }

    /// One host read of up to `len` bytes: `Ok(None)` at the end of the stream.
    pub(crate) fn poll_host_read(
        &mut self,
        len: usize,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<Vec<u8>>>> {
        std::task::ready!(poll_proceed(cx));
        loop {
            if self.drained {
                let pollable = self
                    .pollable
                    .get_or_insert_with(|| AsyncPollable::new(self.stream.subscribe()));
                std::task::ready!(pollable.poll_wait(&mut self.wait, cx));
                self.drained = false;
            }
            let read = if self.blocking_reads {
                self.stream.blocking_read(len as u64)
            } else {
                self.stream.read(len as u64)
            };
            match read {
                Ok(bytes) if bytes.is_empty() => self.drained = true,
                Ok(bytes) => {
                    self.drained = self.short_read_drains && bytes.len() < len;
                    return Poll::Ready(Ok(Some(bytes)));
                }
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
        if !this.buffer.is_empty() {
            return Poll::Ready(Ok(this.buffer.copy_to(buf)));
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
