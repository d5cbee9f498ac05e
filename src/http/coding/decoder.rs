//! `Decoder`: a coded body decoded chunk by chunk, never past its size limit.

use std::fmt;
use std::io::{self, Write};

#[cfg(feature = "brotli")]
use brotli_decompressor::DecompressorWriter;
use bytes::Bytes;
use flate2::write::GzDecoder;
use flate2::{Decompress, FlushDecompress, Status};

use super::{Coding, CodingError};

/// Decodes a body in one content coding as its chunks arrive, keeping the decoded size under
/// a limit: a chunk whose output would pass it fails with [`CodingError::TooLarge`] before
/// any of that output is kept, so a compression bomb costs no more memory than the limit.
///
/// [`finish`](Decoder::finish) at the end of the body tells a complete body from one cut
/// short ([`CodingError::Truncated`]).
pub struct Decoder {
    coding: Coding,
    inner: Inner,
    limit: u64,
}

enum Inner {
    Gzip(Box<GzDecoder<Sink>>),
    Deflate(Deflate),
    #[cfg(feature = "brotli")]
    Brotli(Box<DecompressorWriter<Sink>>),
    /// A coding this build does not decode (Brotli without the `brotli` feature).
    #[cfg(not(feature = "brotli"))]
    Undecodable,
}

/// A deflate body, zlib or raw: which one its first two bytes tell.
enum Deflate {
    /// Fewer than two bytes so far.
    Start(Vec<u8>),
    Inflating {
        inflate: Box<Decompress>,
        sink: Sink,
        ended: bool,
    },
}

/// Where decoded bytes go: refused, all of a write, when they would pass the limit.
struct Sink {
    out: Vec<u8>,
    room: u64,
}

/// The error a full `Sink` gives the decoder writing into it.
#[derive(Debug)]
struct PastLimit;

impl fmt::Display for PastLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the decoded body passed its limit")
    }
}

impl std::error::Error for PastLimit {}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() as u64 > self.room {
            return Err(io::Error::other(PastLimit));
        }
        self.room -= buf.len() as u64;
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Sink {
    fn take(&mut self) -> Bytes {
        Bytes::from(std::mem::take(&mut self.out))
    }
}

impl Decoder {
    /// A decoder of `coding` whose output may total at most `limit` bytes.
    pub fn new(coding: Coding, limit: u64) -> Decoder {
        let sink = Sink {
            out: Vec::new(),
            room: limit,
        };
        let inner = match coding {
            Coding::Gzip => Inner::Gzip(Box::new(GzDecoder::new(sink))),
            Coding::Deflate => Inner::Deflate(Deflate::Start(Vec::with_capacity(2))),
            // The writer's own buffer, between the decoder and the sink.
            #[cfg(feature = "brotli")]
            Coding::Brotli => Inner::Brotli(Box::new(DecompressorWriter::new(sink, 16 * 1024))),
            #[cfg(not(feature = "brotli"))]
            Coding::Brotli => Inner::Undecodable,
        };
        Decoder {
            coding,
            inner,
            limit,
        }
    }

    /// The coding decoded.
    pub fn coding(&self) -> Coding {
        self.coding
    }

    /// Decodes the next chunk of the body: the bytes it gave (possibly none yet).
    pub fn decode(&mut self, input: &[u8]) -> Result<Bytes, CodingError> {
        let (coding, limit) = (self.coding, self.limit);
        let error = |error| decoding_error(coding, limit, error);
        match &mut self.inner {
            Inner::Gzip(decoder) => {
                // The decoder keeps its output in a buffer of its own until flushed.
                decoder.write_all(input).map_err(error)?;
                decoder.flush().map_err(error)?;
                Ok(decoder.get_mut().take())
            }
            #[cfg(feature = "brotli")]
            Inner::Brotli(decoder) => {
                decoder.write_all(input).map_err(error)?;
                Ok(decoder.get_mut().take())
            }
            Inner::Deflate(deflate) => deflate.decode(input, limit),
            #[cfg(not(feature = "brotli"))]
            Inner::Undecodable => Err(undecodable(coding)),
        }
    }

    /// The end of the body: the last decoded bytes, or why the body is not complete.
    pub fn finish(&mut self) -> Result<Bytes, CodingError> {
        let (coding, limit) = (self.coding, self.limit);
        // Corrupt bytes fail as they are decoded; what fails at the end is a body cut short
        // (or the limit, passed by the last bytes the decoder held back).
        let cut_short = |error: io::Error| match carries::<PastLimit>(&error) {
            true => CodingError::TooLarge { limit },
            false => CodingError::Truncated { coding },
        };
        match &mut self.inner {
            Inner::Gzip(decoder) => {
                decoder.try_finish().map_err(cut_short)?;
                Ok(decoder.get_mut().take())
            }
            #[cfg(feature = "brotli")]
            Inner::Brotli(decoder) => {
                decoder.close().map_err(cut_short)?;
                Ok(decoder.get_mut().take())
            }
            #[cfg(not(feature = "brotli"))]
            Inner::Undecodable => Err(undecodable(coding)),
            Inner::Deflate(Deflate::Inflating {
                sink, ended: true, ..
            }) => Ok(sink.take()),
            Inner::Deflate(_) => Err(CodingError::Truncated { coding }),
        }
    }
}

