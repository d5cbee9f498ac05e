//! Decoding a `transfer-encoding: chunked` body (RFC 9112, 7.1), incrementally, from any split
//! of the input. Pure logic; trailers are checked and dropped.

use std::ops::Range;

/// The longest chunk-size line (size, extensions, CRLF) accepted.
const MAX_SIZE_LINE: usize = 1024;
/// The largest trailer section accepted.
const MAX_TRAILERS: usize = 16 * 1024;

/// Why a chunked body is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChunkError(pub(crate) &'static str);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the hexadecimal size (and any extensions) up to CRLF.
    Size {
        value: u64,
        digits: usize,
        in_extension: bool,
        line: usize,
    },
    /// Expecting the LF of the size line.
    SizeLf {
        value: u64,
    },
    /// Reading chunk data.
    Data {
        left: u64,
    },
    /// Expecting the CRLF after the data.
    DataCr,
    DataLf,
    /// Reading the trailer section until an empty line.
    Trailers {
        line: usize,
        total: usize,
    },
    Done,
}

/// One step of decoding.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Step {
    /// Bytes of the input used.
    pub(crate) consumed: usize,
    /// Body data within the input, if this step reached some.
    pub(crate) data: Option<Range<usize>>,
    /// The body is complete.
    pub(crate) done: bool,
}

#[derive(Debug)]
pub(crate) struct ChunkedDecoder {
    state: State,
}

impl Default for ChunkedDecoder {
    fn default() -> Self {
        ChunkedDecoder {
            state: State::Size {
                value: 0,
                digits: 0,
                in_extension: false,
                line: 0,
            },
        }
    }
}

impl ChunkedDecoder {
    /// Decodes from `input` until data is found, the input runs out, or the body ends.
    pub(crate) fn step(&mut self, input: &[u8]) -> Result<Step, ChunkError> {
        let mut i = 0;
        while i < input.len() {
            let byte = input[i];
            self.state = match self.state {
                State::Size {
                    value,
                    digits,
                    in_extension,
                    line,
                } => {
                    if line + 1 > MAX_SIZE_LINE {
                        return Err(ChunkError("a chunk-size line is too long"));
                    }
                    let line = line + 1;
                    match byte {
                        b'\r' if digits > 0 => State::SizeLf { value },
                        b';' if digits > 0 => State::Size {
                            value,
                            digits,
                            in_extension: true,
                            line,
                        },
                        _ if in_extension => {
                            if byte == b'\n' || byte == 0 {
                                return Err(ChunkError("a malformed chunk extension"));
                            }
                            State::Size {
                                value,
                                digits,
                                in_extension,
                                line,
                            }
                        }
                        _ => {
                            let digit = (byte as char)
                                .to_digit(16)
                                .ok_or(ChunkError("a chunk size is not hexadecimal"))?;
                            let value = value
                                .checked_mul(16)
                                .and_then(|v| v.checked_add(u64::from(digit)))
                                .ok_or(ChunkError("a chunk size is too large"))?;
                            State::Size {
                                value,
                                digits: digits + 1,
                                in_extension,
                                line,
                            }
                        }
                    }
                }
                State::SizeLf { value } => {
                    if byte != b'\n' {
                        return Err(ChunkError("a chunk-size line must end with CRLF"));
                    }
                    if value == 0 {
                        State::Trailers { line: 0, total: 0 }
                    } else {
                        State::Data { left: value }
                    }
                }
                State::Data { left } => {
                    let available = (input.len() - i) as u64;
                    let take = left.min(available) as usize;
                    let data = i..i + take;
                    self.state = if take as u64 == left {
                        State::DataCr
                    } else {
                        State::Data {
                            left: left - take as u64,
                        }
                    };
                    return Ok(Step {
                        consumed: i + take,
                        data: Some(data),
                        done: false,
                    });
                }
                State::DataCr if byte == b'\r' => State::DataLf,
                State::DataLf if byte == b'\n' => State::Size {
                    value: 0,
                    digits: 0,
                    in_extension: false,
                    line: 0,
                },
                State::DataCr | State::DataLf => {
                    return Err(ChunkError("chunk data must end with CRLF"));
                }
                State::Trailers { line, total } => {
                    if total + 1 > MAX_TRAILERS {
                        return Err(ChunkError("the trailer section is too large"));
                    }
                    match byte {
                        b'\n' if line <= 1 => {
                            self.state = State::Done;
                            return Ok(Step {
                                consumed: i + 1,
                                data: None,
                                done: true,
                            });
                        }
                        b'\n' => State::Trailers {
                            line: 0,
                            total: total + 1,
                        },
                        0 => return Err(ChunkError("a NUL in the trailers")),
                        _ => State::Trailers {
                            line: line + 1,
                            total: total + 1,
                        },
                    }
                }
                State::Done => {
                    return Ok(Step {
                        consumed: i,
                        data: None,
                        done: true,
                    });
                }
            };
            i += 1;
        }
        Ok(Step {
            consumed: i,
            data: None,
            done: self.state == State::Done,
        })
    }
}

