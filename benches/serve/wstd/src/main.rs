//! wstd 0.6.8's hello world for `wasmtime serve`, as its documentation writes it.

use wstd::http::body::Body;
use wstd::http::{Error, Request, Response};

#[wstd::http_server]
async fn main(_request: Request<Body>) -> Result<Response<Body>, Error> {
    Ok(Response::builder()
        .header("content-type", "text/plain; charset=utf-8")
        .body("Hello, World!".into())?)
}
