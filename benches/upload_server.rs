//! Multipart upload benchmark, wasio's side: the same route as benches/aiohttp_upload.py,
//! served on wasio's own sockets. `scripts/bench --only multipart` uploads to both with curl
//! in the same run.
//!
//! `wasmtime run -Sinherit-network -Shttp --dir DIR::/uploads upload_server.wasm <addr>` serves until
//! it is stopped `POST /upload`: each part with a file name is streamed to a file of its own
//! in `/uploads` as it streams (through `wasio::fs`, in writes of 256 KiB), and the answer is the parts' names
//! and sizes as JSON.

use futures_lite::io::BufWriter;
use wasio::http::multipart::MultipartLimits;
use wasio::http::server::{App, HttpError, Json, Request, post};

#[path = "shared/serve_app.rs"]
mod serve_app;
use wasio::io::AsyncWriteExt;

/// The largest upload: 1 GiB.
const MAX_UPLOAD: u64 = 1 << 30;

/// What a file write gathers: the parts' chunks (about 16 KiB each, as the socket gives them)
/// go to the host 256 KiB at a time, which measured 1.5 times as fast as one write a chunk
/// (each write is a few calls into the host).
const WRITE_BUFFER: usize = 256 * 1024;

async fn upload(mut request: Request) -> Result<Json<Vec<(String, u64)>>, HttpError> {
    request.set_max_body_size(MAX_UPLOAD);
    let mut limits = MultipartLimits::default();
    limits.max_part_size = MAX_UPLOAD;
    limits.max_size = MAX_UPLOAD;
    let mut multipart = request.multipart_with(limits)?;
    let mut sizes = Vec::new();
    let mut files = 0;
    while let Some(mut part) = multipart.next_part().await? {
        let name = part.name().unwrap_or_default().to_string();
        let mut size = 0;
        if part.filename().is_some() {
            files += 1;
            let file = wasio::fs::File::create(&format!("/uploads/{files}.bin")).await?;
            let mut writer = BufWriter::with_capacity(WRITE_BUFFER, file.writer()?);
            while let Some(chunk) = part.chunk().await? {
                size += chunk.len() as u64;
                writer.write_all(&chunk).await?;
            }
            writer.close().await?;
        } else {
            while let Some(chunk) = part.chunk().await? {
                size += chunk.len() as u64;
            }
        }
        sizes.push((name, size));
    }
    Ok(Json(sizes))
}

// Built with `--features p3` too: `main` then runs inside an async `wasi:cli/run` task.
wasio::export_run!();

fn main() {
    serve_app::serve("upload_server", || {
        App::new().route("/upload", post(upload))
    });
}
