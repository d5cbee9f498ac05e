//! The session without sockets: a client and a server exchanging bytes in memory.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;

use super::*;
use crate::tls::{ClientConfig, ServerConfig};

const CA: &[u8] = include_bytes!("../../../tests/tls/ca.pem");
const OTHER_CA: &[u8] = include_bytes!("../../../tests/tls/other-ca.pem");
const GOOD: &[u8] = include_bytes!("../../../tests/tls/good-chain.pem");
const WRONG: &[u8] = include_bytes!("../../../tests/tls/wrong-chain.pem");
const EXPIRED: &[u8] = include_bytes!("../../../tests/tls/expired-chain.pem");
const KEY: &[u8] = include_bytes!("../../../tests/tls/server.key");

fn pair(roots: &[u8], chain: &[u8], name: &str) -> (Session, Session) {
    let client = ClientConfig::new()
        .add_root_pem(roots)
        .unwrap()
        .alpn(["h2", "http/1.1"])
        .unwrap();
    let server = ServerConfig::from_pem(chain, KEY)
        .unwrap()
        .alpn(["http/1.1"])
        .unwrap();
    let name = rustls::pki_types::ServerName::try_from(name.to_string()).unwrap();
    let client = rustls::ClientConnection::new(client.rustls().unwrap(), name).unwrap();
    let server = rustls::ServerConnection::new(server.rustls()).unwrap();
    (Session::new(client), Session::new(server))
}

/// A session pair for `localhost` whose client is rustls' own, as `client` configures it
/// (trusting the test CA), and whose server is wasio's with the good certificate.
fn rustls_client_pair(
    client: rustls::ConfigBuilder<rustls::ClientConfig, rustls::WantsVerifier>,
) -> (Session, Session) {
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(
        rustls::pki_types::CertificateDer::pem_slice_iter(CA).map(Result::unwrap),
    );
    let client = client.with_root_certificates(roots).with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let client = rustls::ClientConnection::new(Arc::new(client), name).unwrap();
    let server =
        rustls::ServerConnection::new(ServerConfig::from_pem(GOOD, KEY).unwrap().rustls()).unwrap();
    (Session::new(client), Session::new(server))
}

/// Moves what `from` has to send to `to`; whether there was anything.
fn pass(from: &mut Session, to: &mut Session) -> bool {
    let bytes = from.outgoing().to_vec();
    from.sent(bytes.len());
    if !bytes.is_empty() {
        to.receive(bytes);
    }
    !from.outgoing().is_empty() || to.incoming_at < to.incoming.len()
}

/// Runs both handshakes to their end: the first error either side meets.
fn handshake(client: &mut Session, server: &mut Session) -> Result<(), Error> {
    for _ in 0..20 {
        pass(client, server);
        while server.advance()? {}
        pass(server, client);
        while client.advance()? {}
        if !client.is_handshaking() && !server.is_handshaking() {
            pass(client, server);
            return Ok(());
        }
    }
    panic!("the handshake did not end");
}

/// All the plaintext `to` can read after `from`'s output reaches it.
fn deliver(from: &mut Session, to: &mut Session) -> (Vec<u8>, Read) {
    pass(from, to);
    let mut plain = Vec::new();
    let read = to.read_available(&mut plain).unwrap();
    (plain, read)
}

#[test]
fn a_handshake_agrees_on_alpn_and_carries_the_name() {
    let (mut client, mut server) = pair(CA, GOOD, "localhost");
    handshake(&mut client, &mut server).unwrap();
    assert_eq!(client.alpn_protocol(), Some(&b"http/1.1"[..]));
    assert_eq!(server.alpn_protocol(), Some(&b"http/1.1"[..]));
    assert_eq!(server.server_name(), Some("localhost"));
    assert_eq!(client.server_name(), None);
}

#[test]
fn the_server_picks_chacha20_and_x25519_whatever_the_client_prefers() {
    // rustls' own order, as most clients have it: AES-GCM and P-384 first.
    #[allow(deprecated)]
    let aes_first = Arc::new(rustls::crypto::ring::default_provider());
    let (mut client, mut server) = rustls_client_pair(
        rustls::ClientConfig::builder_with_provider(aes_first)
            .with_safe_default_protocol_versions()
            .unwrap(),
    );
    handshake(&mut client, &mut server).unwrap();
    assert_eq!(
        server.cipher_suite(),
        Some("TLS13_CHACHA20_POLY1305_SHA256")
    );
    assert_eq!(
        client.cipher_suite(),
        Some("TLS13_CHACHA20_POLY1305_SHA256")
    );
    // wasio's client offers X25519 first.
    let (mut client, mut server) = pair(CA, GOOD, "localhost");
    handshake(&mut client, &mut server).unwrap();
    assert_eq!(
        server
            .conn
            .negotiated_key_exchange_group()
            .map(|group| group.name()),
        Some(rustls::NamedGroup::X25519)
    );
}

#[test]
fn tls_1_2_is_spoken_too() {
    let (mut client, mut server) = rustls_client_pair(
        rustls::ClientConfig::builder_with_provider(crate::tls::provider())
            .with_protocol_versions(&[&rustls::version::TLS12])
            .unwrap(),
    );
    handshake(&mut client, &mut server).unwrap();
    assert_eq!(
        server.cipher_suite(),
        Some("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")
    );
    client.write(b"over TLS 1.2").unwrap();
    client.close();
    assert_eq!(
        deliver(&mut client, &mut server),
        (b"over TLS 1.2".to_vec(), Read::Data(12))
    );
    assert_eq!(server.read(&mut [0; 8]).unwrap(), Read::Closed);
}

