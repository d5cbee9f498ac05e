//! Any bytes, cut into any pieces, through the WebSocket protocol of either role: it never
//! panics, never hands out more than it was given, and once failed stays failed.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use wasio::ws::frame::Header;
use wasio::ws::{Limits, Message, Protocol, Role};

fuzz_target!(|data: &[u8]| {
    let Some((&control, data)) = data.split_first() else {
        return;
    };
    let role = if control & 1 == 0 {
        Role::Server
    } else {
        Role::Client
    };
    // Small limits reach the size checks; the piece size varies how input is split.
    let limits = Limits {
        max_frame_size: 1 << (control >> 4),
        max_message_size: 1 << ((control >> 4) + 1),
    };
    let piece = usize::from((control >> 1) & 7) + 1;

    if let Ok(Some((header, used))) = Header::parse(data) {
        assert!(used <= data.len() && used >= 2);
        for cut in 0..used {
            assert!(
                matches!(Header::parse(&data[..cut]), Ok(None)),
                "{header:?} at {cut}"
            );
        }
    }

    let mut protocol = Protocol::new(role, limits);
    let mut input = BytesMut::new();
    let mut handed_out = 0usize;
    let mut failed = None;
    for chunk in data.chunks(piece) {
        input.extend_from_slice(chunk);
        loop {
            match protocol.receive(&mut input) {
                Ok(Some(message)) => {
                    assert!(failed.is_none(), "a message after an error");
                    if let Message::Text(text) = &message {
                        assert!(std::str::from_utf8(text.as_bytes()).is_ok());
                    }
                    handed_out += message.len();
                }
                Ok(None) => break,
                Err(error) => {
                    if let Some(first) = failed {
                        assert_eq!(first, error, "an error changed");
                    }
                    failed = Some(error);
                    break;
                }
            }
        }
    }
    assert!(handed_out <= data.len());
});
