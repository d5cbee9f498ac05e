//! `FileReader`: a file's contents (or a range of them) as a stream.

use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_lite::Stream;
use futures_lite::io::AsyncRead;

use super::host::Failure;
use crate::sys::fs::Descriptor;
use crate::sys::io::AsyncInputStream;

/// The most one host read asks for: 64 KiB.
pub(crate) const CHUNK: usize = 64 * 1024;

/// A file's contents, or a range of them, read a chunk of up to 64 KiB at a time, each only
/// when asked for: an [`AsyncRead`], and a [`Stream`] of [`Bytes`] chunks (which
/// [`Body::from_stream`](crate::http::Body::from_stream) sends without copying them).
/// Made by [`File::reader`](crate::fs::File::reader) and
/// [`File::read_range`](crate::fs::File::read_range).
pub struct FileReader {
    // Field order: the stream is a child of the file's descriptor, and goes first.
    stream: AsyncInputStream,
    /// How many bytes are still to be read.
    remaining: u64,
    _file: Rc<Descriptor>,
}

impl FileReader {
    pub(crate) fn new(file: Rc<Descriptor>, offset: u64, len: u64) -> Result<FileReader, Failure> {
        let capacity = usize::try_from(len).map_or(CHUNK, |len| len.clamp(1, CHUNK));
        Ok(FileReader {
            stream: file.read_from(offset, capacity)?,
            remaining: len,
            _file: file,
        })
    }

    /// How many bytes the range still holds (`u64::MAX` for a whole file: its end is where
    /// the file ends).
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// The next chunk: `Ok(None)` at the end of the range or of the file.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Vec<u8>>>> {
        if self.remaining == 0 {
            return Poll::Ready(Ok(None));
        }
        let len = usize::try_from(self.remaining).map_or(CHUNK, |r| r.min(CHUNK));
        let chunk = std::task::ready!(self.stream.poll_host_read(len, cx))?;
        if let Some(chunk) = &chunk {
            self.remaining = self.remaining.saturating_sub(chunk.len() as u64);
        }
        Poll::Ready(Ok(chunk))
    }
}

impl AsyncRead for FileReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        if !this.stream.buffer.is_empty() {
            return Poll::Ready(Ok(this.stream.buffer.copy_to(buf)));
        }
        match std::task::ready!(this.poll_chunk(cx))? {
            Some(chunk) => {
                this.stream.buffer.refill(Some(chunk));
                Poll::Ready(Ok(this.stream.buffer.copy_to(buf)))
            }
            None => Poll::Ready(Ok(0)),
        }
    }
}

impl Stream for FileReader {
    type Item = io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(rest) = this.stream.buffer.take() {
            return Poll::Ready(Some(Ok(Bytes::from(rest))));
        }
        std::task::ready!(this.poll_chunk(cx))
            .map(|chunk| chunk.map(Bytes::from))
            .transpose()
            .into()
    }
}

impl std::fmt::Debug for FileReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileReader")
            .field("remaining", &self.remaining)
            .finish()
    }
}
