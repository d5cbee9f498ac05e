//! Static files benchmark, wasio's side: `App::static_files("/static", "/static")` on wasio's
//! own sockets, the files those of the directory the host preopens as `/static`; and
//! `/memory`, 1 MiB from memory, the ceiling the file is measured against.
//! benches/aiohttp_static.py serves the same directory with aiohttp's `add_static`;
//! `scripts/bench --only static` loads both with wrk in the same run.
//!
//! `wasmtime run -Sinherit-network --dir DIR::/static static_files.wasm <addr>` serves until
//! it is stopped.

use wasio::http::server::{App, Response, get};

#[path = "shared/serve_app.rs"]
mod serve_app;
use wasio::http::{Body, StatusCode};

/// `/memory`'s answer: 1 MiB held in memory, sent without a copy in the component, the most
/// a 1 MiB response can reach on these sockets (no file read at all).
static MEBIBYTE: [u8; 1 << 20] = [0x5a; 1 << 20];

fn mebibyte() -> Response {
    Response::new(StatusCode::OK).with_body_of(Body::from_static(&MEBIBYTE))
}

// Built with `--features p3` too: `main` then runs inside an async `wasi:cli/run` task.
wasio::export_run!();

fn main() {
    serve_app::serve("static_files", || {
        App::new()
            .static_files("/static", "/static")
            .route("/memory", get(|_| async { mebibyte() }))
    });
}
