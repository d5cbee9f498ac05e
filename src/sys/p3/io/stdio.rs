//! The streams of `wasi:cli/stdin@0.3.0`, `stdout` and `stderr`.

use std::io;

use wasip3::cli::types::ErrorCode;
use wasip3::cli::{stderr, stdin, stdout};
use wasip3::wit_stream;

use super::{AsyncInputStream, AsyncOutputStream};

pub(crate) fn stdin() -> AsyncInputStream {
    let (reader, result) = stdin::read_via_stream();
    AsyncInputStream::with_ending(
        reader,
        Box::pin(async move { result.await.map_err(from_code) }),
    )
}

pub(crate) fn stdout() -> AsyncOutputStream {
    let (writer, reader) = wit_stream::new();
    // The host reports how writing went when the stream ends; a failed write shows there.
    drop(stdout::write_via_stream(reader));
    AsyncOutputStream::new(writer)
}

pub(crate) fn stderr() -> AsyncOutputStream {
    let (writer, reader) = wit_stream::new();
    drop(stderr::write_via_stream(reader));
    AsyncOutputStream::new(writer)
}

fn from_code(code: ErrorCode) -> io::Error {
    let kind = match code {
        ErrorCode::Io => io::ErrorKind::Other,
        ErrorCode::IllegalByteSequence => io::ErrorKind::InvalidData,
        ErrorCode::Pipe => io::ErrorKind::BrokenPipe,
    };
    io::Error::new(kind, format!("standard input: {code:?}"))
}
