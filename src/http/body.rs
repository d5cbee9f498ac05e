//! `Body`: the bytes of a request or response, complete or streamed.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_lite::Stream;
use futures_lite::io::AsyncRead;

use crate::fs::FileReader;

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
    Stream(BodyStream),
    /// A stream whose length is known, and sent as its `content-length`.
    Sized(BodyStream, u64),
    /// `len` bytes of a file: a stream, unless what sends it can have the host move them.
    #[cfg(not(wasio_p3))]
    File(Box<dyn FileSource>, u64),
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
            inner: Inner::Stream(Box::pin(stream.map(|chunk| chunk.map(Into::into)))),
        }
    }

    /// A body of exactly `len` bytes sent chunk by chunk as `stream` yields them, with `len`
    /// as its `content-length` (a file's contents, say). A stream that ends short fails
    /// (the client sees the body cut off); what it yields past `len` is dropped.
    ///
    /// ```
    /// use wasio::http::Body;
    ///
    /// let chunks = futures_lite::stream::iter(["ab", "c"].map(|c| Ok(bytes::Bytes::from(c))));
    /// assert_eq!(Body::from_stream_with_len(chunks, 3).len(), Some(3));
    /// ```
    pub fn from_stream_with_len<S, B>(stream: S, len: u64) -> Body
    where
        S: Stream<Item = io::Result<B>> + 'static,
        B: Into<Bytes>,
    {
        use futures_lite::StreamExt;
        let stream = exact(stream.map(|chunk| chunk.map(Into::into)), len);
        Body {
            inner: Inner::Sized(stream, len),
        }
    }

    /// `len` bytes of a file, read by `reader`, which nothing has read from yet (a shorter
    /// file fails the body, as [`Body::from_stream_with_len`] does). A WASI 0.2 `wasi:http`
    /// export has the host move the bytes from the file to the response (`splice`), so they
    /// never pass through the component; elsewhere the body is the reader's stream.
    pub(crate) fn from_file(reader: FileReader, len: u64) -> Body {
        #[cfg(not(wasio_p3))]
        return Body {
            inner: Inner::File(Box::new(reader), len),
        };
        #[cfg(wasio_p3)]
        Body::from_stream_with_len(reader, len)
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

    /// The length, when the body is complete bytes or a stream of a known length.
    pub fn len(&self) -> Option<u64> {
        match &self.inner {
            Inner::Bytes(bytes) => Some(bytes.len() as u64),
            Inner::Stream(_) => None,
            Inner::Sized(_, len) => Some(*len),
            #[cfg(not(wasio_p3))]
            Inner::File(_, len) => Some(*len),
        }
    }

    /// Whether the body is complete bytes (not a stream).
    #[cfg(wasio_p3)]
    pub(crate) fn is_complete(&self) -> bool {
        matches!(self.inner, Inner::Bytes(_))
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
            Inner::Stream(stream) | Inner::Sized(stream, _) => stream,
            #[cfg(not(wasio_p3))]
            Inner::File(file, len) => file.into_stream(len),
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
        match self.into_parts() {
            Ok(bytes) => Ok(bytes),
            Err(mut stream) => {
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
            _ => None,
        }
    }

    /// The body as complete bytes, or as a stream.
    pub(crate) fn into_parts(self) -> Result<Bytes, BodyStream> {
        match self.inner {
            Inner::Bytes(bytes) => Ok(bytes),
            _ => Err(self.into_stream()),
        }
    }

    /// The body's complete bytes; the body back when it is a stream.
    #[cfg(not(wasio_p3))]
    pub(crate) fn into_complete(self) -> Result<Bytes, Body> {
        match self.inner {
            Inner::Bytes(bytes) => Ok(bytes),
            inner => Err(Body { inner }),
        }
    }

    /// The file this body is and its length; the body back when it is not a file's.
    #[cfg(not(wasio_p3))]
    pub(crate) fn into_file(self) -> Result<(Box<dyn FileSource>, u64), Body> {
        match self.inner {
            Inner::File(reader, len) => Ok((reader, len)),
            inner => Err(Body { inner }),
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
            Inner::Stream(_) => f.write_str("Body(stream)"),
            Inner::Sized(_, len) => write!(f, "Body(stream of {len})"),
            #[cfg(not(wasio_p3))]
            Inner::File(_, len) => write!(f, "Body(file of {len})"),
        }
    }
}

/// A file a body sends, behind a trait object: only a component that makes one
/// ([`FileResponse`](crate::http::server::FileResponse)) links the filesystem, so one that
/// never sends a file keeps to the imports of `wasi:http/proxy`.
#[cfg(not(wasio_p3))]
pub(crate) trait FileSource {
    /// `len` bytes of it as a stream of chunks.
    fn into_stream(self: Box<Self>, len: u64) -> BodyStream;

    /// Sends `len` bytes of it to `out`, moved by the host (see [`FileReader::splice_to`]).
    fn splice_to<'a>(
        self: Box<Self>,
        out: &'a mut crate::sys::io::AsyncOutputStream,
        len: u64,
    ) -> Pin<Box<dyn std::future::Future<Output = io::Result<()>> + 'a>>;
}

#[cfg(not(wasio_p3))]
impl FileSource for FileReader {
    fn into_stream(self: Box<Self>, len: u64) -> BodyStream {
        exact(*self, len)
    }

    fn splice_to<'a>(
        self: Box<Self>,
        out: &'a mut crate::sys::io::AsyncOutputStream,
        len: u64,
    ) -> Pin<Box<dyn std::future::Future<Output = io::Result<()>> + 'a>> {
        Box::pin(FileReader::splice_to(*self, out, len))
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

/// `stream` held to exactly `len` bytes.
fn exact(stream: impl Stream<Item = io::Result<Bytes>> + 'static, len: u64) -> BodyStream {
    Box::pin(Exact {
        stream: Box::pin(stream),
        left: len,
    })
}

/// A stream held to exactly its announced length.
struct Exact {
    stream: BodyStream,
    left: u64,
}

impl Stream for Exact {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        match std::task::ready!(self.stream.as_mut().poll_next(cx)) {
            Some(Ok(mut chunk)) => {
                if chunk.len() as u64 > self.left {
                    chunk.truncate(self.left as usize);
                }
                self.left -= chunk.len() as u64;
                Poll::Ready(Some(Ok(chunk)))
            }
            Some(Err(error)) => {
                self.left = 0;
                Poll::Ready(Some(Err(error)))
            }
            None => {
                let left = std::mem::take(&mut self.left);
                Poll::Ready(Some(Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("the body ended {left} bytes short of its length"),
                ))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use bytes::Bytes;

    use super::Body;

    fn chunks(
        parts: &'static [&'static str],
    ) -> impl futures_lite::Stream<Item = io::Result<Bytes>> {
        futures_lite::stream::iter(parts.iter().map(|p| Ok(Bytes::from_static(p.as_bytes()))))
    }

    #[test]
    fn a_sized_stream_is_held_to_its_length() {
        crate::run(async {
            let exact = Body::from_stream_with_len(chunks(&["ab", "cd"]), 4);
            assert_eq!(exact.len(), Some(4));
            assert_eq!(exact.bytes().await.unwrap(), "abcd");
            let long = Body::from_stream_with_len(chunks(&["ab", "cd", "ef"]), 3);
            assert_eq!(long.bytes().await.unwrap(), "abc");
            let short = Body::from_stream_with_len(chunks(&["ab"]), 3);
            let error = short.bytes().await.unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
            assert_eq!(
                error.to_string(),
                "the body ended 1 bytes short of its length"
            );
        });
    }
}
