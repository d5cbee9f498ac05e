//! WebSockets (RFC 6455): a sans-I/O codec, and clients and servers over wasio's sockets.
//!
//! | aiohttp | wasio |
//! |---|---|
//! | `session.ws_connect(url)` | [`connect`], [`connect_with`] |
//! | `web.WebSocketResponse()` + `await ws.prepare(request)` | [`upgrade`] in a route of an [`App`](crate::http::server::App) |
//! | a WebSocket on a socket of one's own | [`accept`], [`accept_with`] |
//! | `ws.receive()`, `async for msg in ws` | [`WebSocket::recv`], [`WebSocket`] as a `Stream` |
//! | `ws.send_str`, `send_bytes`, `ping` | [`WebSocket::send_text`], [`send_binary`](WebSocket::send_binary), [`ping`](WebSocket::ping) |
//! | `ws.close(code=, message=)` | [`WebSocket::close`] |
//! | `autoping`, `heartbeat`, `max_msg_size`, `protocols` | [`Config`] |
//! | `WSMessage`, `WSMsgType` | [`Message`] |
//! | `WSCloseCode` | [`CloseCode`] |
//!
//! A connection answers pings, echoes the peer's close frame and fails with the close code
//! RFC 6455 asks for (1002 for a protocol error, 1007 for invalid UTF-8, 1009 past a size
//! limit) by itself. permessage-deflate (RFC 7692) is negotiated when both ends want it (on
//! by default: a server accepts a client's offer, a client offers it), with the level,
//! windows and context takeover of [`Config::compression`]; [`PerMessageDeflate`] says what
//! it costs in memory. Other extensions are declined.
//!
//! The codec ([`Protocol`], [`frame`], [`handshake`], [`deflate`]) does no I/O and builds on
//! every target, for fuzzing and native benchmarks.

mod close;
pub mod deflate;
pub mod frame;
pub mod handshake;
mod message;
mod protocol;
mod utf8;

pub use close::{CloseCode, CloseFrame};
pub use deflate::PerMessageDeflate;
pub use message::{Message, Utf8Bytes};
pub use protocol::{Limits, Protocol, ProtocolError, Role};

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
mod client;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
mod config;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
mod error;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
mod head;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
mod server;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
mod socket;

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
pub use {
    client::{connect, connect_with},
    config::Config,
    error::Error,
    server::{accept, accept_with, upgrade},
    socket::{Reader, WebSocket, Writer},
};
