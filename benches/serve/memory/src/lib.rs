//! 1 MiB held in memory, the answer to every request under `wasmtime serve`: what the static
//! files benchmark (`scripts/bench --only static`) measures wasio's 1 MiB file against, as
//! the most a response of that size can reach through the host (no file read at all).

use wasio::http::{Body, StatusCode};
use wasio::http::server::{Request, Response};

/// The bytes every response sends, without copying them in the component.
static MEBIBYTE: [u8; 1 << 20] = [0x5a; 1 << 20];

async fn mebibyte(_request: Request) -> Response {
    Response::new(StatusCode::OK).with_body_of(Body::from_static(&MEBIBYTE))
}

wasio::export_http!(mebibyte);
