//! Certificate verification over sockets: each fault gives its error on the client, and the
//! server hears why.

use wasio::net::TcpStream;
use wasio::tls::{ClientConfig, Error, ServerConfig};

use super::{CA, EXPIRED, GOOD, KEY, OTHER_CA, UNTRUSTED, WRONG, accept_one, client};

/// What the client's handshake with a server presenting `chain` comes to, connecting to
/// `name` and trusting `roots`; and the server's side.
async fn handshake(
    roots: &[u8],
    chain: &[u8],
    name: &str,
) -> (Result<(), Error>, Result<(), Error>) {
    let (addr, accepted) = accept_one(ServerConfig::from_pem(chain, KEY).unwrap()).await;
    let config = ClientConfig::new().add_root_pem(roots).unwrap();
    let tcp = TcpStream::connect(addr).await.unwrap();
    let client = config.connect(name, tcp).await.map(drop);
    (client, accepted.await.unwrap().map(drop))
}

#[wasio::test]
async fn the_good_certificate_is_trusted_by_name_and_by_address() {
    for name in ["localhost", "127.0.0.1"] {
        let (client, server) = handshake(CA, GOOD, name).await;
        client.unwrap();
        server.unwrap();
    }
}

#[wasio::test]
async fn an_unknown_ca_is_refused() {
    let (client, server) = handshake(OTHER_CA, GOOD, "localhost").await;
    let error = client.unwrap_err();
    assert!(matches!(error, Error::UnknownIssuer), "{error:?}");
    assert_eq!(
        error.to_string(),
        "TLS: the certificate is not signed by a trusted root (unknown CA)"
    );
    assert!(matches!(server, Err(Error::Alert(alert)) if alert == "UnknownCA"));
    // A certificate signed by a root the client does not trust.
    let (client, _) = handshake(CA, UNTRUSTED, "localhost").await;
    assert!(matches!(client, Err(Error::UnknownIssuer)), "{client:?}");
}

#[wasio::test]
async fn a_certificate_for_another_name_is_refused() {
    let (client, server) = handshake(CA, WRONG, "localhost").await;
    match client {
        Err(Error::NameMismatch {
            expected,
            presented,
        }) => {
            assert_eq!(expected, "localhost");
            assert!(
                presented.iter().any(|name| name.contains("wrong.example")),
                "{presented:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(server, Err(Error::Alert(alert)) if alert == "BadCertificate"));
    // The good certificate names no other host either.
    let (client, _) = handshake(CA, GOOD, "example.com").await;
    assert!(matches!(client, Err(Error::NameMismatch { .. })));
}

#[wasio::test]
async fn an_expired_certificate_is_refused() {
    let (client, server) = handshake(CA, EXPIRED, "localhost").await;
    let error = client.unwrap_err();
    assert!(matches!(error, Error::Expired), "{error:?}");
    assert_eq!(error.to_string(), "TLS: the certificate has expired");
    assert!(matches!(server, Err(Error::Alert(alert)) if alert == "CertificateExpired"));
}

#[wasio::test]
async fn a_client_without_roots_refuses_before_any_io() {
    let (addr, _accepted) = accept_one(super::server()).await;
    let tcp = TcpStream::connect(addr).await.unwrap();
    let error = ClientConfig::new()
        .connect("localhost", tcp)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NoRootCertificates), "{error:?}");
}

#[wasio::test]
async fn a_name_that_is_no_host_is_refused() {
    let (addr, _accepted) = accept_one(super::server()).await;
    let tcp = TcpStream::connect(addr).await.unwrap();
    let error = client().connect("not a host!", tcp).await.unwrap_err();
    assert!(
        matches!(&error, Error::InvalidServerName(name) if name == "not a host!"),
        "{error:?}"
    );
}

#[wasio::test]
async fn a_server_speaking_no_offered_alpn_protocol_is_refused() {
    let server = super::server().alpn(["http/1.1"]).unwrap();
    let (addr, accepted) = accept_one(server).await;
    let tcp = TcpStream::connect(addr).await.unwrap();
    let client = client().alpn(["h2"]).unwrap();
    assert!(matches!(
        client.connect("localhost", tcp).await,
        Err(Error::Alert(_))
    ));
    assert!(matches!(accepted.await.unwrap(), Err(Error::Protocol(_))));
}
