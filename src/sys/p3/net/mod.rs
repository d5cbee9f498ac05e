//! TCP, UDP and name resolution over `wasi:sockets@0.3.0`.

mod dns;
mod listener;
mod tcp;
mod udp;

pub use crate::sys::io::error::ErrorCode;
pub(crate) use dns::lookup;
pub(crate) use listener::{AcceptWait, Listener};
pub(crate) use tcp::Socket;
pub(crate) use udp::Udp;

/// The address types, spelt as WASI 0.2 spells them too.
pub(crate) mod wasi {
    pub(crate) use wasip3::sockets::types::{
        IpAddress, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress,
    };
}
