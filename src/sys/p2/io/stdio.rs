//! The streams of `wasi:cli/stdin`, `stdout` and `stderr`.

use wasip2::cli::{stderr::get_stderr, stdin::get_stdin, stdout::get_stdout};

use super::{AsyncInputStream, AsyncOutputStream};

pub(crate) fn stdin() -> AsyncInputStream {
    AsyncInputStream::new(get_stdin())
}

pub(crate) fn stdout() -> AsyncOutputStream {
    AsyncOutputStream::new(get_stdout())
}

pub(crate) fn stderr() -> AsyncOutputStream {
    AsyncOutputStream::new(get_stderr())
}
