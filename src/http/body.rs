//! `Body`: the bytes of a request or response, complete or streamed.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_lite::Stream;
use futures_lite::io::AsyncRead;

/// A stream of body chunks.
pub type BodyStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>>>>;

/// The body of a request or response: empty, complete bytes, or a stream of chunks that is
/// sent while it is produced (so a large upload need not fit in memory).
///
/// It converts from `&str`, `String`, `&[u8]`, `Vec<u8>` and [`Bytes`];
/// [`Body::from_stream`] and [`Body::from_reader`] stream, and with the `json` feature
/// [`Body::json`] serializes any `Serialize` value.
///
/// ```
/// use wasio::http::Body;
///
/// let text = Body::from("hello");
/// assert_eq!(text.len(), Some(5));
/// let streamed = Body::from_stream(futures_lite::stream::iter([Ok(bytes::Bytes::from("a"))]));
/// assert_eq!(streamed.len(), None);
/// ```
pub struct Body {
    inner: Inner,
}

enum Inner {
    Bytes(Bytes),
    /// Chunks, and their total length when known.
    Stream(BodyStream, Option<u64>),
}

impl Body {
    /// No body.
    pub fn empty() -> Body {
        Body {
            inner: Inner::Bytes(Bytes::new()),
        }
    }

    /// A body sent chunk by chunk as `stream` yields them; an error ends the body abnormally.
    pub fn from_stream<S, B>(stream: S) -> Body
    where
        S: Stream<Item = io::Result<B>> + 'static,
        B: Into<Bytes>,
    {
        use futures_lite::StreamExt;
        Body {
            inner: Inner::Stream(Box::pin(stream.map(|chunk| chunk.map(Into::into))), None),
        }
    }

    /// A body sent chunk by chunk as `stream` yields them, which are `len` bytes in all: it
    /// goes with a `content-length` rather than chunked. A stream that yields another
    /// length ends with an error (the peer sees the body cut short).
    ///
    /// ```
    /// use wasio::http::Body;
    ///
    /// let chunks = futures_lite::stream::iter(["ab", "c"].map(|c| Ok(bytes::Bytes::from(c))));
    /// assert_eq!(Body::from_sized_stream(3, chunks).len(), Some(3));
    /// ```
    pub fn from_sized_stream<S, B>(len: u64, stream: S) -> Body
    where
        S: Stream<Item = io::Result<B>> + 'static,
        B: Into<Bytes>,
    {
        let checked = SizedStream {
            inner: Body::from_stream(stream).into_stream(),
            left: len,
            failed: false,
        };
        Body {
            inner: Inner::Stream(Box::pin(checked), Some(len)),
        }
    }

    /// Bytes that live for the whole program, sent without a copy.
    ///
    /// ```
    /// let body = wasio::http::Body::from_static(b"Hello, World!");
    /// assert_eq!(body.len(), Some(13));
    /// ```
    pub fn from_static(bytes: &'static [u8]) -> Body {
        Body::from(Bytes::from_static(bytes))
    }

    /// A body read from `reader` (a file, a socket, stdin) in chunks of up to 64 KiB.
    pub fn from_reader(reader: impl AsyncRead + 'static) -> Body {
        Body::from_stream(ReaderStream {
            reader: Box::pin(reader),
            buffer: BytesMut::new(),
            done: false,
        })
    }

    /// `value` as JSON (the request also gets `content-type: application/json` when sent
    /// with [`RequestBuilder::json`](crate::http::RequestBuilder::json)).
    #[cfg(feature = "json")]
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Body, serde_json::Error> {
        serde_json::to_vec(value).map(Body::from)
    }

    /// The length, when the body is complete bytes.
    pub fn len(&self) -> Option<u64> {
        match &self.inner {
            Inner::Bytes(bytes) => Some(bytes.len() as u64),
            Inner::Stream(_, len) => *len,
        }
    }

    /// Whether the body is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The body as a stream of chunks (complete bytes make one chunk).
    pub fn into_stream(self) -> BodyStream {
        match self.inner {
            Inner::Bytes(bytes) if bytes.is_empty() => Box::pin(futures_lite::stream::empty()),
            Inner::Bytes(bytes) => Box::pin(futures_lite::stream::once(Ok(bytes))),
            Inner::Stream(stream, _) => stream,
        }
    }

