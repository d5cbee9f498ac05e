//! `ServerConfig`: a server's certificate chain and key, its ALPN protocols and timeouts, and
//! `accept`.

use std::fmt;
use std::future::poll_fn;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::session::Session;
use super::{ConfigError, Error, TlsStream, alpn_list, provider};
use crate::net::TcpStream;
use crate::time::{Instant, Sleep, sleep, sleep_until};

/// How a server makes TLS connections (aiohttp's `ssl_context` on `TCPSite`): its
/// certificate chain and private key, the ALPN protocols it speaks, and how long the
/// handshake may take. Cheap to clone; clones share a cache of sessions to
/// resume.
///
/// TLS 1.3 and 1.2; no client certificates are asked for. It picks ChaCha20-Poly1305 over
/// AES-GCM whatever the client prefers (WebAssembly has no AES instructions: AES-GCM costs
/// five times as much), and X25519 when the client offers it.
///
/// ```
/// use wasio::tls::ServerConfig;
///
/// let config = ServerConfig::from_pem(
///     include_bytes!("../../tests/tls/good-chain.pem"),
///     include_bytes!("../../tests/tls/server.key"),
/// )?
/// .alpn(["http/1.1"])?;
/// # Ok::<(), wasio::tls::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct ServerConfig {
    rustls: Arc<rustls::ServerConfig>,
    handshake_timeout: Duration,
}

impl ServerConfig {
    /// A server that presents the certificates in `cert_chain` (its own first, then the
    /// intermediates, in PEM) and signs with the private key in `key` (PEM: PKCS #8, SEC1 or
    /// PKCS #1; ECDSA, Ed25519 or RSA). 10 s for the handshake, no ALPN.
    ///
    /// Errors: [`ConfigError::NoCertificate`], [`ConfigError::NoPrivateKey`],
    /// [`ConfigError::Pem`], and [`ConfigError::BadKey`] for a key that does not suit the
    /// certificate.
    pub fn from_pem(cert_chain: &[u8], key: &[u8]) -> Result<ServerConfig, ConfigError> {
        let chain = CertificateDer::pem_slice_iter(cert_chain)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| ConfigError::Pem(error.to_string()))?;
        if chain.is_empty() {
            return Err(ConfigError::NoCertificate);
        }
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|error| match error {
            pem::Error::NoItemsFound => ConfigError::NoPrivateKey,
            other => ConfigError::Pem(other.to_string()),
        })?;
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|error| ConfigError::BadKey(error.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|error| ConfigError::BadKey(error.to_string()))?;
        // The server's order of cipher suites, not the client's: most clients put AES-GCM
        // first, which costs five times as much as ChaCha20-Poly1305 here.
        config.ignore_client_order = true;
        Ok(ServerConfig {
            rustls: Arc::new(config),
            handshake_timeout: Duration::from_secs(10),
        })
    }

    /// The ALPN protocols it speaks, most wanted first: of a client's offer it picks the
    /// first it speaks, and refuses a client that offers only others. A client that offers
    /// none is served.
    ///
    /// Errors: [`ConfigError::BadAlpn`] for a name that is empty or longer than 255 bytes.
    pub fn alpn<I, P>(mut self, protocols: I) -> Result<ServerConfig, ConfigError>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let mut config = (*self.rustls).clone();
        config.alpn_protocols = alpn_list(protocols)?;
        self.rustls = Arc::new(config);
        Ok(self)
    }

    /// The same, speaking `http/1.1` only (wasio's HTTP server).
    pub(crate) fn http11(mut self) -> ServerConfig {
        let mut config = (*self.rustls).clone();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        self.rustls = Arc::new(config);
        self
    }

    /// The ALPN protocols it speaks.
    pub fn alpn_protocols(&self) -> &[Vec<u8>] {
        &self.rustls.alpn_protocols
    }

    /// How long [`accept`](ServerConfig::accept)'s handshake may take (default 10 s); past
    /// it, [`Error::HandshakeTimeout`].
    pub fn handshake_timeout(mut self, timeout: Duration) -> ServerConfig {
        self.handshake_timeout = timeout;
        self
    }

    /// The handshake's timeout.
    pub fn handshake_wait(&self) -> Duration {
        self.handshake_timeout
    }

    /// Performs the server's handshake over `stream` within the handshake timeout.
    ///
    /// Errors: [`Error::HandshakeTimeout`]; [`Error::Alert`] when the client refuses (it
    /// does not trust the certificate, say); [`Error::Protocol`] when the client speaks no
    /// TLS or nothing in common.
    pub async fn accept(&self, stream: TcpStream) -> Result<TlsStream, Error> {
        let mut tls = self.stream(stream)?;
        crate::time::timeout(self.handshake_timeout, tls.handshake())
            .await
            .unwrap_or(Err(Error::HandshakeTimeout))?;
        Ok(tls)
    }

    /// [`accept`](ServerConfig::accept) where the client's first byte must come by
    /// `first_byte`, and the handshake must end within `handshake` of it (a server's idle
    /// and header timeouts).
    pub(crate) async fn accept_within(
        &self,
        stream: TcpStream,
        first_byte: Instant,
        handshake: Duration,
    ) -> Result<TlsStream, Error> {
        let mut tls = self.stream(stream)?;
        let mut idle = sleep_until(first_byte);
        let mut limit: Option<Sleep> = None;
        poll_fn(|cx| {
            if let Poll::Ready(done) = tls.poll_handshake(cx) {
                return Poll::Ready(done);
            }
            let timer = if tls.has_received() {
                limit.get_or_insert_with(|| sleep(handshake))
            } else {
                &mut idle
            };
            match timer.poll_deadline(cx) {
                Poll::Ready(()) => Poll::Ready(Err(Error::HandshakeTimeout)),
                Poll::Pending => Poll::Pending,
            }
        })
        .await?;
        Ok(tls)
    }

    /// rustls' configuration.
    pub(crate) fn rustls(&self) -> Arc<rustls::ServerConfig> {
        self.rustls.clone()
    }

    /// A connection over `stream`, before the handshake.
    fn stream(&self, stream: TcpStream) -> Result<TlsStream, Error> {
        let conn = rustls::ServerConnection::new(self.rustls()).map_err(Error::from_rustls)?;
        Ok(TlsStream::new(stream, Session::new(conn)))
    }
}

impl fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("alpn", &self.rustls.alpn_protocols)
            .field("handshake_timeout", &self.handshake_timeout)
            .finish_non_exhaustive()
    }
}
