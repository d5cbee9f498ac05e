//! The TLS client of ws-load and tls-handshakes: rustls with ring, trusting the certificates
//! of a PEM file, resuming no session (every connection makes a full handshake).

use std::sync::Arc;

use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, pki_types::ServerName};

/// A client that trusts the certificates in the PEM file `ca`.
pub fn connector(ca: &str) -> Result<TlsConnector, String> {
    let pem = std::fs::read(ca).map_err(|e| format!("{ca}: {e}"))?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::pem::PemObject::pem_slice_iter(&pem[..]) {
        let cert: rustls::pki_types::CertificateDer = cert.map_err(|e| format!("{ca}: {e}"))?;
        roots.add(cert).map_err(|e| format!("{ca}: {e}"))?;
    }
    // Deprecated in rustls 0.23.48 only for lacking post-quantum key exchange; the servers
    // measured offer none either (wasio's is ring too). X25519 first, as OpenSSL, curl,
    // Python's ssl and browsers offer it (rustls puts P-384 first); the cipher suites in
    // rustls' order, AES-GCM first, as most clients have them.
    #[allow(deprecated)]
    let ring = rustls::crypto::ring::default_provider();
    use rustls::crypto::ring::kx_group;
    let provider = Arc::new(rustls::crypto::CryptoProvider {
        kx_groups: vec![kx_group::X25519, kx_group::SECP256R1, kx_group::SECP384R1],
        ..ring
    });
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.resumption = rustls::client::Resumption::disabled();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// The name to verify the server as: the host of `authority` (`127.0.0.1:PORT`, say).
pub fn server_name(authority: &str) -> Result<ServerName<'static>, String> {
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host);
    ServerName::try_from(host.to_string()).map_err(|e| e.to_string())
}
