//! Configurations refused with their errors.

use wasio::tls::{ClientConfig, ConfigError, ServerConfig};

use super::{CA, GOOD, KEY, OTHER_CA};

#[wasio::test]
async fn roots_come_from_pem_or_der() {
    let config = ClientConfig::new().add_root_pem(CA).unwrap();
    assert_eq!(config.root_count(), 1);
    let both = [CA, OTHER_CA].concat();
    assert_eq!(
        ClientConfig::new()
            .add_root_pem(&both)
            .unwrap()
            .root_count(),
        2
    );
    assert_eq!(
        ClientConfig::new()
            .add_root_pem(b"no PEM here")
            .unwrap_err(),
        ConfigError::NoCertificate
    );
    assert!(matches!(
        ClientConfig::new()
            .add_root_pem(b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"),
        Err(ConfigError::Pem(_))
    ));
    assert!(matches!(
        ClientConfig::new().add_root_der(b"not DER"),
        Err(ConfigError::BadRoot(_))
    ));
}

#[wasio::test]
async fn a_server_needs_a_certificate_and_its_key() {
    ServerConfig::from_pem(GOOD, KEY).unwrap();
    assert_eq!(
        ServerConfig::from_pem(b"", KEY).unwrap_err(),
        ConfigError::NoCertificate
    );
    assert_eq!(
        ServerConfig::from_pem(GOOD, GOOD).unwrap_err(),
        ConfigError::NoPrivateKey
    );
    // The key of another certificate.
    assert!(matches!(
        ServerConfig::from_pem(OTHER_CA, KEY),
        Err(ConfigError::BadKey(_))
    ));
}

#[wasio::test]
async fn alpn_names_are_1_to_255_bytes() {
    assert_eq!(
        ClientConfig::new().alpn(["http/1.1", ""]).unwrap_err(),
        ConfigError::BadAlpn(Vec::new())
    );
    let long = vec![b'a'; 256];
    assert_eq!(
        ServerConfig::from_pem(GOOD, KEY)
            .unwrap()
            .alpn([&long])
            .unwrap_err(),
        ConfigError::BadAlpn(long)
    );
    let longest = vec![b'a'; 255];
    let config = ClientConfig::new().alpn([&longest]).unwrap();
    assert_eq!(config.alpn_protocols(), [longest]);
}