/// Decodes all of `input` fed in pieces of `piece` bytes: the body and the bytes it took, or
/// the first error. For the tests and the fuzz target (`fuzz/fuzz_targets/http1_parser.rs`),
/// which check every step against the input it was given.
#[cfg(any(test, fuzzing))]
pub(crate) fn decode_in_pieces(input: &[u8], piece: usize) -> Result<(Vec<u8>, usize), ChunkError> {
    let mut decoder = ChunkedDecoder::default();
    let mut body = Vec::new();
    let mut buffer = Vec::new();
    let mut fed = 0;
    loop {
        let end = (fed + piece).min(input.len());
        buffer.extend_from_slice(&input[fed..end]);
        fed = end;
        let step = decoder.step(&buffer)?;
        assert!(step.consumed <= buffer.len());
        if let Some(data) = step.data.clone() {
            assert!(data.end <= step.consumed);
            body.extend_from_slice(&buffer[data]);
        }
        buffer.drain(..step.consumed);
        if step.done {
            return Ok((body, fed - buffer.len()));
        }
        if fed == input.len() && step.consumed == 0 && step.data.is_none() {
            return Err(ChunkError("incomplete"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_decode_from_any_split() {
        let input = b"5\r\nhello\r\n6;name=value\r\n world\r\n0\r\nX-Sum: 1\r\n\r\nNEXT";
        for piece in 1..input.len() {
            let (body, used) = decode_in_pieces(input, piece).unwrap();
            assert_eq!(body, b"hello world", "pieces of {piece}");
            assert_eq!(
                &input[used..],
                b"NEXT",
                "pieces of {piece}: the next request is left"
            );
        }
    }

    #[test]
    fn an_empty_body_and_upper_case_hex() {
        assert_eq!(decode_in_pieces(b"0\r\n\r\n", 100).unwrap().0, b"");
        let (body, _) = decode_in_pieces(b"A\r\n0123456789\r\n0\r\n\r\n", 3).unwrap();
        assert_eq!(body, b"0123456789");
    }

    #[test]
    fn malformed_chunks_are_errors() {
        for (input, reason) in [
            (&b"x\r\n"[..], "a chunk size is not hexadecimal"),
            (b"\r\n", "a chunk size is not hexadecimal"),
            (b"5\nhello", "a chunk size is not hexadecimal"),
            (b"5\r\nhelloXX", "chunk data must end with CRLF"),
            (b"5\rX", "a chunk-size line must end with CRLF"),
            (b"fffffffffffffffff\r\n", "a chunk size is too large"),
            (b"5;ext\nx", "a malformed chunk extension"),
        ] {
            assert_eq!(
                decode_in_pieces(input, 100).unwrap_err(),
                ChunkError(reason),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
        let long = format!("5;{}\r\nhello\r\n0\r\n\r\n", "e".repeat(MAX_SIZE_LINE));
        assert_eq!(
            decode_in_pieces(long.as_bytes(), 64).unwrap_err(),
            ChunkError("a chunk-size line is too long")
        );
        let trailers = format!("0\r\nX: {}\r\n\r\n", "t".repeat(MAX_TRAILERS));
        assert_eq!(
            decode_in_pieces(trailers.as_bytes(), 64).unwrap_err(),
            ChunkError("the trailer section is too large")
        );
    }
}
