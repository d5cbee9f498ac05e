//! A TLS client (`asyncio.open_connection(..., ssl=ctx)`): fetches `/` from an HTTPS server,
//! trusting the test CA of `tests/tls/` (the `https_server` example's certificate is signed
//! by it), and prints the response.
//!
//! `cargo run --features tls --example tls_client -- 127.0.0.1:8443 localhost`

use std::process::ExitCode;

use wasio::io::{AsyncReadExt, AsyncWriteExt};
use wasio::net::TcpStream;
use wasio::tls::ClientConfig;

async fn fetch(addr: &str, name: &str) -> Result<String, Box<dyn std::error::Error>> {
    let config = ClientConfig::new()
        .add_root_pem(include_bytes!("../tests/tls/ca.pem"))?
        .alpn(["http/1.1"])?;
    let tcp = TcpStream::connect(addr).await?;
    let mut tls = config.connect(name, tcp).await?;
    let request = format!("GET / HTTP/1.1\r\nhost: {name}\r\nconnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    tls.read_to_string(&mut response).await?;
    Ok(response)
}

#[wasio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8443".into());
    let name = args.next().unwrap_or_else(|| "localhost".into());
    match fetch(&addr, &name).await {
        Ok(response) => {
            print!("{response}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("tls_client: {addr}: {error}");
            ExitCode::FAILURE
        }
    }
}
