//! The read side of a connection: a buffer of bytes received, shared between the connection
//! loop (which parses heads) and a request's body (which reads what follows).

use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_lite::Stream;
use futures_lite::io::AsyncBufRead;
use http::StatusCode;

use super::chunked::ChunkedDecoder;
use super::head::Framing;
use super::output::Output;
use super::shared::Shared;
use crate::http::server::HttpError;
use crate::net::transport::ReadHalf;
use crate::time::{Instant, Sleep, sleep_until};

/// Bytes received and not yet used.
pub(crate) struct Input {
    pub(crate) stream: ReadHalf,
    pub(crate) buffer: BytesMut,
}

impl Input {
    /// Reads more bytes into the buffer; `Ok(0)` at the end of the stream.
    pub(crate) fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let mut stream = Pin::new(&mut self.stream);
        let available = std::task::ready!(stream.as_mut().poll_fill_buf(cx))?;
        let n = available.len();
        self.buffer.extend_from_slice(available);
        stream.consume(n);
        Poll::Ready(Ok(n))
    }
}

/// What is left of the request body being read.
#[derive(Debug)]
pub(crate) enum Left {
    Length(u64),
    Chunked(ChunkedDecoder),
    Done,
    /// The response went out before the handler read it all; the rest was skipped.
    Abandoned,
    /// Reading it failed (malformed, cut short, stalled): the connection cannot be reused.
    Broken,
}

impl Left {
    pub(crate) fn new(framing: Framing) -> Left {
        match framing {
            Framing::Empty => Left::Done,
            Framing::Length(n) => Left::Length(n),
            Framing::Chunked => Left::Chunked(ChunkedDecoder::default()),
        }
    }
}

/// A request body read from the connection, chunk by chunk.
pub(crate) struct BodyReader {
    pub(crate) input: Shared<Input>,
    pub(crate) left: Rc<RefCell<Left>>,
    /// The `100 Continue` to send before the first read, when the client waits for it.
    pub(crate) continue_to: Option<Shared<Output>>,
    /// How long the client may pause while sending the body.
    pub(crate) read_timeout: Duration,
    pub(crate) idle: Option<Sleep>,
}

impl BodyReader {
    fn fail(
        &mut self,
        status: StatusCode,
        message: &str,
    ) -> Poll<Option<Result<Bytes, HttpError>>> {
        if let Ok(mut left) = self.left.try_borrow_mut() {
            *left = Left::Broken;
        }
        Poll::Ready(Some(Err(HttpError::new(status, message))))
    }
}

impl Stream for BodyReader {
    type Item = Result<Bytes, HttpError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        // The connection holds these while it reads the next request: a body read then (by a
        // task the handler left behind) is refused, not a panic.
        const LATE: &str = "the request body was read after its response was sent";
        if let Some(output) = &this.continue_to {
            let Some(mut output) = output.lend() else {
                return this.fail(StatusCode::INTERNAL_SERVER_ERROR, LATE);
            };
            std::task::ready!(output.poll_send_continue(cx));
            drop(output);
            this.continue_to = None;
        }
        loop {
            let Some(mut input) = this.input.lend() else {
                return this.fail(StatusCode::INTERNAL_SERVER_ERROR, LATE);
            };
            let Ok(mut left) = this.left.try_borrow_mut() else {
                drop(input);
                return this.fail(StatusCode::INTERNAL_SERVER_ERROR, LATE);
            };
            let chunk = match &mut *left {
                Left::Done => return Poll::Ready(None),
                Left::Abandoned => {
                    drop((left, input));
                    return this.fail(StatusCode::INTERNAL_SERVER_ERROR, LATE);
                }
                Left::Broken => {
                    drop((left, input));
                    return this.fail(StatusCode::BAD_REQUEST, "the request body failed");
                }
                Left::Length(n) if !input.buffer.is_empty() => {
                    let take = (*n).min(input.buffer.len() as u64) as usize;
                    *n -= take as u64;
                    if *n == 0 {
                        *left = Left::Done;
                    }
                    Some(input.buffer.split_to(take).freeze())
                }
                Left::Length(_) => None,
                Left::Chunked(decoder) => match decoder.step(&input.buffer) {
                    Ok(step) => {
                        let used = input.buffer.split_to(step.consumed).freeze();
                        if step.done {
                            *left = Left::Done;
                        }
                        match step.data {
                            Some(data) => Some(used.slice(data)),
                            None if step.done => return Poll::Ready(None),
                            None => None,
                        }
                    }
                    Err(error) => {
                        drop((left, input));
                        return this.fail(StatusCode::BAD_REQUEST, error.0);
                    }
                },
            };
            drop(left);
            if let Some(chunk) = chunk {
                this.idle = None;
                if chunk.is_empty() {
                    continue;
                }
                return Poll::Ready(Some(Ok(chunk)));
            }
            // More bytes are needed; the client may pause only so long.
            let idle = this
                .idle
                .get_or_insert_with(|| sleep_until(Instant::now() + this.read_timeout));
            if idle.poll_deadline(cx).is_ready() {
                drop(input);
                return this.fail(StatusCode::REQUEST_TIMEOUT, "the request body stalled");
            }
            match std::task::ready!(input.poll_fill(cx)) {
                Ok(0) | Err(_) => {
                    drop(input);
                    return this.fail(StatusCode::BAD_REQUEST, "the request body was cut short");
                }
                Ok(_) => this.idle = None,
            }
        }
    }
}
