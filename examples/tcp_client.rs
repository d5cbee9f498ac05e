//! asyncio's TCP echo client (`asyncio.open_connection`): send a message, print the reply.
//!
//! `cargo run --example tcp_client -- 127.0.0.1:8888 "Hello World!"`

use std::process::ExitCode;

use wasio::io::{AsyncReadExt, AsyncWriteExt};
use wasio::net::TcpStream;

async fn echo_client(addr: &str, message: &str) -> std::io::Result<String> {
    let mut conn = TcpStream::connect(addr).await?;
    println!("Send: {message:?}");
    conn.write_all(message.as_bytes()).await?;
    conn.close().await?; // FIN: the echo server answers and closes
    let mut reply = String::new();
    conn.read_to_string(&mut reply).await?;
    Ok(reply)
}

#[wasio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8888".into());
    let message = args.next().unwrap_or_else(|| "Hello World!".into());
    match echo_client(&addr, &message).await {
        Ok(reply) => {
            println!("Received: {reply:?}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("tcp_client: {addr}: {error}");
            ExitCode::FAILURE
        }
    }
}
