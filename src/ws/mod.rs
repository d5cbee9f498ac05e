//! WebSockets (RFC 6455): a sans-I/O codec, and clients and servers over wasio's sockets.
//!
//! | aiohttp | wasio |
//! |---|---|
//! | `WSMessage`, `WSMsgType` | [`Message`] |
//! | `WSCloseCode` | [`CloseCode`] |
//!
//! The codec ([`Protocol`], [`frame`], [`handshake`]) does no I/O and builds on every target,
//! for fuzzing and native benchmarks.

mod close;
pub mod frame;
pub mod handshake;
mod message;
mod protocol;
mod utf8;

pub use close::{CloseCode, CloseFrame};
pub use message::{Message, Utf8Bytes};
pub use protocol::{Limits, Protocol, ProtocolError, Role};
