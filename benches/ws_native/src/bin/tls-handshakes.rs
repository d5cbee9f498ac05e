//! The load client of the TLS handshake benchmark.
//!
//!     tls-handshakes 127.0.0.1:PORT CA.pem CONNECTIONS SECONDS
//!
//! CONNECTIONS tasks each connect, make a full TLS 1.3 handshake (rustls with ring, no
//! session resumption, trusting the certificates of CA.pem), send
//! `GET / HTTP/1.1` with `connection: close`, read the response to its end, and start over.
//! After a one-second warm-up, counts the connections completed in SECONDS and prints
//! `<connections per second> conns/s`. A response that is not `200` ends it with a message
//! and a non-zero exit status. Single-threaded, as ws-load.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;

#[path = "../tls_client.rs"]
mod tls_client;

type Result<T> = std::result::Result<T, String>;

const WARM_UP: Duration = Duration::from_secs(1);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: tls-handshakes HOST:PORT CA.pem CONNECTIONS SECONDS");
        std::process::exit(2);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = runtime
        .map_err(|e| e.to_string())
        .and_then(|runtime| runtime.block_on(run(&args[1], &args[2], &args[3], &args[4])));
    match result {
        Ok(rate) => println!("{rate:.0} conns/s"),
        Err(error) => {
            eprintln!("tls-handshakes: {error}");
            std::process::exit(1);
        }
    }
}

/// One connection: handshake, request, the whole response.
async fn once(addr: &str, name: &ServerName<'static>, tls: &TlsConnector) -> Result<()> {
    let tcp = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut stream = tls
        .connect(name.clone(), tcp)
        .await
        .map_err(|e| format!("TLS: {e}"))?;
    stream
        .write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
        .await
        .map_err(|e| format!("write: {e}"))?;
    let mut response = Vec::new();
    // A server that ends without close_notify still gave its whole response.
    let _ = stream.read_to_end(&mut response).await;
    if !response.starts_with(b"HTTP/1.1 200") {
        return Err(format!(
            "response: {:?}",
            String::from_utf8_lossy(&response)
        ));
    }
    Ok(())
}

async fn run(addr: &str, ca: &str, connections: &str, seconds: &str) -> Result<f64> {
    let tls = tls_client::connector(ca)?;
    let connections: usize = connections
        .parse()
        .map_err(|_| "CONNECTIONS: not a number")?;
    let seconds: f64 = seconds.parse().map_err(|_| "SECONDS: not a number")?;
    let name = tls_client::server_name(addr)?;
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (done, stop, tls, name, addr) = (
                done.clone(),
                stop.clone(),
                tls.clone(),
                name.clone(),
                addr.to_string(),
            );
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    once(&addr, &name, &tls).await?;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok::<_, String>(())
            })
        })
        .collect();
    tokio::time::sleep(WARM_UP).await;
    let (start, before) = (Instant::now(), done.load(Ordering::Relaxed));
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    let (elapsed, after) = (start.elapsed(), done.load(Ordering::Relaxed));
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    if after == before {
        return Err("no connection completed during the measurement".into());
    }
    Ok((after - before) as f64 / elapsed.as_secs_f64())
}
