//! A [`Body`] encoded: complete bytes at once, a stream chunk by chunk with a flush after
//! each, so that what a reader gets keeps pace with what the writer sends (server-sent
//! events stay events).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_lite::Stream;

use super::{CodingError, Encoder};
use crate::http::{Body, BodyStream};

/// `body` encoded by `encoder`.
pub(crate) fn encode_body(body: Body, mut encoder: Encoder) -> Result<Body, CodingError> {
    match body.into_parts() {
        Ok(bytes) => {
            let mut coded = encoder.encode(&bytes)?.to_vec();
            coded.extend_from_slice(&encoder.finish()?);
            Ok(Body::from(coded))
        }
        Err(stream) => Ok(Body::from_stream(Encoded {
            stream,
            encoder: Some(encoder),
        })),
    }
}

/// A stream of chunks, encoded.
struct Encoded {
    stream: BodyStream,
    /// Until the stream ends.
    encoder: Option<Encoder>,
}

impl Stream for Encoded {
    type Item = io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Bytes>>> {
        let this = self.get_mut();
        loop {
            let Some(encoder) = this.encoder.as_mut() else {
                return Poll::Ready(None);
            };
            let coded = match std::task::ready!(this.stream.as_mut().poll_next(cx)) {
                Some(Ok(chunk)) if chunk.is_empty() => continue,
                Some(Ok(chunk)) => encoder.encode_flushed(&chunk),
                Some(Err(error)) => {
                    this.encoder = None;
                    return Poll::Ready(Some(Err(error)));
                }
                None => match this.encoder.take() {
                    Some(encoder) => encoder.finish(),
                    None => return Poll::Ready(None),
                },
            };
            match coded {
                Ok(coded) if coded.is_empty() => continue,
                Ok(coded) => return Poll::Ready(Some(Ok(coded))),
                Err(error) => {
                    this.encoder = None;
                    return Poll::Ready(Some(Err(io::Error::other(error))));
                }
            }
        }
    }
}
