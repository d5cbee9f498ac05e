//! The bytes a host read brought and the reader has not consumed yet: what both backends'
//! `AsyncInputStream` (and a TLS stream's read half, for its plaintext) keep between reads,
//! and what makes them an `AsyncBufRead`.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_lite::io::AsyncBufRead;

use super::AsyncInputStream;

/// A host read's buffer and how much of it has been consumed.
#[derive(Debug, Default)]
pub(crate) struct ReadBuffer {
    bytes: Vec<u8>,
    consumed: usize,
}

impl ReadBuffer {
    /// Whether everything read has been consumed.
    pub(crate) fn is_empty(&self) -> bool {
        self.consumed >= self.bytes.len()
    }

    /// How many bytes are left.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len() - self.consumed
    }

    /// What is left, as a buffer of its own (none when nothing is).
    pub(crate) fn take(&mut self) -> Option<Vec<u8>> {
        if self.is_empty() {
            return None;
        }
        let mut rest = std::mem::take(&mut self.bytes);
        rest.drain(..std::mem::take(&mut self.consumed));
        Some(rest)
    }

    /// Copies what is left into `out`, as much as fits: how much (0 when nothing is left).
    pub(crate) fn copy_to(&mut self, out: &mut [u8]) -> usize {
        let left = &self.bytes[self.consumed.min(self.bytes.len())..];
        let n = left.len().min(out.len());
        out[..n].copy_from_slice(&left[..n]);
        self.consumed += n;
        n
    }

    /// Its allocation, emptied, for a reader that reads into it and then
    /// [`refill`](Self::refill)s.
    #[cfg(feature = "tls")]
    pub(crate) fn spare(&mut self) -> Vec<u8> {
        let mut bytes = std::mem::take(&mut self.bytes);
        bytes.clear();
        self.consumed = 0;
        bytes
    }

    /// Replaces the buffer with a host read's bytes (none at the end of the stream).
    pub(crate) fn refill(&mut self, bytes: Option<Vec<u8>>) {
        self.bytes = bytes.unwrap_or_default();
        self.consumed = 0;
    }

    /// What is left.
    pub(crate) fn available(&self) -> &[u8] {
        &self.bytes[self.consumed.min(self.bytes.len())..]
    }

    /// Marks `amt` more bytes consumed (never more than are left).
    pub(crate) fn consume(&mut self, amt: usize) {
        self.consumed = (self.consumed + amt).min(self.bytes.len());
    }
}

impl AsyncInputStream {
    /// The next bytes as a buffer of their own: what is buffered, else one host read (the
    /// host's buffer, not copied); `Ok(None)` at the end of the stream.
    pub(crate) fn poll_take(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Vec<u8>>>> {
        if let Some(rest) = self.buffer.take() {
            return Poll::Ready(Ok(Some(rest)));
        }
        self.poll_host_read(self.capacity, cx)
    }
}

impl AsyncBufRead for AsyncInputStream {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        if this.buffer.is_empty() {
            let bytes = std::task::ready!(this.poll_host_read(this.capacity, cx))?;
            this.buffer.refill(bytes);
        }
        Poll::Ready(Ok(this.buffer.available()))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_mut().buffer.consume(amt);
    }
}

impl fmt::Debug for AsyncInputStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncInputStream")
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_come_out_once_in_order_however_they_are_taken() {
        let mut buffer = ReadBuffer::default();
        assert!(buffer.is_empty() && buffer.take().is_none());
        buffer.refill(Some(b"hello world".to_vec()));
        let mut out = [0; 3];
        assert_eq!(buffer.copy_to(&mut out), 3);
        assert_eq!(&out, b"hel");
        buffer.consume(2);
        assert_eq!(buffer.available(), b" world");
        assert_eq!(buffer.len(), 6);
        assert_eq!(buffer.take().as_deref(), Some(&b" world"[..]));
        assert!(buffer.is_empty());
        assert_eq!(buffer.copy_to(&mut out), 0);
        buffer.consume(10);
        assert_eq!(buffer.available(), b"");
        buffer.refill(None);
        assert!(buffer.is_empty());
    }
}
