//! `ClientResponse`: status, headers, and a body read all at once or chunk by chunk.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_lite::Stream;
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH};
use http::{HeaderMap, StatusCode, Uri};

use crate::http::client::transport::{AbortOnDrop, Head};
use crate::http::coding::{Coding, CodingError, Decode, Decoder, decode_next};
use crate::http::incoming::Incoming;
use crate::http::{Error, TimeoutKind};
use crate::sync::OwnedSemaphorePermit;
use crate::time::{Instant, timeout_at};

/// A response from the [`Client`](super::Client) (aiohttp's `ClientResponse`).
///
/// The status and headers are here; the body is read with [`bytes`](ClientResponse::bytes),
/// [`text`](ClientResponse::text) or [`json`](ClientResponse::json) (at most
/// [`max_body_size`](ClientResponse::max_body_size) bytes, [`Error::BodyTooLarge`] past it), or
/// chunk by chunk with [`chunk`](ClientResponse::chunk) and [`chunks`](ClientResponse::chunks).
pub struct ClientResponse {
    status: StatusCode,
    headers: HeaderMap,
    url: Uri,
    body: Incoming,
    received: u64,
    max_body_size: u64,
    deadline: Option<Instant>,
    trailers: Option<HeaderMap>,
    /// The coding the body is to be decoded from, until its first byte makes the decoder.
    coding: Option<Coding>,
    /// The body's decoder, from its first byte to its end.
    decoder: Option<Box<dyn Decode>>,
    /// The client's concurrency slot, held until the response is dropped.
    _permit: Option<OwnedSemaphorePermit>,
    /// The task still sending the request body, stopped with the response.
    _upload: Option<AbortOnDrop>,
}

impl ClientResponse {
    /// The response whose head arrived from `url`, read within `deadline`, holding the
    /// client's concurrency slot (`permit`) until it is dropped.
    pub(crate) fn new(
        head: Head,
        url: Uri,
        max_body_size: u64,
        deadline: Option<Instant>,
        permit: Option<OwnedSemaphorePermit>,
        decode: bool,
    ) -> ClientResponse {
        let coding = content_coding(&head.headers).filter(|_| decode);
        ClientResponse {
            status: head.status,
            headers: head.headers,
            url,
            body: head.body,
            received: 0,
            max_body_size,
            deadline,
            trailers: None,
            coding,
            decoder: None,
            _permit: permit,
            _upload: head.upload,
        }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The URL of the response, after any redirects.
    pub fn url(&self) -> &Uri {
        &self.url
    }

    /// The `content-length` the server announced.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    /// The most body bytes this response reads (from the client's setting); past it reads fail
    /// with [`Error::BodyTooLarge`].
    pub fn max_body_size(&self) -> u64 {
        self.max_body_size
    }

    /// Changes the body limit, for one large download.
    pub fn set_max_body_size(&mut self, limit: u64) {
        self.max_body_size = limit;
    }

    /// The response itself for a 1xx, 2xx or 3xx status; [`Error::Status`] for 4xx and 5xx
    /// (aiohttp's `raise_for_status`).
    pub fn error_for_status(self) -> Result<ClientResponse, Error> {
        if self.status.is_client_error() || self.status.is_server_error() {
            return Err(Error::Status {
                url: self.url.clone(),
                status: self.status,
            });
        }
        Ok(self)
    }

    /// The next chunk of the body (decoded, when the client decodes its coding); `None` at
    /// its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            let raw = self.raw_chunk().await?;
            if let (Some(coding), Some(_)) = (self.coding, &raw) {
                // Made at the first byte, with the limit as it is then.
                self.coding = None;
                self.decoder = Some(Box::new(Decoder::new(coding, self.max_body_size)));
            }
            let decoded = decode_next(&mut self.decoder, raw).map_err(decode_error)?;
            match decoded {
                // A decoder may need more of the body before it gives anything.
                Some(chunk) if chunk.is_empty() => continue,
                Some(chunk) => {
                    self.received += chunk.len() as u64;
                    if self.received > self.max_body_size {
                        return Err(Error::BodyTooLarge {
                            limit: self.max_body_size,
                        });
                    }
                    return Ok(Some(chunk));
                }
                None => return Ok(None),
            }
        }
    }

    /// The next chunk of the body as the server sent it.
    async fn raw_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        match self.deadline {
            Some(deadline) => timeout_at(deadline, self.body.next_chunk())
                .await
                .map_err(|_| Error::Timeout {
                    url: self.url.clone(),
                    kind: TimeoutKind::Total,
                })?,
            None => self.body.next_chunk().await,
        }
        .map_err(|error| Error::from_body(&self.url, error))
    }

    /// The body as a [`Stream`] of chunks; it ends after the last chunk or the first error.
    pub fn chunks(self) -> Chunks {
        Chunks {
            next: Some(Box::pin(read_chunk(self))),
        }
    }

    /// The whole body.
    pub async fn bytes(mut self) -> Result<Bytes, Error> {
        let Some(first) = self.chunk().await? else {
            return Ok(Bytes::new());
        };
        // A body of one chunk needs no copy.
        let Some(second) = self.chunk().await? else {
            return Ok(first);
        };
        // What the server announces is a hint, not a promise: reserve at most 1 MiB up front
        // and grow as bytes actually arrive.
        let expected = self
            .content_length()
            .unwrap_or(0)
            .min(self.max_body_size)
            .min(1 << 20);
        let mut all = BytesMut::with_capacity(usize::try_from(expected).unwrap_or(0));
        all.extend_from_slice(&first);
        all.extend_from_slice(&second);
        while let Some(chunk) = self.chunk().await? {
            all.extend_from_slice(&chunk);
        }
        Ok(all.freeze())
    }

    /// The whole body as UTF-8 text.
    pub async fn text(self) -> Result<String, Error> {
        let bytes = self.bytes().await?;
        String::from_utf8(bytes.into()).map_err(|error| Error::Decode {
            what: "UTF-8",
            detail: error.utf8_error().to_string(),
        })
    }

    /// The whole body parsed as JSON.
    #[cfg(feature = "json")]
    pub async fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|error| Error::Decode {
            what: "JSON",
            detail: error.to_string(),
        })
    }

    /// The trailers that followed the body, once it has been read to its end; `None` when
    /// the server sent none (or the body has not been read yet).
    pub async fn trailers(&mut self) -> Result<Option<HeaderMap>, Error> {
        if self.trailers.is_none() {
            self.trailers = self
                .body
                .trailers()
                .await
                .map_err(|error| Error::from_body(&self.url, error))?;
        }
        Ok(self.trailers.clone())
    }
}

