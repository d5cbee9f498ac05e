//! Any bytes through the parsers of wasio's own HTTP/1.1 server: the request head parser and
//! the chunked body decoder, which are pure logic. They live in the wasm-only `http` module,
//! so their source files are compiled here directly.
//!
//! Checks: no panic; a head is never found in fewer bytes than it took, takes no more than it
//! was given or than the head limit, and has no more fields than allowed; a chunked body
//! decodes to the same bytes (or the same error) however the input is split, and never to
//! more bytes than it was given.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/http/server/http1/chunked.rs"]
mod chunked;
#[allow(dead_code)]
#[path = "../../src/http/server/http1/head.rs"]
mod head;

use chunked::decode_in_pieces;
use head::{HeadLimits, parse};

fuzz_target!(|data: &[u8]| {
    let Some((&control, data)) = data.split_first() else {
        return;
    };
    // The limits vary with the first byte: small ones reach every refusal, and up to 100
    // fields goes past the 32 header slots kept on the stack.
    let limits = HeadLimits {
        max_request_line: 16 + usize::from(control & 0x0f) * 64,
        max_head: 64 + usize::from(control >> 4) * 256,
        max_headers: 1 + usize::from(control) % 100,
    };
    check_head(data, &limits);
    let piece = usize::from(control % 7) + 1;
    let whole = decode_in_pieces(data, data.len().max(1));
    assert_eq!(
        whole,
        decode_in_pieces(data, piece),
        "split into pieces of {piece}"
    );
    if let Ok((body, used)) = whole {
        assert!(body.len() <= used && used <= data.len());
    }
});

fn check_head(data: &[u8], limits: &HeadLimits) {
    let Ok(Some((head, consumed))) = parse(data, limits) else {
        return;
    };
    assert!(consumed <= data.len() && consumed <= limits.max_head);
    assert!(head.headers.len() <= limits.max_headers);
    assert!(head.target.starts_with('/') || head.target == "*");
    for cut in [consumed - 1, consumed / 2] {
        assert!(
            !matches!(parse(&data[..cut], limits), Ok(Some(_))),
            "a head in {cut} of its {consumed} bytes"
        );
    }
    let (again, used) = parse(&data[..consumed], limits)
        .expect("the same head parses alone")
        .expect("complete");
    assert_eq!(used, consumed);
    assert_eq!(
        (again.method, again.target, again.headers),
        (head.method, head.target, head.headers)
    );
}
