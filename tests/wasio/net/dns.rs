//! Name lookup through `wasi:sockets/ip-name-lookup`.

use std::io::ErrorKind;
use std::net::IpAddr;

use wasio::net::lookup_host;

#[wasio::test]
async fn localhost_resolves_to_loopback() {
    let addrs = lookup_host("localhost").await.unwrap();
    assert!(!addrs.is_empty());
    assert!(addrs.iter().all(IpAddr::is_loopback), "{addrs:?}");
}

#[wasio::test]
async fn an_ip_literal_resolves_to_itself() {
    assert_eq!(
        lookup_host("127.0.0.1").await.unwrap(),
        [IpAddr::from([127, 0, 0, 1])]
    );
    assert_eq!(
        lookup_host("::1").await.unwrap(),
        ["::1".parse::<IpAddr>().unwrap()]
    );
}

#[wasio::test]
async fn a_name_that_does_not_resolve_is_a_clear_error() {
    let error = lookup_host("no-such-host.invalid").await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::NotFound | ErrorKind::Other),
        "{error:?}"
    );
    let empty = lookup_host("").await.unwrap_err();
    assert_eq!(empty.kind(), ErrorKind::InvalidInput, "{empty:?}");
}
