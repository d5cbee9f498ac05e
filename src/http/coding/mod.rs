//! HTTP content codings (RFC 9110 §8.4.1) without I/O: gzip, deflate and (with the `brotli`
//! feature) Brotli bodies decoded as they stream, under a size limit, and gzip and deflate
//! encoded with flushes.
//!
//! What [`Client`](super::Client) decodes responses with (and compresses a request body
//! with, when asked), and what the server's compression uses. Brotli is decoded only: its
//! encoder would add more to a component than a response ever saves.
//!
//! ```
//! use wasio::http::coding::{Coding, Decoder, Encoder};
//!
//! let mut encoder = Encoder::new(Coding::Gzip, 6).expect("gzip encodes");
//! let mut compressed = encoder.encode(b"hello, hello, hello").unwrap().to_vec();
//! compressed.extend_from_slice(&encoder.finish().unwrap());
//!
//! let mut decoder = Decoder::new(Coding::Gzip, 1 << 20);
//! let mut body = decoder.decode(&compressed).unwrap().to_vec();
//! body.extend_from_slice(&decoder.finish().unwrap());
//! assert_eq!(body, b"hello, hello, hello");
//! ```

mod body;
mod decoder;
mod encoder;
mod negotiate;

use std::fmt;

pub(crate) use body::encode_body;
pub use decoder::Decoder;
pub(crate) use decoder::{Decode, decode_next};
pub use encoder::Encoder;
pub use negotiate::{accepts, preferred};

/// A content coding wasio can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coding {
    /// `gzip` (RFC 1952).
    Gzip,
    /// `deflate`: zlib (RFC 1950), or raw deflate (RFC 1951), which some servers send under
    /// the same name and browsers accept too.
    Deflate,
    /// `br`, Brotli (RFC 7932): decoded only, with the `brotli` feature.
    Brotli,
}

impl Coding {
    /// The coding named by a `Content-Encoding` token (case-insensitive; `x-gzip` is gzip),
    /// `None` for `identity` or one wasio does not know.
    pub fn from_token(token: &str) -> Option<Coding> {
        let token = token.trim();
        [
            ("gzip", Coding::Gzip),
            ("x-gzip", Coding::Gzip),
            ("deflate", Coding::Deflate),
            ("br", Coding::Brotli),
        ]
        .into_iter()
        .find_map(|(name, coding)| token.eq_ignore_ascii_case(name).then_some(coding))
    }

    /// Whether this build decodes it: Brotli needs the `brotli` feature (off by default).
    pub fn decodable(self) -> bool {
        self != Coding::Brotli || cfg!(feature = "brotli")
    }

    /// Its token in `Content-Encoding` and `Accept-Encoding`.
    pub fn as_str(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
            Coding::Brotli => "br",
        }
    }
}

impl fmt::Display for Coding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a body could not be decoded (or encoded).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodingError {
    /// The decoded body would be larger than the limit: nothing past it was kept (a
    /// compression bomb ends here).
    TooLarge {
        /// The limit on the decoded size, in bytes.
        limit: u64,
    },
    /// The body ended before its coding did.
    Truncated {
        /// The coding.
        coding: Coding,
    },
    /// The bytes are not valid in the coding.
    Corrupt {
        /// The coding.
        coding: Coding,
        /// What the decoder said.
        detail: String,
    },
}

impl fmt::Display for CodingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodingError::TooLarge { limit } => {
                write!(
                    f,
                    "the decoded body is larger than its limit of {limit} bytes"
                )
            }
            CodingError::Truncated { coding } => write!(f, "the {coding} body is cut short"),
            CodingError::Corrupt { coding, detail } => {
                write!(f, "the {coding} body is not valid: {detail}")
            }
        }
    }
}

impl std::error::Error for CodingError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_codings_whatever_their_case() {
        assert_eq!(Coding::from_token(" GZip "), Some(Coding::Gzip));
        assert_eq!(Coding::from_token("x-gzip"), Some(Coding::Gzip));
        assert_eq!(Coding::from_token("deflate"), Some(Coding::Deflate));
        assert_eq!(Coding::from_token("br"), Some(Coding::Brotli));
        assert_eq!(Coding::from_token("identity"), None);
        assert_eq!(Coding::from_token("zstd"), None);
        assert_eq!(Coding::Brotli.to_string(), "br");
    }
}
