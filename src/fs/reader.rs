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

    /// Sends `len` bytes of the range, which nothing has read from yet, to `out`, each chunk
    /// moved by the host without passing through the component (see
    /// [`AsyncOutputStream::blocking_splice`](crate::sys::io::AsyncOutputStream::blocking_splice)
    /// for when that suits `out`). A file that ends first fails with
    /// [`io::ErrorKind::UnexpectedEof`].
    #[cfg(not(wasio_p3))]
    pub(crate) async fn splice_to(
        self,
        out: &mut crate::sys::io::AsyncOutputStream,
        len: u64,
    ) -> io::Result<()> {
        use futures_lite::io::AsyncWriteExt;
        let mut left = len.min(self.remaining);
        while left > 0 {
            let moved = out
                .blocking_splice(&self.stream, left.min(CHUNK as u64))
                .await?;
            if moved == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("the body ended {left} bytes short of its length"),
                ));
            }
            left -= moved;
        }
        out.flush().await
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

#[cfg(all(test, not(wasio_p3)))]
mod tests {
    use std::hash::{BuildHasher, RandomState};
    use std::io;

    use futures_lite::io::AsyncWriteExt;

    use crate::fs::{self, File};

    /// A path in the test files' scratch directory, unique to this run.
    fn scratch(name: &str) -> String {
        let unique = RandomState::new().hash_one(name);
        format!("/files/scratch/{name}-{unique:016x}")
    }

    #[test]
    fn a_spliced_range_arrives_whole_and_a_short_file_fails() {
        crate::run(async {
            let (source, copy) = (scratch("splice-source"), scratch("splice-copy"));
            let contents: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
            fs::write(&source, &contents).await.unwrap();
            let file = File::open(&source).await.unwrap();

            // A range across several chunks, moved by the host.
            let mut writer = File::create(&copy).await.unwrap().writer().unwrap();
            let range = file.read_range(1_000, 200_001).unwrap();
            range.splice_to(writer.stream_mut(), 200_001).await.unwrap();
            writer.close().await.unwrap();
            assert!(fs::read(&copy).await.unwrap() == contents[1_000..201_001]);

            // More than the file holds: what it has arrives, then the error.
            let mut writer = File::create(&copy).await.unwrap().writer().unwrap();
            let reader = file.read_range(250_000, 100_000).unwrap();
            let error = reader.splice_to(writer.stream_mut(), 100_000).await;
            let error = error.unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
            assert_eq!(
                error.to_string(),
                "the body ended 50000 bytes short of its length"
            );
            writer.close().await.unwrap();
            assert!(fs::read(&copy).await.unwrap() == contents[250_000..]);

            fs::remove_file(&source).await.unwrap();
            fs::remove_file(&copy).await.unwrap();
        });
    }
}
