//! HTTPS and `wss://` on wasio's own server (aiohttp's `TCPSite` with `ssl_context`): "Hello,
//! World!" at `/`, a WebSocket echo at `/ws`, `/upload` that reads a body of any size as it
//! streams in and answers its length and byte sum, and `/download?mib=N` that streams N MiB.
//! The certificate is the test one of `tests/tls/` (for `localhost` and `127.0.0.1`, signed
//! by `tests/tls/ca.pem`): a real server loads its own.
//!
//! `cargo run --features tls --example https_server -- 127.0.0.1:8443`, then
//! `curl --cacert tests/tls/ca.pem https://localhost:8443/`, or
//! `cargo run --features tls --example wss_client -- wss://localhost:8443/ws "Hello"`.

use bytes::Bytes;
use wasio::http::server::{App, HttpError, Request, Response, Server, get, post};
use wasio::tls::ServerConfig;
use wasio::ws::{self, Config, Message};

/// The largest WebSocket message and download: 64 MiB, and 1 GiB.
const MAX_MESSAGE: u64 = 64 << 20;
const MAX_DOWNLOAD_MIB: u64 = 1024;

async fn echo(request: Request) -> Response {
    let config = Config::new()
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE);
    ws::upgrade(&request, config, |mut ws| async move {
        while let Some(Ok(message)) = ws.recv().await {
            if let Message::Text(_) | Message::Binary(_) = message
                && ws.send(message).await.is_err()
            {
                break;
            }
        }
    })
}

/// Reads the body chunk by chunk, whatever its size: its length and the sum of its bytes.
async fn upload(mut request: Request) -> Result<String, HttpError> {
    request.set_max_body_size(u64::MAX);
    let (mut length, mut sum) = (0u64, 0u64);
    while let Some(chunk) = request.chunk().await? {
        length += chunk.len() as u64;
        sum = chunk
            .iter()
            .fold(sum, |sum, &b| sum.wrapping_add(u64::from(b)));
    }
    Ok(format!("{length} {sum}"))
}

/// `?mib=N` MiB of bytes 0, 1, ... 255 over and over, streamed.
async fn download(request: Request) -> Result<Response, HttpError> {
    let mib: u64 = request
        .query_param("mib")
        .and_then(|n| n.parse().ok())
        .filter(|&n| n <= MAX_DOWNLOAD_MIB)
        .ok_or_else(|| HttpError::bad_request("mib is 0 to 1024"))?;
    let block = Bytes::from((0..1 << 20).map(|i| i as u8).collect::<Vec<u8>>());
    let blocks = std::iter::repeat_n(block, mib as usize).map(Ok::<_, std::io::Error>);
    Ok(Response::stream(
        "application/octet-stream",
        futures_lite::stream::iter(blocks),
    ))
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
        .route("/ws", get(echo))
        .route("/upload", post(upload))
        .route("/download", get(download));
    let server = Server::bind_tls(addr.as_str(), tls, app).await?;
    println!("serving on https://{}", server.local_addr());
    server.run().await?;
    Ok(())
}
