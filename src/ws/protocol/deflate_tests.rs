//! The protocol with permessage-deflate: RSV1's rules, the RFC 7692 examples on the wire,
//! round trips, and the limit on what a message inflates to.

use bytes::{Bytes, BytesMut};

use super::*;
use crate::ws::deflate::{Agreed, Compressor, Decompressor, Direction};

fn agreed(window_bits: u8, no_context_takeover: bool) -> Agreed {
    let side = Direction {
        window_bits,
        no_context_takeover,
    };
    Agreed {
        server: side,
        client: side,
    }
}

fn deflating(role: Role, limits: Limits, agreed: &Agreed) -> Protocol {
    Protocol::new(role, limits).with_deflate(agreed, 6)
}

/// Everything `receiver` makes of `wire`, fed `piece` bytes at a time.
fn feed(receiver: &mut Protocol, wire: &[u8], piece: usize) -> Result<Vec<Message>, ProtocolError> {
    let mut input = BytesMut::new();
    let mut out = Vec::new();
    for chunk in wire.chunks(piece.max(1)) {
        input.extend_from_slice(chunk);
        while let Some(message) = receiver.receive(&mut input)? {
            out.push(message);
        }
    }
    assert!(input.is_empty(), "every byte used");
    Ok(out)
}

/// A frame from a client (masked), with its flags.
fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    let mut wire = Vec::new();
    Header {
        fin: first & 0x80 != 0,
        rsv: (first >> 4) & 0x7,
        opcode: first & 0x0f,
        mask: Some(mask),
        len: payload.len() as u64,
    }
    .write(&mut wire);
    extend_masked(&mut wire, payload, mask);
    wire
}

const HELLO: [u8; 7] = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];

#[test]
fn the_rfc_7692_examples_come_out_of_a_server_as_written() {
    // Section 7.2.3.1 and 7.2.3.2: "Hello" twice with a shared window.
    let mut server = deflating(Role::Server, Limits::default(), &agreed(15, false));
    let mut wire = Vec::new();
    server.encode(&Message::text("Hello"), None, &mut wire);
    server.encode(&Message::text("Hello"), None, &mut wire);
    let expected = [
        &[0xc1, 0x07][..],
        &HELLO,
        &[0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00],
    ]
    .concat();
    assert_eq!(wire, expected);
    // Without context takeover, both are the first.
    let mut alone = deflating(Role::Server, Limits::default(), &agreed(15, true));
    let mut wire = Vec::new();
    alone.encode(&Message::text("Hello"), None, &mut wire);
    alone.encode(&Message::text("Hello"), None, &mut wire);
    let hello = [&[0xc1, 0x07][..], &HELLO].concat();
    assert_eq!(wire, [&hello[..], &hello].concat());
}

#[test]
fn the_rfc_7692_examples_are_read_from_any_split() {
    let wire = [
        &[0xc1, 0x07][..],
        &HELLO,
        &[0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00],
        // Section 7.2.3.1's fragmented "Hello": RSV1 on the first frame only.
        &[
            0x41, 0x03, 0xf2, 0x48, 0xcd, 0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00,
        ],
        // Section 7.2.3.3: a stored block.
        &[
            0xc1, 0x0b, 0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
        ],
        // An uncompressed message between compressed ones.
        &[0x81, 0x02, b'h', b'i'],
    ]
    .concat();
    for piece in 1..=wire.len() {
        let mut client = deflating(Role::Client, Limits::default(), &agreed(15, false));
        let got = feed(&mut client, &wire, piece).unwrap();
        let hello = Message::text("Hello");
        let expected = [
            hello.clone(),
            hello.clone(),
            hello.clone(),
            hello,
            Message::text("hi"),
        ];
        assert_eq!(got, expected, "{piece}");
    }
}

