//! Socket addresses: `std::net` types to and from WASI's, and what `connect` and `bind` accept.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

// WASI 0.2 and 0.3 spell their address types alike; the backend names its own.
use crate::sys::net::wasi::{
    IpAddress, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress,
};

use super::dns::lookup_host;

pub(crate) fn to_wasi(addr: SocketAddr) -> IpSocketAddress {
    match addr {
        SocketAddr::V4(v4) => {
            let [a, b, c, d] = v4.ip().octets();
            IpSocketAddress::Ipv4(Ipv4SocketAddress {
                port: v4.port(),
                address: (a, b, c, d),
            })
        }
        SocketAddr::V6(v6) => {
            let [a, b, c, d, e, f, g, h] = v6.ip().segments();
            IpSocketAddress::Ipv6(Ipv6SocketAddress {
                port: v6.port(),
                flow_info: v6.flowinfo(),
                address: (a, b, c, d, e, f, g, h),
                scope_id: v6.scope_id(),
            })
        }
    }
}

pub(crate) fn from_wasi(addr: IpSocketAddress) -> SocketAddr {
    match addr {
        IpSocketAddress::Ipv4(v4) => {
            let (a, b, c, d) = v4.address;
            SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(a, b, c, d), v4.port))
        }
        IpSocketAddress::Ipv6(v6) => {
            let (a, b, c, d, e, f, g, h) = v6.address;
            let ip = Ipv6Addr::new(a, b, c, d, e, f, g, h);
            SocketAddr::V6(SocketAddrV6::new(ip, v6.port, v6.flow_info, v6.scope_id))
        }
    }
}

pub(crate) fn ip_from_wasi(ip: IpAddress) -> IpAddr {
    match ip {
        IpAddress::Ipv4((a, b, c, d)) => IpAddr::V4(Ipv4Addr::new(a, b, c, d)),
        IpAddress::Ipv6((a, b, c, d, e, f, g, h)) => {
            IpAddr::V6(Ipv6Addr::new(a, b, c, d, e, f, g, h))
        }
    }
}

pub(crate) fn family(addr: SocketAddr) -> IpAddressFamily {
    match addr {
        SocketAddr::V4(_) => IpAddressFamily::Ipv4,
        SocketAddr::V6(_) => IpAddressFamily::Ipv6,
    }
}

mod sealed {
    /// What an address argument stands for, before name resolution.
    #[derive(Debug)]
    pub enum Target<'a> {
        Addrs(Vec<std::net::SocketAddr>),
        HostPort(&'a str, u16),
        Text(&'a str),
    }

    pub trait Sealed {
        fn target(&self) -> Target<'_>;
    }
}

use sealed::{Sealed, Target};

/// What [`TcpStream::connect`](super::TcpStream::connect), [`TcpListener::bind`](super::TcpListener::bind)
/// and the UDP calls accept: a [`SocketAddr`], an `(ip, port)` pair, a `(host, port)` pair, a
/// `"host:port"` or `"[v6]:port"` string, or a list of addresses. Host names are resolved
/// asynchronously through `wasi:sockets/ip-name-lookup`, and every address is tried in turn.
pub trait ToSocketAddrs: Sealed {}

impl<T: Sealed + ?Sized> ToSocketAddrs for T {}

impl Sealed for SocketAddr {
    fn target(&self) -> Target<'_> {
        Target::Addrs(vec![*self])
    }
}

impl Sealed for SocketAddrV4 {
    fn target(&self) -> Target<'_> {
        Target::Addrs(vec![SocketAddr::V4(*self)])
    }
}

impl Sealed for SocketAddrV6 {
    fn target(&self) -> Target<'_> {
        Target::Addrs(vec![SocketAddr::V6(*self)])
    }
}

macro_rules! ip_port {
    ($($ip:ty),*) => {$(
        impl Sealed for ($ip, u16) {
            fn target(&self) -> Target<'_> {
                Target::Addrs(vec![SocketAddr::new(self.0.into(), self.1)])
            }
        }
    )*};
}

