//! The component's standard input, output and error, as async streams.

use wasip2::cli::{stderr::get_stderr, stdin::get_stdin, stdout::get_stdout};

use super::{AsyncInputStream, AsyncOutputStream};

/// The component's standard input (`wasi:cli/stdin`).
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
pub fn stdin() -> AsyncInputStream {
    AsyncInputStream::new(get_stdin())
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
    AsyncOutputStream::new(get_stdout())
}

/// The component's standard error (`wasi:cli/stderr`).
pub fn stderr() -> AsyncOutputStream {
    AsyncOutputStream::new(get_stderr())
}
