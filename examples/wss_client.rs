//! A `wss://` client (aiohttp's `ws_connect(url, ssl=ctx)`): sends each argument as a text
//! message and prints what comes back, as `ws_client` does, over TLS. It trusts the test CA
//! of `tests/tls/` (which signed the `https_server` example's certificate); a real client
//! trusts its own roots, or Mozilla's with the `webpki-roots` feature. A certificate it
//! refuses ends it with the error that says why (unknown CA, name mismatch, expired).
//!
//! `cargo run --features tls --example wss_client -- wss://localhost:8443/ws "Hello"`

use std::process::ExitCode;

use wasio::tls::ClientConfig;
use wasio::ws::{self, CloseCode, Config, Message};

async fn talk(url: &str, words: Vec<String>) -> Result<(), Box<dyn std::error::Error>> {
    let roots = ClientConfig::new().add_root_pem(include_bytes!("../tests/tls/ca.pem"))?;
    let mut ws = ws::connect_with(url, Config::new().tls(roots)).await?;
    for text in words {
        ws.send_text(text).await?;
        match ws.recv().await {
            Some(Ok(Message::Text(answer))) => println!("{answer}"),
            Some(Ok(other)) => println!("{other:?}"),
            Some(Err(error)) => return Err(error.into()),
            None => break,
        }
    }
    ws.close(CloseCode::NORMAL, "bye").await?;
    Ok(())
}

#[wasio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "wss://localhost:8443/ws".into());
    match talk(&url, args.collect()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The message, then the error's variant (`Tls(Expired)`, say).
            eprintln!("wss_client: {url}: {error} ({error:?})");
            ExitCode::FAILURE
        }
    }
}
