//! `FileWriter`: a stream that writes a file.

use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures_lite::io::AsyncWrite;

use super::host::{Failure, Finish};
use crate::sys::fs::Descriptor;
use crate::sys::io::AsyncOutputStream;

/// A stream that writes a file, an [`AsyncWrite`] (`write_all`, [`copy`](crate::io::copy)
/// from a reader or a request body): each write waits while the host has no room, so a slow
/// disk slows the writer instead of growing a buffer. `close().await` waits until the host
/// has written everything, and reports whether it could; bytes written without a close may
/// be lost when the program ends. Made by [`File::writer`](crate::fs::File::writer).
pub struct FileWriter {
    // Field order: the stream is a child of the file's descriptor, and goes first.
    stream: AsyncOutputStream,
    /// What the host says once the stream is closed; `None` once it has said it.
    finish: Option<Finish>,
    _file: Rc<Descriptor>,
}

impl FileWriter {
    pub(crate) fn new(file: Rc<Descriptor>, offset: u64) -> Result<FileWriter, Failure> {
        let (stream, finish) = file.write_from(offset)?;
        Ok(FileWriter {
            stream,
            finish: Some(finish),
            _file: file,
        })
    }

    /// The host's stream (for a test to splice into).
    #[cfg(all(test, not(wasio_p3)))]
    pub(crate) fn stream_mut(&mut self) -> &mut AsyncOutputStream {
        &mut self.stream
    }
}

impl AsyncWrite for FileWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(Pin::new(&mut this.stream).poll_close(cx))?;
        let Some(finish) = this.finish.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        let result = std::task::ready!(finish.as_mut().poll(cx));
        this.finish = None;
        Poll::Ready(result)
    }
}

impl std::fmt::Debug for FileWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileWriter")
            .field("closed", &self.finish.is_none())
            .finish()
    }
}