#[test]
fn data_goes_both_ways_in_records() {
    let (mut client, mut server) = pair(CA, GOOD, "127.0.0.1");
    handshake(&mut client, &mut server).unwrap();
    assert_eq!(client.write(b"hello").unwrap(), 5);
    assert_eq!(
        deliver(&mut client, &mut server),
        (b"hello".to_vec(), Read::Data(5))
    );
    // More than one write takes: rustls takes up to its 64 KiB limit at a time.
    let big: Vec<u8> = (0..300_000u32).map(|i| i as u8).collect();
    let mut written = 0;
    let mut got = Vec::new();
    while written < big.len() {
        let n = server.write(&big[written..]).unwrap();
        assert!(n > 0 && n <= 64 * 1024, "{n}");
        written += n;
        got.extend(deliver(&mut server, &mut client).0);
    }
    assert_eq!(got, big);
    assert_eq!(client.read(&mut [0; 8]).unwrap(), Read::NeedMore);
}

#[test]
fn close_notify_ends_the_stream_cleanly_after_the_data() {
    let (mut client, mut server) = pair(CA, GOOD, "localhost");
    handshake(&mut client, &mut server).unwrap();
    client.write(b"last words").unwrap();
    client.close();
    assert!(client.is_closed());
    assert!(matches!(client.write(b"more"), Err(Error::Closed)));
    pass(&mut client, &mut server);
    let mut buf = [0; 64];
    assert_eq!(server.read(&mut buf).unwrap(), Read::Data(10));
    assert_eq!(server.read(&mut buf).unwrap(), Read::Closed);
    // The TCP end after it changes nothing.
    server.receive_eof();
    assert_eq!(server.read(&mut buf).unwrap(), Read::Closed);
}

#[test]
fn an_end_without_close_notify_is_truncation() {
    let (mut client, mut server) = pair(CA, GOOD, "localhost");
    handshake(&mut client, &mut server).unwrap();
    client.write(b"cut").unwrap();
    pass(&mut client, &mut server);
    server.receive_eof();
    let mut plain = Vec::new();
    // What came is read, then the truncation is reported, and again.
    assert_eq!(server.read_available(&mut plain).unwrap(), Read::Data(3));
    assert!(matches!(server.read(&mut [0; 8]), Err(Error::Truncated)));
    assert!(matches!(server.read(&mut [0; 8]), Err(Error::Truncated)));
}

#[test]
fn a_record_that_does_not_decrypt_fails_with_an_alert() {
    let (mut client, mut server) = pair(CA, GOOD, "localhost");
    handshake(&mut client, &mut server).unwrap();
    client.write(b"tampered").unwrap();
    let mut bytes = client.outgoing().to_vec();
    client.sent(bytes.len());
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    server.receive(bytes);
    assert!(matches!(server.read(&mut [0; 64]), Err(Error::Protocol(_))));
    // The alert (bad_record_mac) is ready for the peer, and nothing more can be written.
    assert!(!server.outgoing().is_empty());
    assert!(matches!(server.write(b"x"), Err(Error::Closed)));
    pass(&mut server, &mut client);
    assert!(
        matches!(client.read(&mut [0; 8]), Err(Error::Alert(alert)) if alert == "BadRecordMac")
    );
}

#[test]
fn bytes_that_are_not_tls_are_a_protocol_error() {
    let (_, mut server) = pair(CA, GOOD, "localhost");
    server.receive(b"GET / HTTP/1.1\r\nhost: localhost\r\n\r\n".to_vec());
    assert!(matches!(server.advance(), Err(Error::Protocol(_))));
}

#[test]
fn each_certificate_fault_has_its_error() {
    let (mut client, mut server) = pair(OTHER_CA, GOOD, "localhost");
    assert!(matches!(
        handshake(&mut client, &mut server),
        Err(Error::UnknownIssuer)
    ));
    // The client's alert tells the server.
    pass(&mut client, &mut server);
    assert!(matches!(server.advance(), Err(Error::Alert(alert)) if alert == "UnknownCA"));

    let (mut client, mut server) = pair(CA, WRONG, "localhost");
    match handshake(&mut client, &mut server) {
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

    let (mut client, mut server) = pair(CA, EXPIRED, "localhost");
    assert!(matches!(
        handshake(&mut client, &mut server),
        Err(Error::Expired)
    ));

    let (mut client, mut server) = pair(CA, GOOD, "other.example");
    assert!(matches!(
        handshake(&mut client, &mut server),
        Err(Error::NameMismatch { .. })
    ));
}

#[test]
fn no_common_alpn_protocol_is_refused() {
    let client = ClientConfig::new()
        .add_root_pem(CA)
        .unwrap()
        .alpn(["h2"])
        .unwrap();
    let server = ServerConfig::from_pem(GOOD, KEY)
        .unwrap()
        .alpn(["http/1.1"])
        .unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut client =
        Session::new(rustls::ClientConnection::new(client.rustls().unwrap(), name).unwrap());
    let mut server = Session::new(rustls::ServerConnection::new(server.rustls()).unwrap());
    assert!(matches!(
        handshake(&mut client, &mut server),
        Err(Error::Protocol(_))
    ));
}
