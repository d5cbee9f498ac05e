//! The smallest wasio server: "Hello, World!" for `wasmtime serve`, and nothing else (no
//! `main`, so the component only exports wasi:http/incoming-handler).
//!
//!     cargo build --release --example hello_server
//!     wasmtime serve target/wasm32-wasip2/release/examples/hello_server.wasm

use wasio::http::server::{App, get};

fn app() -> App {
    App::new().route("/", get(|_| async { "Hello, World!" }))
}

wasio::export_http!(app());
