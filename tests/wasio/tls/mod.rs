//! TLS over loopback: wasio's client against wasio's server, every certificate fault, and
//! peers that stall, cut the connection or tamper with it.

mod config;
mod faults;
mod https;
mod stream;
mod verify;
mod wss;

use std::net::SocketAddr;
use std::time::Duration;

use wasio::net::{TcpListener, TcpStream};
use wasio::runtime::JoinHandle;
use wasio::tls::{self, ClientConfig, ServerConfig, TlsStream};

pub const CA: &[u8] = include_bytes!("../../tls/ca.pem");
pub const OTHER_CA: &[u8] = include_bytes!("../../tls/other-ca.pem");
pub const GOOD: &[u8] = include_bytes!("../../tls/good-chain.pem");
pub const WRONG: &[u8] = include_bytes!("../../tls/wrong-chain.pem");
pub const EXPIRED: &[u8] = include_bytes!("../../tls/expired-chain.pem");
pub const UNTRUSTED: &[u8] = include_bytes!("../../tls/untrusted-chain.pem");
pub const KEY: &[u8] = include_bytes!("../../tls/server.key");

/// A client that trusts the test CA.
pub fn client() -> ClientConfig {
    ClientConfig::new().add_root_pem(CA).unwrap()
}

/// A server with the good certificate.
pub fn server() -> ServerConfig {
    ServerConfig::from_pem(GOOD, KEY).unwrap()
}

/// A listener on a free loopback port whose next connection is accepted with `config`.
pub async fn accept_one(
    config: ServerConfig,
) -> (SocketAddr, JoinHandle<Result<TlsStream, tls::Error>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    let accepted = wasio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        config.accept(stream).await
    });
    (addr, accepted)
}

/// A client and a server connected to each other.
pub async fn pair(client: ClientConfig, server: ServerConfig) -> (TlsStream, TlsStream) {
    let (addr, accepted) = accept_one(server).await;
    let tcp = TcpStream::connect(addr).await.unwrap();
    let client = client.connect("localhost", tcp).await.unwrap();
    (client, accepted.await.unwrap().unwrap())
}

/// How long a test waits for something that should happen at once.
pub const SOON: Duration = Duration::from_secs(10);
