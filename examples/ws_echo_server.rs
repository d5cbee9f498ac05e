//! A WebSocket echo server on a socket of its own: every text and binary message comes back
//! to its sender. Conformance (Autobahn) and the echo benchmarks run against it.
//!
//! `cargo run --example ws_echo_server -- 127.0.0.1:9001`
//! then `cargo run --example ws_client -- ws://127.0.0.1:9001/ "Hello World!"`.

use wasio::net::{TcpListener, TcpStream};
use wasio::ws::{self, Message};

async fn echo(stream: TcpStream) -> Result<(), ws::Error> {
    let mut ws = ws::accept(stream).await?;
    while let Some(message) = ws.recv().await {
        // Pings are answered already; the peer's close ends the loop.
        if let message @ (Message::Text(_) | Message::Binary(_)) = message? {
            ws.send(message).await?;
        }
    }
    Ok(())
}

#[wasio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9001".into());
    let listener = TcpListener::bind(addr.as_str()).await?;
    println!("serving on ws://{}/", listener.local_addr());
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                eprintln!("accept: {error}");
                wasio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        drop(wasio::spawn(async move {
            if let Err(error) = echo(stream).await {
                eprintln!("{peer}: {error}");
            }
        }));
    }
}
