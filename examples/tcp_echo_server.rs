//! asyncio's TCP echo server (`asyncio.start_server`): every connection gets back what it
//! sends, in a task of its own.
//!
//! `cargo run --example tcp_echo_server -- 127.0.0.1:8888`
//! then `cargo run --example tcp_client -- 127.0.0.1:8888 "Hello World!"`.

use wasio::io::{AsyncReadExt, AsyncWriteExt};
use wasio::net::{TcpListener, TcpStream};

async fn handle_echo(mut conn: TcpStream) -> std::io::Result<()> {
    let peer = conn.peer_addr();
    let mut buf = vec![0; 4096];
    let mut total = 0;
    loop {
        let n = conn.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        conn.write_all(&buf[..n]).await?;
        total += n;
    }
    conn.close().await?;
    println!("{peer}: echoed {total} bytes, closed");
    Ok(())
}

#[wasio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8888".into());
    let listener = TcpListener::bind(addr.as_str()).await?;
    println!("serving on {}", listener.local_addr());
    loop {
        let (conn, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of sockets, say: wait a little for some to close, as asyncio does.
                eprintln!("accept: {error}");
                wasio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        println!("{peer}: connected");
        drop(wasio::spawn(async move {
            if let Err(error) = handle_echo(conn).await {
                eprintln!("{peer}: {error}");
            }
        }));
    }
}
