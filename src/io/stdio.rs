//! The component's standard input, output and error, as async streams.

use std::cell::RefCell;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_lite::io::{AsyncBufRead, AsyncRead};

use super::{AsyncInputStream, AsyncOutputStream};
use crate::sys::io::stdio;

thread_local! {
    /// The stdin stream and its buffer, kept between `Stdin` handles.
    static STDIN: RefCell<Option<AsyncInputStream>> = const { RefCell::new(None) };
}

/// The component's standard input (`wasi:cli/stdin`), from [`stdin`]: an [`AsyncRead`] and
/// [`AsyncBufRead`].
///
/// Handles share one buffer, like Python's `sys.stdin`: what one handle read ahead is what the
/// next one reads first, so calling `stdin()` for every line loses nothing. (Two handles alive
/// at the same time read from the same input, each with a buffer of its own.)
pub struct Stdin {
    stream: Option<AsyncInputStream>,
}

/// The component's standard input.
///
/// ```no_run
/// # wasio::run(async {
/// use wasio::io::AsyncBufReadExt;
/// use futures_lite::StreamExt;
///
/// let mut lines = wasio::io::stdin().lines();
/// while let Some(line) = lines.next().await {
///     println!("read: {}", line?);
/// }
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub fn stdin() -> Stdin {
    let stream = STDIN
        .with(|slot| slot.borrow_mut().take())
        .unwrap_or_else(stdio::stdin);
    Stdin {
        stream: Some(stream),
    }
}

impl Stdin {
    fn stream(&mut self) -> Pin<&mut AsyncInputStream> {
        Pin::new(
            self.stream
                .as_mut()
                .expect("a Stdin holds its stream until dropped"),
        )
    }
}

impl Drop for Stdin {
    fn drop(&mut self) {
        let stream = self.stream.take();
        STDIN.with(|slot| {
            let mut slot = slot.borrow_mut();
            if slot.is_none() {
                *slot = stream;
            }
        });
    }
}

impl AsyncRead for Stdin {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().stream().poll_read(cx, buf)
    }
}

impl AsyncBufRead for Stdin {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        Pin::new(
            this.stream
                .as_mut()
                .expect("a Stdin holds its stream until dropped"),
        )
        .poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_mut().stream().consume(amt)
    }
}

impl fmt::Debug for Stdin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stdin").finish_non_exhaustive()
    }
}

/// The component's standard output (`wasi:cli/stdout`). Write whole lines, or flush, to keep
/// output from `println!` and from here in order.
///
/// ```
/// # wasio::run(async {
/// use wasio::io::AsyncWriteExt;
///
/// let mut out = wasio::io::stdout();
/// out.write_all(b"hello from wasio\n").await?;
/// out.flush().await?;
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub fn stdout() -> AsyncOutputStream {
    stdio::stdout()
}

/// The component's standard error (`wasi:cli/stderr`).
pub fn stderr() -> AsyncOutputStream {
    stdio::stderr()
}
