//! `AsyncInputStream`: `AsyncRead` and `AsyncBufRead` over a WASI 0.3 `stream<u8>`.

use std::cell::Cell;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures_lite::io::AsyncRead;
use wit_bindgen::{StreamReader, StreamResult};

use crate::io::read_buffer::ReadBuffer;
use crate::runtime::poll_proceed;

/// How much one read asks the host for, unless set with [`AsyncInputStream::with_capacity`]:
/// 16 KiB and room for the header a WebSocket frame or an HTTP chunk puts before it, so such
/// a message comes in one read.
const DEFAULT_CAPACITY: usize = 16 * 1024 + 64;

/// One read in flight: it owns the reader until it completes, then gives it back.
type Read = Pin<Box<dyn Future<Output = (StreamReader<u8>, StreamResult, Vec<u8>)>>>;

/// How the stream ended, once its writer is gone: `Err` when it ended because of an error
/// (a reset connection, say) rather than at its end.
pub(crate) type Ending = Pin<Box<dyn Future<Output = io::Result<()>>>>;

enum State {
    Idle(StreamReader<u8>),
    Reading(Read),
    /// The writer is gone; what the ending says is still to be asked.
    Ending,
    Ended,
}

/// A WASI 0.3 `stream<u8>` (the readable end) as an [`AsyncRead`] and
/// [`AsyncBufRead`](crate::io::AsyncBufRead).
///
/// A read hands the host a buffer and waits until the writer has put bytes in it; one read is
/// in flight at a time, and one that is still pending when the caller gives up keeps its
/// bytes for the next read. The end of the stream (the writer dropped its end) reads as
/// `Ok(0)`. As a buffered reader it hands out the buffers the host filled, so `lines()` and
/// `read_until` copy nothing extra.
///
/// Under WASI 0.2 the same type wraps a `wasi:io/streams` input stream.
pub struct AsyncInputStream {
    state: State,
    ending: Option<Ending>,
    /// Set when the socket this stream reads from is shut down for reading.
    shut: Option<Rc<Cell<bool>>>,
    pub(crate) buffer: ReadBuffer,
    pub(crate) capacity: usize,
}

impl AsyncInputStream {
    /// Wraps `stream`, reading up to 16 KiB (and 64 bytes) per host call.
    pub fn new(stream: StreamReader<u8>) -> Self {
        Self::with_capacity(stream, DEFAULT_CAPACITY)
    }

    /// Wraps `stream`, reading up to `capacity` bytes (at least one) per host call.
    pub fn with_capacity(stream: StreamReader<u8>, capacity: usize) -> Self {
        AsyncInputStream {
            state: State::Idle(stream),
            ending: None,
            shut: None,
            buffer: ReadBuffer::default(),
            capacity: capacity.max(1),
        }
    }

    /// Wraps `stream`, whose writer may end it because of an error that `ending` reports.
    pub(crate) fn with_ending(stream: StreamReader<u8>, ending: Ending) -> Self {
        AsyncInputStream {
            ending: Some(ending),
            ..Self::new(stream)
        }
    }

    /// A flag that, once set, makes the stream end: reads give the end of the stream and the
    /// readable end is dropped (`shutdown(Read)` of a socket).
    pub(crate) fn shut_flag(&mut self) -> Rc<Cell<bool>> {
        self.shut.get_or_insert_with(Rc::default).clone()
    }

    /// One host read of up to `len` bytes: `Ok(None)` at the end of the stream.
    pub(crate) fn poll_host_read(
        &mut self,
        len: usize,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<Vec<u8>>>> {
        std::task::ready!(poll_proceed(cx));
        loop {
            if self.shut.as_ref().is_some_and(|shut| shut.get()) {
                self.state = State::Ended;
            }
            match std::mem::replace(&mut self.state, State::Ended) {
                State::Idle(mut reader) => {
                    self.state = State::Reading(Box::pin(async move {
                        let (result, bytes) = reader.read(Vec::with_capacity(len)).await;
                        (reader, result, bytes)
                    }));
                }
                State::Reading(mut read) => match read.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.state = State::Reading(read);
                        return Poll::Pending;
                    }
                    Poll::Ready((reader, result, bytes)) => match result {
                        StreamResult::Complete(_) if !bytes.is_empty() => {
                            self.state = State::Idle(reader);
                            return Poll::Ready(Ok(Some(bytes)));
                        }
                        StreamResult::Complete(_) | StreamResult::Cancelled => {
                            self.state = State::Idle(reader)
                        }
                        StreamResult::Dropped => self.state = State::Ending,
                    },
                },
                State::Ending => {
                    let Some(ending) = self.ending.as_mut() else {
                        return Poll::Ready(Ok(None));
                    };
                    let Poll::Ready(ended) = ending.as_mut().poll(cx) else {
                        self.state = State::Ending;
                        return Poll::Pending;
                    };
                    self.ending = None;
                    return Poll::Ready(ended.map(|()| None));
                }
                State::Ended => return Poll::Ready(Ok(None)),
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
        if this.buffer.is_empty() {
            let bytes = std::task::ready!(this.poll_host_read(this.capacity, cx))?;
            this.buffer.refill(bytes);
        }
        Poll::Ready(Ok(this.buffer.copy_to(buf)))
    }
}
