//! Name resolution through `wasi:sockets/ip-name-lookup`.

use std::io;
use std::net::IpAddr;

/// Every IP address `host` resolves to (`loop.getaddrinfo`), without blocking the component:
/// the host resolves in the background while other tasks run. An IP address literal resolves
/// to itself.
///
/// Under wasmtime, name lookup needs `-Sallow-ip-name-lookup`; without it this fails with
/// [`io::ErrorKind::PermissionDenied`].
///
/// ```
/// # wasio::run(async {
/// let addrs = wasio::net::lookup_host("localhost").await?;
/// assert!(addrs.iter().any(|ip| ip.is_loopback()));
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
pub async fn lookup_host(host: &str) -> io::Result<Vec<IpAddr>> {
    crate::sys::net::lookup(host).await
}
