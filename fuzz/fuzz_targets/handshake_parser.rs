//! Any bytes as a client's opening request and as a server's answer: the parsers never
//! panic, never claim more bytes than they were given, and accept only what they checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasio::ws::handshake::{ClientRequest, MAX_HANDSHAKE_HEAD, parse_request, parse_response};

fuzz_target!(|data: &[u8]| {
    if let Ok(Some((hello, used))) = parse_request(data) {
        assert!(used <= data.len() && used <= MAX_HANDSHAKE_HEAD);
        assert!(!hello.key.is_empty());
    }
    let mut request = ClientRequest::new("example.com", "/chat", [7; 16]);
    request.protocols = vec!["chat".into(), "superchat".into()];
    if let Ok(Some((answer, used))) = parse_response(data, &request) {
        assert!(used <= data.len() && used <= MAX_HANDSHAKE_HEAD);
        if let Some(protocol) = answer.protocol {
            assert!(request.protocols.contains(&protocol));
        }
    }
});
