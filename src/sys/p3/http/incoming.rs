//! Reading a wasi:http 0.3 body (a response's for the client, a request's for the server):
//! its `stream<u8>` chunk by chunk, then the future of its trailers, which also says whether
//! the body arrived whole.

use std::future::poll_fn;

use bytes::Bytes;
use http::HeaderMap;
use wasip3::http::types::{ErrorCode, Fields};
use wasip3::wit_future;
use wit_bindgen::{FutureReader, FutureWriter, StreamReader};

use crate::http::fields::from_fields;
use crate::http::incoming::BodyError;
use crate::sys::io::AsyncInputStream;

/// How much one read asks the host for.
const CHUNK: usize = 64 * 1024;

/// What the host gives with a body: its bytes, and its trailers (or why it broke off).
pub(crate) type Parts = (
    StreamReader<u8>,
    FutureReader<Result<Option<Fields>, ErrorCode>>,
);

/// How handling a body went, for the host: the future `consume-body` takes.
pub(crate) type Handled = Result<(), ErrorCode>;

/// A body being read.
pub(crate) struct Incoming {
    // Field order: the stream goes before the future it ends with.
    stream: Option<AsyncInputStream>,
    trailers: Option<FutureReader<Result<Option<Fields>, ErrorCode>>>,
    /// The trailers, read at the end of the body.
    ended: Option<HeaderMap>,
    /// Tells the host how handling the body went (dropped: fine).
    _handled: Option<FutureWriter<Handled>>,
}

impl Incoming {
    /// A future for `consume-body`'s `res` argument, and the writer that resolves it.
    pub(crate) fn handled() -> (FutureWriter<Handled>, FutureReader<Handled>) {
        wit_future::new(|| Ok(()))
    }

    pub(crate) fn new((stream, trailers): Parts, handled: FutureWriter<Handled>) -> Incoming {
        Incoming {
            stream: Some(AsyncInputStream::with_capacity(stream, CHUNK)),
            trailers: Some(trailers),
            ended: None,
            _handled: Some(handled),
        }
    }

    /// The next chunk; `None` at the end of the body.
    pub(crate) async fn next_chunk(&mut self) -> Result<Option<Bytes>, BodyError> {
        let Some(stream) = self.stream.as_mut() else {
            return Ok(None);
        };
        match poll_fn(|cx| stream.poll_take(cx)).await {
            Ok(Some(bytes)) => return Ok(Some(Bytes::from(bytes))),
            Ok(None) => {}
            Err(error) => return Err(BodyError::Failed(error.to_string())),
        }
        self.stream = None;
        // The stream ended: its future says whether the body is whole, and brings trailers.
        let Some(trailers) = self.trailers.take() else {
            return Ok(None);
        };
        match trailers.await {
            Ok(trailers) => {
                self.ended = trailers.map(from_fields);
                Ok(None)
            }
            Err(ErrorCode::ConnectionReadTimeout) => Err(BodyError::Timeout),
            Err(code) => Err(BodyError::Code(code)),
        }
    }

    /// The trailers, once the body has been read to its end; `None` when there are none.
    pub(crate) async fn trailers(&mut self) -> Result<Option<HeaderMap>, BodyError> {
        Ok(self.ended.take())
    }
}
