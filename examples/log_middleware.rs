//! A middleware component that logs every request (method, path, user agent) to standard
//! error before passing it on, unchanged, to the application it wraps. Under WASI 0.2 it
//! cannot add response headers or log the status: the wrapped component answers the client
//! itself (a guest cannot make the `response-outparam` it would need to see the response).
//! Composed in front of what `examples/auth_middleware.rs` composes (`target/authed_server.wasm`):
//!
//!     cargo build --release --features middleware --example log_middleware
//!     wac plug target/wasm32-wasip2/release/examples/log_middleware.wasm --plug target/authed_server.wasm -o target/logged_server.wasm
//!     wasmtime serve -Scli target/logged_server.wasm

use wasio::http::server::{Request, Verdict};

async fn log(request: Request) -> Verdict {
    eprintln!(
        "{} {} ({})",
        request.method(),
        request.path(),
        request.header("user-agent").unwrap_or("no user agent")
    );
    Verdict::forward(request)
}

wasio::export_middleware!(log);
