//! The ceiling of the WebSocket echo benchmark: a native tokio-tungstenite echo server on a
//! single-threaded (current_thread) runtime, like the wasm and Python servers it is compared
//! with. Every text and binary message comes back to its sender; pings are answered by
//! tungstenite, and the peer's close is answered before the connection ends.
//!
//!     ws-echo 127.0.0.1:PORT
//!
//! Prints `serving on ws://127.0.0.1:PORT/` once listening, and serves until killed.

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::{Error, Message};

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9002".into());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind(addr.as_str()).await?;
        println!("serving on ws://{}/", listener.local_addr()?);
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(error) => {
                    eprintln!("accept: {error}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            };
            tokio::spawn(async move {
                if let Err(error) = echo(stream).await {
                    eprintln!("{peer}: {error}");
                }
            });
        }
    })
}

async fn echo(stream: TcpStream) -> Result<(), Error> {
    stream.set_nodelay(true)?;
    let mut ws = tokio_tungstenite::accept_async(stream).await?;
    // After the peer's close, the next poll flushes the reply and ends the stream.
    while let Some(message) = ws.next().await {
        if let message @ (Message::Text(_) | Message::Binary(_)) = message? {
            ws.send(message).await?;
        }
    }
    Ok(())
}
