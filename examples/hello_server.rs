//! The smallest wasio server: "Hello, World!" for `wasmtime serve`, and nothing else (no
//! `main`, so the component only exports wasi:http/incoming-handler). One handler answers
//! every request; `examples/http_server.rs` routes with an `App`.
//!
//!     cargo build --release --example hello_server
//!     wasmtime serve target/wasm32-wasip2/release/examples/hello_server.wasm

use wasio::http::server::Request;

async fn hello(_request: Request) -> &'static str {
    "Hello, World!"
}

wasio::export_http!(hello);