ip_port!(IpAddr, Ipv4Addr, Ipv6Addr);

impl Sealed for (&str, u16) {
    fn target(&self) -> Target<'_> {
        Target::HostPort(self.0, self.1)
    }
}

impl Sealed for (String, u16) {
    fn target(&self) -> Target<'_> {
        Target::HostPort(&self.0, self.1)
    }
}

impl Sealed for str {
    fn target(&self) -> Target<'_> {
        Target::Text(self)
    }
}

impl Sealed for String {
    fn target(&self) -> Target<'_> {
        Target::Text(self)
    }
}

impl Sealed for [SocketAddr] {
    fn target(&self) -> Target<'_> {
        Target::Addrs(self.to_vec())
    }
}

impl<T: Sealed + ?Sized> Sealed for &T {
    fn target(&self) -> Target<'_> {
        (**self).target()
    }
}

/// Every socket address `target` stands for, resolving host names.
pub(crate) async fn resolve(target: &(impl ToSocketAddrs + ?Sized)) -> io::Result<Vec<SocketAddr>> {
    let (host, port) = match target.target() {
        Target::Addrs(addrs) => return Ok(addrs),
        Target::HostPort(host, port) => (host, port),
        Target::Text(text) => {
            if let Ok(addr) = text.parse::<SocketAddr>() {
                return Ok(vec![addr]);
            }
            let Some((host, port)) = text.rsplit_once(':') else {
                return Err(invalid(text));
            };
            (host, port.parse::<u16>().map_err(|_| invalid(text))?)
        }
    };
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let ips = lookup_host(host).await?;
    Ok(ips
        .into_iter()
        .map(|ip| SocketAddr::new(ip, port))
        .collect())
}

fn invalid(text: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("not a socket address (expected \"host:port\"): {text:?}"),
    )
}

/// Tries `attempt` on each address in turn; returns the first success or the last error.
pub(crate) async fn each_addr<T, F, Fut>(
    target: &(impl ToSocketAddrs + ?Sized),
    mut attempt: F,
) -> io::Result<T>
where
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let mut last = None;
    for addr in resolve(target).await? {
        match attempt(addr).await {
            Ok(done) => return Ok(done),
            Err(error) => last = Some(error),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the address resolved to nothing",
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_convert_both_ways() {
        for text in ["127.0.0.1:80", "[::1]:443", "[fe80::1%3]:8080", "0.0.0.0:0"] {
            let addr: SocketAddr = text.parse().unwrap();
            assert_eq!(from_wasi(to_wasi(addr)), addr, "{text}");
        }
        let v6 = SocketAddrV6::new(Ipv6Addr::LOCALHOST, 1, 7, 9);
        assert_eq!(from_wasi(to_wasi(v6.into())), SocketAddr::V6(v6));
        assert_eq!(
            ip_from_wasi(IpAddress::Ipv4((10, 0, 0, 1))),
            IpAddr::from([10, 0, 0, 1])
        );
    }

    #[test]
    fn targets_are_told_apart_without_resolving() {
        assert!(matches!("127.0.0.1:1".target(), Target::Text(_)));
        assert!(matches!(
            ("localhost", 80).target(),
            Target::HostPort("localhost", 80)
        ));
        assert!(matches!((Ipv4Addr::LOCALHOST, 80).target(), Target::Addrs(a) if a.len() == 1));
    }

    #[test]
    fn literal_addresses_need_no_lookup() {
        let addrs = wasio_run(resolve("127.0.0.1:8080")).unwrap();
        assert_eq!(addrs, ["127.0.0.1:8080".parse::<SocketAddr>().unwrap()]);
        let addrs = wasio_run(resolve(&("::1", 9))).unwrap();
        assert_eq!(addrs, ["[::1]:9".parse::<SocketAddr>().unwrap()]);
        for bad in ["no-port", "host:port", "host:99999"] {
            let error = wasio_run(resolve(bad)).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{bad}");
        }
    }

    fn wasio_run<F: Future>(future: F) -> F::Output {
        crate::run(future)
    }
}
