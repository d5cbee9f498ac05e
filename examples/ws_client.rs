//! A WebSocket client (aiohttp's `session.ws_connect`): sends each argument as a text
//! message, prints what comes back, and closes.
//!
//! `cargo run --example ws_client -- ws://127.0.0.1:9001/ "Hello World!"`

use wasio::ws::{self, CloseCode, Message};

#[wasio::main]
async fn main() -> Result<(), ws::Error> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| "ws://127.0.0.1:9001/".into());
    let mut ws = ws::connect(&url).await?;
    for text in args {
        ws.send_text(text).await?;
        match ws.recv().await {
            Some(Ok(Message::Text(answer))) => println!("{answer}"),
            Some(Ok(other)) => println!("{other:?}"),
            Some(Err(error)) => return Err(error),
            None => break,
        }
    }
    ws.close(CloseCode::NORMAL, "bye").await?;
    Ok(())
}
