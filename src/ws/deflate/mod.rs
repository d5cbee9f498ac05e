//! permessage-deflate (RFC 7692), without I/O: the negotiation of its parameters in the
//! opening handshake, and the compressor and decompressor of messages (raw deflate with a
//! sync flush, over `flate2` with zlib-rs, windows of 9 to 15 bits).
//!
//! [`Protocol`](super::Protocol) uses them when given them
//! ([`Protocol::with_deflate`](super::Protocol::with_deflate)); on wasm a `WebSocket`
//! negotiates by itself, as `Config::compression` says.

mod agreed;
mod client;
mod compressor;
mod decompressor;
mod header;
mod params;
mod server;
mod settings;

pub use agreed::{Agreed, Direction};
pub use client::{check_answer, offer};
pub use compressor::Compressor;
pub use decompressor::{Decompressor, InflateError};
pub use header::{Extension, Malformed, parse_extensions};
pub use params::{NegotiationError, Params};
pub use server::answer_offers;
pub use settings::PerMessageDeflate;

/// The extension's name in `Sec-WebSocket-Extensions`.
pub const NAME: &str = "permessage-deflate";