#[test]
fn rsv1_only_on_the_first_frame_of_a_data_message() {
    let deflate = agreed(15, false);
    for (wire, reason) in [
        (frame(0xc9, b""), "RSV1 on a control frame"),
        (frame(0xca, b""), "RSV1 on a control frame"),
        (
            [frame(0x01, b"a"), frame(0xc0, &HELLO)].concat(),
            "RSV1 on a continuation frame",
        ),
        (
            [frame(0x41, &HELLO[..3]), frame(0xc0, &HELLO[3..])].concat(),
            "RSV1 on a continuation frame",
        ),
        (
            frame(0xe1, &HELLO),
            "reserved bits set without an extension",
        ),
    ] {
        let mut server = deflating(Role::Server, Limits::default(), &deflate);
        let error = feed(&mut server, &wire, wire.len()).unwrap_err();
        assert_eq!(error, ProtocolError::protocol(reason));
        assert_eq!(error.code, CloseCode::PROTOCOL_ERROR);
    }
    let mut plain = Protocol::new(Role::Server, Limits::default());
    let error = feed(&mut plain, &frame(0xc1, &HELLO), 100).unwrap_err();
    assert_eq!(
        error,
        ProtocolError::protocol("RSV1 without permessage-deflate")
    );
}

#[test]
fn control_frames_go_uncompressed_and_arrive_inside_a_compressed_message() {
    let mut server = deflating(Role::Server, Limits::default(), &agreed(15, false));
    let mut wire = Vec::new();
    server.encode(&Message::Ping(Bytes::from_static(b"p")), None, &mut wire);
    server.encode(&Message::Close(None), None, &mut wire);
    assert_eq!(wire, [0x89, 0x01, b'p', 0x88, 0x00]);

    let wire = [
        frame(0x41, &HELLO[..2]),
        frame(0x89, b"ping"),
        frame(0x00, &HELLO[2..4]),
        frame(0x80, &HELLO[4..]),
    ]
    .concat();
    let mut receiver = deflating(Role::Server, Limits::default(), &agreed(15, false));
    let got = feed(&mut receiver, &wire, 3).unwrap();
    assert_eq!(
        got,
        [
            Message::Ping(Bytes::from_static(b"ping")),
            Message::text("Hello")
        ]
    );
}

#[test]
fn messages_round_trip_both_ways_at_every_window_with_and_without_takeover() {
    let json: String = (0..3000)
        .map(|i| format!("{{\"n\":{i},\"v\":\"é{}\"}}", i % 7))
        .collect();
    let binary: Vec<u8> = (0..70_000u64).map(|i| (i * i % 251) as u8).collect();
    let messages = [
        Message::text(json.clone()),
        Message::text(""),
        Message::binary(binary),
        Message::text(json),
        Message::binary(Vec::new()),
        Message::text("𝄞 small"),
    ];
    for bits in [9, 12, 15] {
        for reset in [false, true] {
            let deflate = agreed(bits, reset);
            for sender in [Role::Client, Role::Server] {
                let receiver_role = match sender {
                    Role::Client => Role::Server,
                    Role::Server => Role::Client,
                };
                let mut writer = deflating(sender, Limits::default(), &deflate);
                let mut reader = deflating(receiver_role, Limits::default(), &deflate);
                let mut wire = Vec::new();
                for message in &messages {
                    writer.encode(message, Some([1, 2, 3, 4]), &mut wire);
                }
                assert!(wire.len() < 70_000 + 30_000, "{}", wire.len());
                for piece in [wire.len(), 1000, 7] {
                    let mut reader_copy = deflating(receiver_role, Limits::default(), &deflate);
                    assert_eq!(feed(&mut reader_copy, &wire, piece).unwrap(), messages);
                }
                assert_eq!(feed(&mut reader, &wire, 4096).unwrap(), messages);
            }
        }
    }
}