type ReadChunk = Pin<Box<dyn Future<Output = (Result<Option<Bytes>, Error>, ClientResponse)>>>;

async fn read_chunk(
    mut response: ClientResponse,
) -> (Result<Option<Bytes>, Error>, ClientResponse) {
    (response.chunk().await, response)
}

/// The stream of [`ClientResponse::chunks`].
#[must_use = "streams do nothing unless polled"]
pub struct Chunks {
    next: Option<ReadChunk>,
}

impl Stream for Chunks {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(next) = self.next.as_mut() else {
            return Poll::Ready(None);
        };
        let (read, response) = std::task::ready!(next.as_mut().poll(cx));
        self.next = None;
        Poll::Ready(match read {
            Ok(Some(chunk)) => {
                self.next = Some(Box::pin(read_chunk(response)));
                Some(Ok(chunk))
            }
            Ok(None) => None,
            Err(error) => Some(Err(error)),
        })
    }
}

impl fmt::Debug for Chunks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Chunks")
    }
}

impl fmt::Debug for ClientResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientResponse")
            .field("status", &self.status)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .finish()
    }
}

/// A decoder's error as the client's.
fn decode_error(error: CodingError) -> Error {
    match error {
        CodingError::TooLarge { limit } => Error::BodyTooLarge { limit },
        CodingError::Truncated { coding } | CodingError::Corrupt { coding, .. } => Error::Decode {
            what: coding.as_str(),
            detail: error.to_string(),
        },
    }
}

/// The one content coding of a response the client decodes: `None` for none, for several
/// stacked (rare, and left as they are), or for one it does not know.
fn content_coding(headers: &HeaderMap) -> Option<Coding> {
    let mut codings = headers.get_all(CONTENT_ENCODING).iter();
    let only = codings.next()?.to_str().ok()?;
    if codings.next().is_some() || only.contains(',') {
        return None;
    }
    Coding::from_token(only).filter(|coding| coding.decodable())
}
