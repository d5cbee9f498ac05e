//! HTTPS and `wss://` on wasio's own server (aiohttp's `TCPSite` with `ssl_context`): "Hello,
//! World!" at `/`, and a WebSocket echo at `/ws`. The certificate is the test one of
//! `tests/tls/` (for `localhost` and `127.0.0.1`, signed by `tests/tls/ca.pem`): a real server
//! loads its own.
//!
//! `cargo run --features tls --example https_server -- 127.0.0.1:8443`, then
//! `curl --cacert tests/tls/ca.pem https://localhost:8443/`, or
//! `cargo run --features tls --example tls_client -- 127.0.0.1:8443 localhost`.

use wasio::http::server::{App, Request, Response, Server, get};
use wasio::tls::ServerConfig;
use wasio::ws::{self, Config, Message};

async fn echo(request: Request) -> Response {
    ws::upgrade(&request, Config::new(), |mut ws| async move {
        while let Some(Ok(message)) = ws.recv().await {
            if let Message::Text(_) | Message::Binary(_) = message
                && ws.send(message).await.is_err()
            {
                break;
            }
        }
    })
}

#[wasio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8443".into());
    let tls = ServerConfig::from_pem(
        include_bytes!("../tests/tls/good-chain.pem"),
        include_bytes!("../tests/tls/server.key"),
    )?;
    let app = App::new()
        .route("/", get(|_| async { "Hello, World!" }))
        .route("/ws", get(echo));
    let server = Server::bind_tls(addr.as_str(), tls, app).await?;
    println!("serving on https://{}", server.local_addr());
    server.run().await?;
    Ok(())
}
