//! HTTP server benchmark, wasio's side: the same four routes as benches/aiohttp_server.py,
//! served on wasio's own sockets. `scripts/bench` loads both with wrk in the same run.
//!
//! `wasmtime run -Sinherit-network http_server.wasm <addr>` serves until it is stopped:
//! - `/`: "Hello, World!"
//! - `/json`: a small JSON object, serialized per request
//! - `/stream`: 64 KiB produced as 16 chunks of 4 KiB, sent chunked
//! - `/gz/records`: about 64 KiB of JSON records, serialized per request, compressed by the
//!   `Compression` middleware for a client that accepts gzip

use bytes::Bytes;
use wasio::http::server::{App, Compression, Json, Response, Router, get};

#[path = "shared/serve_app.rs"]
mod serve_app;

#[derive(serde::Serialize)]
struct Message {
    message: &'static str,
    numbers: [u32; 8],
}

/// One of the records of `/gz/records`: the same fields, in the same order, as
/// benches/aiohttp_server.py's.
#[derive(serde::Serialize)]
struct Record {
    id: u32,
    name: String,
    active: bool,
    tags: [&'static str; 2],
    score: u32,
}

/// About 64 KiB of JSON, as compact as serde_json and Python's `json.dumps` with
/// `separators=(",", ":")` make it.
fn records() -> Vec<Record> {
    (0..820)
        .map(|id| Record {
            id,
            name: format!("item {id}"),
            active: id % 2 == 0,
            tags: ["alpha", "beta"],
            score: id * 3,
        })
        .collect()
}

fn app() -> App {
    App::new()
        .route("/", get(|_| async { "Hello, World!" }))
        .route(
            "/json",
            get(|_| async {
                Json(Message {
                    message: "Hello, World!",
                    numbers: [1, 2, 3, 4, 5, 6, 7, 8],
                })
            }),
        )
        .route(
            "/stream",
            get(|_| async {
                let chunk = Bytes::from(vec![b'x'; 4096]);
                let chunks = futures_lite::stream::iter((0..16).map(move |_| Ok(chunk.clone())));
                Response::stream("application/octet-stream", chunks)
            }),
        )
        .nest(
            "/gz",
            Router::new()
                .middleware(Compression::new())
                .route("/records", get(|_| async { Json(records()) })),
        )
}

// Built with `--features p3` too: `main` then runs inside an async `wasi:cli/run` task.
wasio::export_run!();

fn main() {
    serve_app::serve("http_server", app);
}