/// The error of a coding this build does not decode.
#[cfg(not(feature = "brotli"))]
fn undecodable(coding: Coding) -> CodingError {
    CodingError::Corrupt {
        coding,
        detail: "this build of wasio decodes it only with the brotli feature".into(),
    }
}

/// Whether `error` carries an `E`.
fn carries<E: std::error::Error + 'static>(error: &io::Error) -> bool {
    error.get_ref().is_some_and(|inner| inner.is::<E>())
}

/// A decoder's error: the limit, or what it says of the bytes.
fn decoding_error(coding: Coding, limit: u64, error: io::Error) -> CodingError {
    match carries::<PastLimit>(&error) {
        true => CodingError::TooLarge { limit },
        false => CodingError::Corrupt {
            coding,
            detail: error.to_string(),
        },
    }
}

impl Deflate {
    fn decode(&mut self, mut input: &[u8], limit: u64) -> Result<Bytes, CodingError> {
        if let Deflate::Start(first) = self {
            let wanted = 2 - first.len();
            first.extend_from_slice(&input[..wanted.min(input.len())]);
            input = &input[wanted.min(input.len())..];
            if first.len() < 2 {
                return Ok(Bytes::new());
            }
            let header = std::mem::take(first);
            // A zlib stream starts with CMF and FLG: method 8 (deflate), and the two bytes a
            // multiple of 31 as a big-endian number. Raw deflate almost never does.
            let zlib =
                header[0] & 0x0f == 8 && u16::from_be_bytes([header[0], header[1]]) % 31 == 0;
            *self = Deflate::Inflating {
                inflate: Box::new(Decompress::new(zlib)),
                sink: Sink {
                    out: Vec::new(),
                    room: limit,
                },
                ended: false,
            };
            self.inflate(&header, limit)?;
        }
        self.inflate(input, limit)?;
        match self {
            Deflate::Inflating { sink, .. } => Ok(sink.take()),
            Deflate::Start(_) => Ok(Bytes::new()),
        }
    }

    /// Inflates `input` into the sink, through a buffer of bounded size.
    fn inflate(&mut self, mut input: &[u8], limit: u64) -> Result<(), CodingError> {
        let Deflate::Inflating {
            inflate,
            sink,
            ended,
        } = self
        else {
            return Ok(());
        };
        let mut buffer = [0u8; 8 * 1024];
        while !*ended && !input.is_empty() {
            let (read, written) = (inflate.total_in(), inflate.total_out());
            let status = inflate
                .decompress(input, &mut buffer, FlushDecompress::None)
                .map_err(|e| CodingError::Corrupt {
                    coding: Coding::Deflate,
                    detail: e.to_string(),
                })?;
            let used = (inflate.total_in() - read) as usize;
            let made = (inflate.total_out() - written) as usize;
            input = &input[used..];
            sink.write_all(&buffer[..made])
                .map_err(|e| decoding_error(Coding::Deflate, limit, e))?;
            match status {
                Status::StreamEnd => *ended = true,
                // Neither input taken nor output made: it needs more than this.
                _ if used == 0 && made == 0 => break,
                _ => {}
            }
        }
        Ok(())
    }
}

/// A decoder behind a trait object: what holds one only through this links no decoder's code
/// until something makes one.
pub(crate) trait Decode {
    /// See [`Decoder::decode`].
    fn decode(&mut self, input: &[u8]) -> Result<Bytes, CodingError>;
    /// See [`Decoder::finish`].
    fn finish(&mut self) -> Result<Bytes, CodingError>;
}

/// The next piece of a body, given its next chunk as it came (`None` at its end): decoded
/// while there is a `decoder`, which goes once the body ends (its last bytes given, or why it
/// is not complete); as it came otherwise. A piece may be empty: the decoder needs more.
pub(crate) fn decode_next(
    decoder: &mut Option<Box<dyn Decode>>,
    raw: Option<Bytes>,
) -> Result<Option<Bytes>, CodingError> {
    let Some(active) = decoder else {
        return Ok(raw);
    };
    match raw {
        Some(raw) => active.decode(&raw).map(Some),
        None => {
            let last = active.finish();
            *decoder = None;
            last.map(Some)
        }
    }
}

impl Decode for Decoder {
    fn decode(&mut self, input: &[u8]) -> Result<Bytes, CodingError> {
        Decoder::decode(self, input)
    }

    fn finish(&mut self) -> Result<Bytes, CodingError> {
        Decoder::finish(self)
    }
}

impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("coding", &self.coding)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use flate2::Compression;
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};

    use super::*;

    const TEXT: &[u8] = b"hello, hello, hello";
    /// `TEXT` in Brotli, as Python's `brotli.compress` (1.2.1) gives it.
    const BROTLI: [u8; 22] = [
        0x1b, 0x12, 0x00, 0xf8, 0x8d, 0x94, 0x6e, 0xde, 0x44, 0x09, 0x52, 0x86, 0x96, 0x6c, 0x2c,
        0x6f, 0x11, 0x4f, 0x24, 0xd0, 0x71, 0x00,
    ];

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn raw_deflate(data: &[u8]) -> Vec<u8> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    /// `coded` decoded in chunks of `size` bytes, and its end.
    fn decode(
        coding: Coding,
        coded: &[u8],
        size: usize,
        limit: u64,
    ) -> Result<Vec<u8>, CodingError> {
        let mut decoder = Decoder::new(coding, limit);
        let mut out = Vec::new();
        for chunk in coded.chunks(size) {
            out.extend_from_slice(&decoder.decode(chunk)?);
        }
        out.extend_from_slice(&decoder.finish()?);
        Ok(out)
    }

    /// `TEXT` in every coding this build decodes.
    fn coded_texts() -> Vec<(Coding, Vec<u8>)> {
        let mut cases = vec![
            (Coding::Gzip, gzip(TEXT)),
            (Coding::Deflate, zlib(TEXT)),
            (Coding::Deflate, raw_deflate(TEXT)),
        ];
        if cfg!(feature = "brotli") {
            cases.push((Coding::Brotli, BROTLI.to_vec()));
        }
        cases
    }

    #[test]
    fn every_coding_decodes_whole_or_a_byte_at_a_time() {
        for (coding, coded) in coded_texts() {
            for size in [1, 2, 3, coded.len()] {
                assert_eq!(
                    decode(coding, &coded, size, 1 << 20).unwrap(),
                    TEXT,
                    "{coding} by {size}"
                );
            }
        }
    }

    #[test]
    fn a_bomb_stops_at_the_limit_and_a_body_at_the_limit_passes() {
        let zeros = vec![0u8; 10 << 20];
        for (coding, coded) in [
            (Coding::Gzip, gzip(&zeros)),
            (Coding::Deflate, zlib(&zeros)),
        ] {
            assert!(coded.len() < 20_000, "{coding}: {} bytes", coded.len());
            assert_eq!(
                decode(coding, &coded, 4096, 1 << 20),
                Err(CodingError::TooLarge { limit: 1 << 20 }),
                "{coding}"
            );
            assert_eq!(
                decode(coding, &coded, 4096, 10 << 20).unwrap().len(),
                10 << 20
            );
            assert_eq!(
                decode(coding, &coded, 4096, (10 << 20) - 1),
                Err(CodingError::TooLarge {
                    limit: (10 << 20) - 1
                }),
                "{coding} one byte short"
            );
        }
    }

    #[cfg(feature = "brotli")]
    #[test]
    fn brotli_stops_at_the_limit_too() {
        assert_eq!(
            decode(Coding::Brotli, &BROTLI, 4, TEXT.len() as u64 - 1),
            Err(CodingError::TooLarge {
                limit: TEXT.len() as u64 - 1
            })
        );
        assert_eq!(
            decode(Coding::Brotli, &BROTLI, 4, TEXT.len() as u64).unwrap(),
            TEXT
        );
    }

    #[cfg(not(feature = "brotli"))]
    #[test]
    fn without_the_feature_brotli_is_refused_by_name() {
        assert!(!Coding::Brotli.decodable());
        let refused = decode(Coding::Brotli, &BROTLI, 4, 1 << 20);
        assert!(
            matches!(&refused, Err(CodingError::Corrupt { coding: Coding::Brotli, detail }) if detail.contains("brotli feature")),
            "{refused:?}"
        );
    }

    #[test]
    fn a_body_cut_short_is_truncated_and_garbage_is_corrupt() {
        for (coding, coded) in coded_texts() {
            for cut in [1, 5, coded.len() - 1] {
                assert_eq!(
                    decode(coding, &coded[..cut], 3, 1 << 20),
                    Err(CodingError::Truncated { coding }),
                    "{coding} cut at {cut}"
                );
            }
        }
        assert_eq!(
            decode(Coding::Deflate, &[], 3, 1 << 20),
            Err(CodingError::Truncated {
                coding: Coding::Deflate
            })
        );
        for coding in [Coding::Gzip, Coding::Deflate, Coding::Brotli] {
            let garbage = b"\xff\xfe this is not compressed at all, not in any coding";
            assert!(
                matches!(
                    decode(coding, garbage, 7, 1 << 20),
                    Err(CodingError::Corrupt { .. })
                ),
                "{coding}"
            );
        }
    }
}
