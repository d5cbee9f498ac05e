//! Reading a wasi:http 0.2 body (a response's for the client, a request's for the server),
//! chunk by chunk, then its trailers.

use bytes::Bytes;
use http::HeaderMap;
use wasip2::http::types::{ErrorCode, FutureTrailers, IncomingBody, http_error_code};
use wasip2::io::streams::{InputStream, StreamError};

use crate::http::fields::from_fields;
use crate::http::incoming::BodyError;
use crate::runtime::poll_proceed;
use crate::sys::pollable::AsyncPollable;

/// How much one read asks the host for.
const CHUNK: u64 = 64 * 1024;

/// A body being read.
pub(crate) struct Incoming {
    state: State,
}

enum State {
    // Field order in each variant: children before parents.
    Reading {
        /// Made the first time a read finds nothing.
        ready: Option<AsyncPollable>,
        stream: InputStream,
        body: IncomingBody,
    },
    Ended(Option<FutureTrailers>),
    Failed,
}

impl Incoming {
    pub(crate) fn new(body: IncomingBody) -> Incoming {
        let state = match body.stream() {
            Ok(stream) => State::Reading {
                ready: None,
                stream,
                body,
            },
            Err(()) => State::Failed,
        };
        Incoming { state }
    }

    /// The next chunk; `None` at the end of the body.
    pub(crate) async fn next_chunk(&mut self) -> Result<Option<Bytes>, BodyError> {
        std::future::poll_fn(poll_proceed).await;
        loop {
            let State::Reading { ready, stream, .. } = &mut self.state else {
                return match self.state {
                    State::Ended(_) => Ok(None),
                    _ => Err(BodyError::Code(ErrorCode::HttpResponseIncomplete)),
                };
            };
            match stream.read(CHUNK) {
                Ok(bytes) if bytes.is_empty() => {
                    ready
                        .get_or_insert_with(|| AsyncPollable::new(stream.subscribe()))
                        .wait_not_ready()
                        .await
                }
                Ok(bytes) => return Ok(Some(Bytes::from(bytes))),
                Err(StreamError::Closed) => {
                    self.end();
                    return Ok(None);
                }
                Err(StreamError::LastOperationFailed(failure)) => {
                    self.state = State::Failed;
                    return Err(match http_error_code(&failure) {
                        Some(code) => BodyError::Code(code),
                        None => from_description(&failure.to_debug_string()),
                    });
                }
            }
        }
    }

    /// The trailers, once the body has been read to its end; `None` when there are none.
    pub(crate) async fn trailers(&mut self) -> Result<Option<HeaderMap>, BodyError> {
        let State::Ended(future) = &mut self.state else {
            return Ok(None);
        };
        let Some(future) = future.take() else {
            return Ok(None);
        };
        let ready = AsyncPollable::new(future.subscribe());
        ready.wait_not_ready().await;
        drop(ready);
        match future.get() {
            Some(Ok(Ok(trailers))) => Ok(trailers.map(from_fields)),
            Some(Ok(Err(code))) => Err(BodyError::Code(code)),
            Some(Err(())) | None => Ok(None),
        }
    }

    fn end(&mut self) {
        if let State::Reading {
            ready,
            stream,
            body,
        } = std::mem::replace(&mut self.state, State::Failed)
        {
            drop(ready);
            drop(stream);
            self.state = State::Ended(Some(IncomingBody::finish(body)));
        }
    }
}

/// The error a body failure's description stands for. wasmtime 48 does not let
/// `http-error-code` see body errors (it wraps them in its own type), so their description is
/// all there is; its first line names the error, the rest is the host's backtrace.
fn from_description(description: &str) -> BodyError {
    let first = description.lines().next().unwrap_or_default();
    if first.contains("read timeout") || first.contains("response timeout") {
        return BodyError::Timeout;
    }
    BodyError::Failed(first.to_string())
}
