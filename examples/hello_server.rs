//! The smallest wasio server: "Hello, World!" for `wasmtime serve`, and nothing else (no
//! `main`, so the component only exports its wasi:http handler). One handler answers every
//! request; `examples/http_server.rs` routes with an `App`. `-Scli`: Rust's standard library
//! imports `wasi:cli`. The same source builds for WASI 0.3 with `--features p3`.
//!
//!     cargo build --release --example hello_server
//!     wasmtime serve -Scli target/wasm32-wasip2/release/examples/hello_server.wasm

use wasio::http::server::Request;

async fn hello(_request: Request) -> &'static str {
    "Hello, World!"
}

wasio::export_http!(hello);
