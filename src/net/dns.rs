//! Name resolution through `wasi:sockets/ip-name-lookup`.

use std::io;
use std::net::IpAddr;

use wasip2::sockets::instance_network::instance_network;
use wasip2::sockets::ip_name_lookup::resolve_addresses;
use wasip2::sockets::network::ErrorCode;

use super::addr::ip_from_wasi;
use crate::io::error::from_code;
use crate::runtime::AsyncPollable;

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
    let network = instance_network();
    let results = resolve_addresses(&network, host).map_err(from_code)?;
    let ready = AsyncPollable::new(results.subscribe());
    let mut addrs = Vec::new();
    loop {
        match results.resolve_next_address() {
            Ok(Some(ip)) => addrs.push(ip_from_wasi(ip)),
            Ok(None) => return Ok(addrs),
            Err(ErrorCode::WouldBlock) => ready.wait_not_ready().await,
            Err(code) => return Err(from_code(code)),
        }
    }
}
