//! `ClientConfig`: the roots a client trusts, its ALPN protocols and timeouts, and `connect`.

use std::cell::OnceCell;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use rustls::RootCertStore;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

use super::session::Session;
use super::{ConfigError, Error, TlsStream, alpn_list, provider};
use crate::net::TcpStream;

/// How a client makes TLS connections (aiohttp's `ssl=` with an `ssl.SSLContext`): the root
/// certificates it trusts, the ALPN protocols it offers, and how long the handshake may take.
/// Cheap to clone. Its connections share a cache of sessions to resume, and so do the clones
/// made after its first connection.
///
/// It verifies the server's certificate chain against its roots and the name it connects to,
/// with TLS 1.3 or 1.2. It starts with no roots: add the ones to trust
/// ([`add_root_pem`](ClientConfig::add_root_pem)), or Mozilla's with the `webpki-roots`
/// feature (`webpki_roots`).
///
/// ```
/// use std::time::Duration;
/// use wasio::tls::ClientConfig;
///
/// let config = ClientConfig::new()
///     .add_root_pem(include_bytes!("../../tests/tls/ca.pem"))?
///     .alpn(["http/1.1"])?
///     .handshake_timeout(Duration::from_secs(5));
/// assert_eq!(config.root_count(), 1);
/// # Ok::<(), wasio::tls::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct ClientConfig {
    roots: RootCertStore,
    alpn: Vec<Vec<u8>>,
    handshake_timeout: Duration,
    /// rustls' configuration, made for the first connection.
    built: OnceCell<Arc<rustls::ClientConfig>>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            roots: RootCertStore::empty(),
            alpn: Vec::new(),
            handshake_timeout: Duration::from_secs(10),
            built: OnceCell::new(),
        }
    }
}

impl ClientConfig {
    /// No roots, no ALPN, 10 s for the handshake.
    pub fn new() -> ClientConfig {
        ClientConfig::default()
    }

    /// Trusts every certificate in `pem` (`-----BEGIN CERTIFICATE-----` blocks).
    ///
    /// Errors: [`ConfigError::NoCertificate`] when there is none, [`ConfigError::Pem`] when
    /// the text does not parse, [`ConfigError::BadRoot`] for a certificate that cannot be a
    /// trust anchor.
    pub fn add_root_pem(mut self, pem: &[u8]) -> Result<ClientConfig, ConfigError> {
        let mut added = 0;
        for certificate in CertificateDer::pem_slice_iter(pem) {
            let certificate = certificate.map_err(|error| ConfigError::Pem(error.to_string()))?;
            self.roots
                .add(certificate)
                .map_err(|error| ConfigError::BadRoot(error.to_string()))?;
            added += 1;
        }
        if added == 0 {
            return Err(ConfigError::NoCertificate);
        }
        self.built = OnceCell::new();
        Ok(self)
    }

    /// Trusts one certificate in DER form.
    pub fn add_root_der(mut self, der: &[u8]) -> Result<ClientConfig, ConfigError> {
        self.roots
            .add(CertificateDer::from(der.to_vec()))
            .map_err(|error| ConfigError::BadRoot(error.to_string()))?;
        self.built = OnceCell::new();
        Ok(self)
    }

    /// Trusts Mozilla's root certificates (the `webpki-roots` crate), as browsers do.
    #[cfg(feature = "webpki-roots")]
    pub fn webpki_roots(mut self) -> ClientConfig {
        self.roots
            .extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        self.built = OnceCell::new();
        self
    }

    /// How many root certificates it trusts.
    pub fn root_count(&self) -> usize {
        self.roots.len()
    }

    /// The ALPN protocols to offer, most wanted first (`["http/1.1"]`, say). A server that
    /// speaks none of them refuses the handshake.
    ///
    /// Errors: [`ConfigError::BadAlpn`] for a name that is empty or longer than 255 bytes.
    pub fn alpn<I, P>(mut self, protocols: I) -> Result<ClientConfig, ConfigError>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        self.alpn = alpn_list(protocols)?;
        self.built = OnceCell::new();
        Ok(self)
    }

    /// The same, offering `http/1.1` only (for the HTTP/1.1 that starts a WebSocket), with
    /// rustls' configuration made now, so that the clones every connection takes share it
    /// (and the sessions it keeps to resume).
    pub(crate) fn http11(mut self) -> ClientConfig {
        self.alpn = vec![b"http/1.1".to_vec()];
        self.built = OnceCell::new();
        // A configuration that cannot be made fails again, and says why, at `connect`.
        let _ = self.rustls();
        self
    }

    /// The ALPN protocols it offers.
    pub fn alpn_protocols(&self) -> &[Vec<u8>] {
        &self.alpn
    }

    /// How long [`connect`](ClientConfig::connect)'s handshake may take (default 10 s); past
    /// it, [`Error::HandshakeTimeout`].
    pub fn handshake_timeout(mut self, timeout: Duration) -> ClientConfig {
        self.handshake_timeout = timeout;
        self
    }

    /// The handshake's timeout.
    pub fn handshake_wait(&self) -> Duration {
        self.handshake_timeout
    }

    /// The rustls configuration, made once.
    pub(crate) fn rustls(&self) -> Result<Arc<rustls::ClientConfig>, Error> {
        if let Some(built) = self.built.get() {
            return Ok(built.clone());
        }
        let mut config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(Error::from_rustls)?
            .with_root_certificates(self.roots.clone())
            .with_no_client_auth();
        config.alpn_protocols = self.alpn.clone();
        Ok(self.built.get_or_init(|| Arc::new(config)).clone())
    }

    /// Performs the client's handshake over `stream` for the server `server_name` (a DNS
    /// name, sent as SNI, or an IP address), within the handshake timeout.
    ///
    /// Errors: for the server's certificate, [`Error::UnknownIssuer`],
    /// [`Error::NameMismatch`], [`Error::Expired`], [`Error::NotYetValid`],
    /// [`Error::BadCertificate`]; [`Error::HandshakeTimeout`]; [`Error::Alert`] when the
    /// server refuses; [`Error::NoRootCertificates`] (before any I/O) when it trusts no root.
    pub async fn connect(&self, server_name: &str, stream: TcpStream) -> Result<TlsStream, Error> {
        if self.roots.is_empty() {
            return Err(Error::NoRootCertificates);
        }
        let name = ServerName::try_from(server_name.to_string())
            .map_err(|_| Error::InvalidServerName(server_name.to_string()))?;
        let conn =
            rustls::ClientConnection::new(self.rustls()?, name).map_err(Error::from_rustls)?;
        let mut tls = TlsStream::new(stream, Session::new(conn));
        crate::time::timeout(self.handshake_timeout, tls.handshake())
            .await
            .unwrap_or(Err(Error::HandshakeTimeout))?;
        Ok(tls)
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("roots", &self.roots.len())
            .field("alpn", &self.alpn)
            .field("handshake_timeout", &self.handshake_timeout)
            .finish()
    }
}