    /// The whole body, its stream read to the end (to check a response in a test, say).
    ///
    /// ```
    /// # wasio::run(async {
    /// use wasio::http::Body;
    ///
    /// let chunks = futures_lite::stream::iter(["a", "b"].map(|c| Ok(bytes::Bytes::from(c))));
    /// assert_eq!(Body::from_stream(chunks).bytes().await.unwrap(), "ab");
    /// # });
    /// ```
    pub async fn bytes(self) -> io::Result<Bytes> {
        use futures_lite::StreamExt;
        match self.inner {
            Inner::Bytes(bytes) => Ok(bytes),
            Inner::Stream(mut stream, _) => {
                let mut all = BytesMut::new();
                while let Some(chunk) = stream.next().await {
                    all.extend_from_slice(&chunk?);
                }
                Ok(all.freeze())
            }
        }
    }

    /// A copy, when the body is complete bytes (a stream can be sent once only).
    pub(crate) fn try_clone(&self) -> Option<Body> {
        match &self.inner {
            Inner::Bytes(bytes) => Some(Body {
                inner: Inner::Bytes(bytes.clone()),
            }),
            Inner::Stream(..) => None,
        }
    }

    /// The body as complete bytes, or as a stream.
    pub(crate) fn into_parts(self) -> Result<Bytes, BodyStream> {
        match self.inner {
            Inner::Bytes(bytes) => Ok(bytes),
            Inner::Stream(stream, _) => Err(stream),
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::empty()
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body {
            inner: Inner::Bytes(bytes),
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body::from(Bytes::from(bytes))
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Body::from(Bytes::from(text))
    }
}

/// Copies the text; [`Body::from_static`] does not.
impl From<&str> for Body {
    fn from(text: &str) -> Self {
        Body::from(Bytes::copy_from_slice(text.as_bytes()))
    }
}

/// Copies the bytes; [`Body::from_static`] does not.
impl From<&[u8]> for Body {
    fn from(bytes: &[u8]) -> Self {
        Body::from(Bytes::copy_from_slice(bytes))
    }
}

impl From<()> for Body {
    fn from((): ()) -> Self {
        Body::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Bytes(bytes) => f.debug_tuple("Body").field(&bytes.len()).finish(),
            Inner::Stream(..) => f.write_str("Body(stream)"),
        }
    }
}

/// The largest chunk [`Body::from_reader`] reads at once.
const READ_CHUNK: usize = 64 * 1024;

/// An `AsyncRead` as a stream of chunks, read into one buffer that each chunk is split from.
struct ReaderStream {
    reader: Pin<Box<dyn AsyncRead>>,
    /// `READ_CHUNK` bytes to read into, refilled (and reallocated when shared) per chunk.
    buffer: BytesMut,
    done: bool,
}

impl Stream for ReaderStream {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let this = &mut *self;
        this.buffer.resize(READ_CHUNK, 0);
        let n = match std::task::ready!(this.reader.as_mut().poll_read(cx, &mut this.buffer)) {
            Ok(n) => n,
            Err(error) => {
                self.done = true;
                return Poll::Ready(Some(Err(error)));
            }
        };
        if n == 0 {
            self.done = true;
            return Poll::Ready(None);
        }
        Poll::Ready(Some(Ok(self.buffer.split_to(n).freeze())))
    }
}

/// A stream that must yield `left` more bytes, no more and no fewer.
struct SizedStream {
    inner: BodyStream,
    left: u64,
    /// It yielded its error: it has ended.
    failed: bool,
}

impl Stream for SizedStream {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.failed {
            return Poll::Ready(None);
        }
        let next = std::task::ready!(self.inner.as_mut().poll_next(cx));
        let error = match next {
            Some(Ok(chunk)) => match self.left.checked_sub(chunk.len() as u64) {
                Some(left) => {
                    self.left = left;
                    return Poll::Ready(Some(Ok(chunk)));
                }
                None => "a sized body stream yields more than its length",
            },
            None if self.left > 0 => "a sized body stream ends before its length",
            other => return Poll::Ready(other),
        };
        self.failed = true;
        Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::InvalidData, error))))
    }
}
