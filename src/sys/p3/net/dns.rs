//! Name resolution through `wasi:sockets/ip-name-lookup@0.3.0`.

use std::io;
use std::net::IpAddr;

use wasip3::sockets::ip_name_lookup::resolve_addresses;

use crate::net::addr::ip_from_wasi;
use crate::sys::io::error::from_code;

pub(crate) async fn lookup(host: &str) -> io::Result<Vec<IpAddr>> {
    let ips = resolve_addresses(host.to_string())
        .await
        .map_err(from_code)?;
    Ok(ips.into_iter().map(ip_from_wasi).collect())
}