#[test]
fn a_deflate_bomb_gets_1009_at_the_limit() {
    let limits = Limits {
        max_frame_size: 1 << 20,
        max_message_size: 1 << 20,
    };
    let mut compressor = Compressor::new(9, 15, false);
    let mut payload = Vec::new();
    compressor.compress(&vec![b'a'; 64 << 20], &mut payload);
    assert!(payload.len() < 100_000, "{}", payload.len());
    let wire = frame(0xc1, &payload);
    for piece in [wire.len(), 100] {
        let mut server =
            Protocol::new(Role::Server, limits).with_decompressor(Decompressor::new(15, false));
        let error = feed(&mut server, &wire, piece).unwrap_err();
        assert_eq!(error.code, CloseCode::TOO_BIG, "{piece}");
        assert_eq!(error.reason, "a message inflating past the limit");
    }
    // Exactly at the limit it passes, fragmented or not.
    let mut payload = Vec::new();
    Compressor::new(9, 15, false).compress(&vec![b'a'; 1 << 20], &mut payload);
    let split = payload.len() / 2;
    let fragmented = [
        frame(0x41, &payload[..split]),
        frame(0x80, &payload[split..]),
    ]
    .concat();
    for wire in [frame(0xc1, &payload), fragmented] {
        let mut server =
            Protocol::new(Role::Server, limits).with_decompressor(Decompressor::new(15, false));
        let got = feed(&mut server, &wire, 999).unwrap();
        assert_eq!(got, [Message::text("a".repeat(1 << 20))]);
    }
}

#[test]
fn bad_compressed_data_and_bad_utf8_inside_fail_with_1007() {
    let mut invalid_utf8 = Vec::new();
    Compressor::new(6, 15, false).compress(b"ok \xff\xfe", &mut invalid_utf8);
    for wire in [frame(0xc1, &[0xff, 0xff, 0xff]), frame(0xc1, &invalid_utf8)] {
        let mut server = deflating(Role::Server, Limits::default(), &agreed(15, false));
        let error = feed(&mut server, &wire, 2).unwrap_err();
        assert_eq!(error.code, CloseCode::INVALID_DATA);
    }
}

#[test]
fn a_hint_of_no_context_takeover_is_not_relied_on() {
    // Autobahn's client (kosoku, case 12.1.1) offers client_no_context_takeover, is not
    // asked for it, and refers back to its earlier messages: a server that reset its
    // window on the hint would fail its third message.
    let offers = crate::ws::deflate::parse_extensions([
        "permessage-deflate; client_no_context_takeover; client_max_window_bits",
    ])
    .unwrap();
    let settings = crate::ws::deflate::PerMessageDeflate::new();
    let (agreed, answer) = crate::ws::deflate::answer_offers(&offers, &settings).unwrap();
    assert_eq!(answer, "permessage-deflate; server_max_window_bits=12");
    let mut server = deflating(Role::Server, Limits::default(), &agreed);
    let payloads: [&[u8]; 3] = [
        &[
            0xaa, 0xe6, 0x52, 0x50, 0x50, 0x50, 0x72, 0x2c, 0x2d, 0xc9, 0x4f, 0x4a, 0xcc, 0xc8,
            0x0b, 0xa8, 0x04, 0x00,
        ],
        &[
            0x2a, 0xc9, 0xc8, 0xcf, 0xd3, 0x37, 0xd0, 0x33, 0xd3, 0x33, 0x50, 0xb2, 0x52, 0xa8,
            0xe6, 0x52, 0x00, 0x00,
        ],
        &[
            0x02, 0x03, 0x25, 0x43, 0x3d, 0x43, 0x3d, 0x43, 0xb0, 0x00, 0x00,
        ],
    ];
    let wire: Vec<u8> = payloads.iter().flat_map(|p| frame(0xc1, p)).collect();
    let got = feed(&mut server, &wire, wire.len()).unwrap();
    let texts: Vec<_> = got
        .iter()
        .map(|m| m.as_text().unwrap().to_string())
        .collect();
    assert_eq!(
        texts.concat(),
        "{\n   \"AutobahnPython/0.6.0\": {\n      \"1.1.1\": {\n"
    );
}
