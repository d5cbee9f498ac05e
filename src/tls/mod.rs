//! TLS on wasio's own sockets (the `tls` feature): a [`TlsStream`] over a
//! [`TcpStream`](crate::net::TcpStream), made by a [`ClientConfig`] or a [`ServerConfig`].
//! wasio's WebSocket client uses it for `wss://`, and its own HTTP server for HTTPS and
//! `wss://` ([`Server::bind_tls`](crate::http::server::Server::bind_tls)).
//!
//! | Python | wasio |
//! |---|---|
//! | `ssl.create_default_context(cafile=...)` | [`ClientConfig::new`]`().`[`add_root_pem`](ClientConfig::add_root_pem)`(...)` |
//! | `ctx.load_cert_chain(certfile, keyfile)` | [`ServerConfig::from_pem`] |
//! | `ctx.set_alpn_protocols([...])` | [`ClientConfig::alpn`], [`ServerConfig::alpn`] |
//! | `asyncio.open_connection(host, port, ssl=ctx)` | `TcpStream::connect` then [`ClientConfig::connect`] |
//! | `asyncio.start_server(cb, host, port, ssl=ctx)` | `TcpListener::accept` then [`ServerConfig::accept`] |
//! | `ssl.SSLCertVerificationError` | [`Error::UnknownIssuer`], [`Error::NameMismatch`], [`Error::Expired`], ... |
//!
//! The TLS itself is rustls' (TLS 1.3 and 1.2) with the *ring* crypto provider, inside the
//! component: WASI 0.2 has no TLS, and wasmtime's experimental `wasi:tls` is client-only and
//! trusts only its built-in roots. A client verifies the server's certificate chain against
//! the roots it is given and the name it connects to, and each way it can fail has an
//! [`Error`] of its own. The handshake has a timeout; `close_notify` is sent on close (and
//! when a stream is dropped), and a stream that ends without the peer's is
//! [`Error::Truncated`]. *ring* has no post-quantum key exchange, so none is offered.
//!
//! Under the streams is a sans-I/O session (rustls' connection, with the ciphertext in and
//! out as bytes); the streams only move those bytes to and from the socket.
//!
//! A client that trusts the CA of wasio's tests fetches a page (`examples/tls_client.rs` is
//! the whole program):
//!
//! ```no_run
//! # wasio::run(async {
//! use wasio::io::{AsyncReadExt, AsyncWriteExt};
//! use wasio::net::TcpStream;
//! use wasio::tls::ClientConfig;
//!
//! let config = ClientConfig::new()
//!     .add_root_pem(include_bytes!("../../tests/tls/ca.pem"))?
//!     .alpn(["http/1.1"])?;
//! let tcp = TcpStream::connect("127.0.0.1:8443").await?;
//! let mut tls = config.connect("localhost", tcp).await?;
//! tls.write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n").await?;
//! let mut response = String::new();
//! tls.read_to_string(&mut response).await?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # });
//! ```

mod client;
mod error;
mod server;
pub(crate) mod session;
mod stream;

use std::sync::Arc;

pub use client::ClientConfig;
pub use error::{ConfigError, Error, error};
pub use server::ServerConfig;
pub use stream::{ReadHalf, ReuniteError, TlsStream, WriteHalf};

/// rustls' *ring* provider (the one that builds for wasm32-wasip2; aws-lc-rs does not), in
/// the order that is fastest as WebAssembly, which has no AES instructions and runs *ring*'s
/// portable code: X25519 first (rustls puts P-384 first, which costs about 35 times as much
/// here), and ChaCha20-Poly1305 first (about 300 MB/s here, against 62 for AES-128-GCM and 47
/// for AES-256-GCM).
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    use rustls::crypto::ring::{cipher_suite, kx_group};
    // Deprecated in rustls 0.23.48 only for lacking post-quantum key exchange.
    #[allow(deprecated)]
    let ring = rustls::crypto::ring::default_provider();
    Arc::new(rustls::crypto::CryptoProvider {
        cipher_suites: vec![
            cipher_suite::TLS13_CHACHA20_POLY1305_SHA256,
            cipher_suite::TLS13_AES_128_GCM_SHA256,
            cipher_suite::TLS13_AES_256_GCM_SHA384,
            cipher_suite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            cipher_suite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
            cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            cipher_suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            cipher_suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ],
        kx_groups: vec![kx_group::X25519, kx_group::SECP256R1, kx_group::SECP384R1],
        ..ring
    })
}

/// ALPN protocol names, checked.
fn alpn_list<I, P>(protocols: I) -> Result<Vec<Vec<u8>>, ConfigError>
where
    I: IntoIterator<Item = P>,
    P: AsRef<[u8]>,
{
    protocols
        .into_iter()
        .map(|protocol| {
            let protocol = protocol.as_ref().to_vec();
            if (1..=255).contains(&protocol.len()) {
                Ok(protocol)
            } else {
                Err(ConfigError::BadAlpn(protocol))
            }
        })
        .collect()
}
