//! The WASI 0.3 floor of the `serve` benchmark: "Hello, World!" on the raw wasi:http@0.3.0
//! bindings, with the headers wasio sends, and no runtime but wit-bindgen's.

use wasip3::http::types::{ErrorCode, Fields, Request, Response};
use wasip3::{wit_future, wit_stream};

wasip3::http::service::export!(Hello);

struct Hello;

const BODY: &[u8] = b"Hello, World!";

impl wasip3::exports::http::handler::Guest for Hello {
    async fn handle(_request: Request) -> Result<Response, ErrorCode> {
        let headers = Fields::from_list(&[
            ("content-type".into(), b"text/plain; charset=utf-8".to_vec()),
            ("content-length".into(), BODY.len().to_string().into_bytes()),
        ])
        .expect("valid headers");
        let (mut body, contents) = wit_stream::new();
        let (trailers, ending) = wit_future::new(|| Ok(None));
        drop(trailers);
        let (response, _sent) = Response::new(headers, Some(contents), ending);
        wasip3::spawn_local(async move {
            let unwritten = body.write_all(BODY.to_vec()).await;
            assert!(unwritten.is_empty(), "the client took the body");
        });
        Ok(response)
    }
}
