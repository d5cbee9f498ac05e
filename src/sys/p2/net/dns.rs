//! Name resolution through `wasi:sockets/ip-name-lookup`.

use std::io;
use std::net::IpAddr;

use wasip2::sockets::instance_network::instance_network;
use wasip2::sockets::ip_name_lookup::resolve_addresses;
use wasip2::sockets::network::ErrorCode;

use crate::net::addr::ip_from_wasi;
use crate::sys::io::error::from_code;
use crate::sys::pollable::AsyncPollable;

pub(crate) async fn lookup(host: &str) -> io::Result<Vec<IpAddr>> {
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
