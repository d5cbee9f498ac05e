//! `Encoder`: a body compressed chunk by chunk, flushed when its reader must see what it has.

use std::fmt;
use std::io::Write;

use bytes::Bytes;
use flate2::Compression;
use flate2::write::{GzEncoder, ZlibEncoder};

use super::{Coding, CodingError};

/// Compresses a body in gzip or deflate (zlib, as RFC 9110 names it) as its chunks come.
/// [`flush`](Encoder::flush) makes everything given so far decodable by the reader (a sync
/// flush: a server-sent event reaches its browser at once); [`finish`](Encoder::finish) ends
/// the stream.
pub struct Encoder {
    coding: Coding,
    inner: Inner,
}

enum Inner {
    Gzip(GzEncoder<Vec<u8>>),
    Deflate(ZlibEncoder<Vec<u8>>),
}

impl Encoder {
    /// An encoder of `coding` at `level` (0, none, to 9, smallest; 6 is zlib's default);
    /// `None` for Brotli, which wasio decodes only.
    pub fn new(coding: Coding, level: u32) -> Option<Encoder> {
        let level = Compression::new(level.min(9));
        let inner = match coding {
            Coding::Gzip => Inner::Gzip(GzEncoder::new(Vec::new(), level)),
            Coding::Deflate => Inner::Deflate(ZlibEncoder::new(Vec::new(), level)),
            Coding::Brotli => return None,
        };
        Some(Encoder { coding, inner })
    }

    /// The coding.
    pub fn coding(&self) -> Coding {
        self.coding
    }

    /// Compresses `input`: the compressed bytes ready so far (possibly none; the encoder
    /// keeps the rest until it has more, or is flushed).
    pub fn encode(&mut self, input: &[u8]) -> Result<Bytes, CodingError> {
        let coding = self.coding;
        self.with(|writer| writer.write_all(input), coding)
    }

    /// Everything compressed so far, decodable by the reader as it is.
    pub fn flush(&mut self) -> Result<Bytes, CodingError> {
        let coding = self.coding;
        self.with(|writer| writer.flush(), coding)
    }

    /// Compresses `input` and flushes: what [`encode`](Encoder::encode) then
    /// [`flush`](Encoder::flush) give, in one piece (a streamed body's chunk).
    pub(crate) fn encode_flushed(&mut self, input: &[u8]) -> Result<Bytes, CodingError> {
        let coding = self.coding;
        self.with(
            |writer| {
                writer.write_all(input)?;
                writer.flush()
            },
            coding,
        )
    }

    /// The end of the stream: its last bytes.
    pub fn finish(self) -> Result<Bytes, CodingError> {
        let coding = self.coding;
        match self.inner {
            Inner::Gzip(encoder) => encoder.finish(),
            Inner::Deflate(encoder) => encoder.finish(),
        }
        .map(Bytes::from)
        .map_err(|e| failed(coding, e))
    }

    fn with(
        &mut self,
        f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
        coding: Coding,
    ) -> Result<Bytes, CodingError> {
        let out = match &mut self.inner {
            Inner::Gzip(encoder) => {
                f(encoder).map_err(|e| failed(coding, e))?;
                encoder.get_mut()
            }
            Inner::Deflate(encoder) => {
                f(encoder).map_err(|e| failed(coding, e))?;
                encoder.get_mut()
            }
        };
        Ok(Bytes::from(std::mem::take(out)))
    }
}

/// An encoder writing into memory fails only if the compressor does.
fn failed(coding: Coding, error: std::io::Error) -> CodingError {
    CodingError::Corrupt {
        coding,
        detail: error.to_string(),
    }
}

impl fmt::Debug for Encoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encoder")
            .field("coding", &self.coding)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::super::Decoder;
    use super::*;

    #[test]
    fn a_flush_makes_what_was_given_decodable_and_finish_ends_the_stream() {
        for coding in [Coding::Gzip, Coding::Deflate] {
            let mut encoder = Encoder::new(coding, 6).expect("encodable");
            let mut decoder = Decoder::new(coding, 1 << 20);
            let mut seen = Vec::new();
            for event in ["data: one\n\n", "data: two\n\n"] {
                let mut coded = encoder.encode(event.as_bytes()).unwrap().to_vec();
                coded.extend_from_slice(&encoder.flush().unwrap());
                seen.extend_from_slice(&decoder.decode(&coded).unwrap());
                assert!(
                    seen.ends_with(event.as_bytes()),
                    "{coding}: {event:?} after its flush"
                );
            }
            let last = encoder.finish().unwrap();
            seen.extend_from_slice(&decoder.decode(&last).unwrap());
            seen.extend_from_slice(&decoder.finish().unwrap());
            assert_eq!(seen, b"data: one\n\ndata: two\n\n");
        }
        assert!(Encoder::new(Coding::Brotli, 6).is_none());
    }
}
