//! A middleware component: requests without the right bearer token get 403, the others go
//! on, unchanged, to the application it wraps. `wac plug` puts it in front of
//! `examples/http_server.rs`; the composed component is served like any other (`-Scli`:
//! Rust's standard library imports `wasi:cli`). The `middleware` feature brings
//! `export_middleware!`; the application is built without it:
//!
//!     cargo build --release --example http_server
//!     cargo build --release --features middleware --example auth_middleware
//!     wac plug target/wasm32-wasip2/release/examples/auth_middleware.wasm --plug target/wasm32-wasip2/release/examples/http_server.wasm -o target/authed_server.wasm
//!     wasmtime serve -Scli target/authed_server.wasm
//!
//! The token comes from the `AUTH_TOKEN` environment variable (`wasmtime serve --env
//! AUTH_TOKEN=...`), `let-me-in` when it is not set. `/` stays open, so that a health
//! check needs no token.

use wasio::http::server::{HttpError, Request, Verdict};

async fn auth(request: Request) -> Result<Verdict, HttpError> {
    if request.path() == "/" {
        return Ok(Verdict::forward(request));
    }
    let token = std::env::var("AUTH_TOKEN").unwrap_or_else(|_| "let-me-in".into());
    let given = request
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "));
    if given != Some(token.as_str()) {
        return Err(HttpError::forbidden("a valid bearer token is needed")
            .with_header("www-authenticate", "Bearer"));
    }
    Ok(Verdict::forward(request))
}

wasio::export_middleware!(auth);
