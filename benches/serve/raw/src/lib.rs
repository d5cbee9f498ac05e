//! The floor of the `serve` benchmark: "Hello, World!" written synchronously on the raw
//! wasi:http bindings, with the headers wasio sends, and no runtime at all.

use wasip2::http::types::{Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam};

wasip2::http::proxy::export!(Hello);

struct Hello;

const BODY: &[u8] = b"Hello, World!";

impl wasip2::exports::http::incoming_handler::Guest for Hello {
    fn handle(_request: IncomingRequest, out: ResponseOutparam) {
        let headers = Fields::from_list(&[
            ("content-type".into(), b"text/plain; charset=utf-8".to_vec()),
            ("content-length".into(), BODY.len().to_string().into_bytes()),
        ])
        .expect("valid headers");
        let response = OutgoingResponse::new(headers);
        let body = response.body().expect("the body is taken once");
        ResponseOutparam::set(out, Ok(response));
        let stream = body.write().expect("the stream is taken once");
        stream
            .blocking_write_and_flush(BODY)
            .expect("13 bytes fit the first write");
        drop(stream);
        OutgoingBody::finish(body, None).expect("the body is complete");
    }
}
