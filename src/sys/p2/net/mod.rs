//! TCP, UDP and name resolution over `wasi:sockets` 0.2.

mod dns;
mod listener;
mod tcp;
mod udp;

pub(crate) use dns::lookup;
pub(crate) use listener::{AcceptWait, Listener};
pub(crate) use tcp::Socket;
pub(crate) use udp::Udp;
pub use wasip2::sockets::network::ErrorCode;

/// The address types, spelt as WASI 0.3 spells them too.
pub(crate) mod wasi {
    pub(crate) use wasip2::sockets::network::{
        IpAddress, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress,
    };
}
