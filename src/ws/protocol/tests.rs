use bytes::{Bytes, BytesMut};

use super::*;

/// A fixed-seed xorshift generator: lengths, splits and masks that vary but repeat.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn pair(sender: Role) -> (Protocol, Protocol) {
    let receiver = match sender {
        Role::Client => Role::Server,
        Role::Server => Role::Client,
    };
    (
        Protocol::new(sender, Limits::default()),
        Protocol::new(receiver, Limits::default()),
    )
}

/// Everything `receiver` makes of `wire` fed in pieces of the given sizes (cycled).
fn feed(
    receiver: &mut Protocol,
    wire: &[u8],
    pieces: &[usize],
) -> Result<Vec<Message>, ProtocolError> {
    let mut input = BytesMut::new();
    let mut out = Vec::new();
    let mut at = 0;
    let mut sizes = pieces.iter().cycle();
    while at < wire.len() {
        let size = (*sizes.next().unwrap()).clamp(1, wire.len() - at);
        input.extend_from_slice(&wire[at..at + size]);
        at += size;
        while let Some(message) = receiver.receive(&mut input)? {
            out.push(message);
        }
    }
    assert!(input.is_empty(), "every byte used");
    Ok(out)
}

fn message_of(len: usize, text: bool, rng: &mut Rng) -> Message {
    if text {
        let chars = ['a', 'é', '€', '𝄞'];
        let mut s = String::new();
        while s.len() < len {
            s.push(chars[rng.below(4)]);
        }
        Message::text(s)
    } else {
        Message::binary((0..len).map(|_| rng.next() as u8).collect::<Vec<u8>>())
    }
}

#[test]
fn messages_of_every_length_round_trip_both_ways_from_any_split() {
    let mut rng = Rng(0x5eed);
    let lengths: Vec<usize> = (0..=130)
        .chain([200, 1000, 65535, 65536, 65537, 100_000])
        .collect();
    for sender in [Role::Client, Role::Server] {
        for &len in &lengths {
            for text in [false, true] {
                let (mut writer, mut reader) = pair(sender);
                let message = message_of(len, text, &mut rng);
                let mut wire = Vec::new();
                let mask = (rng.next() as u32).to_ne_bytes();
                writer.encode(&message, Some(mask), &mut wire);
                let splits: Vec<Vec<usize>> = if wire.len() <= 140 {
                    (1..=wire.len()).map(|n| vec![n]).collect()
                } else {
                    vec![
                        vec![wire.len()],
                        vec![1],
                        vec![rng.below(wire.len()) + 1, rng.below(999) + 1],
                        vec![3, 7, 4096],
                    ]
                };
                for pieces in splits {
                    if pieces == [1] && wire.len() > 70_000 {
                        continue;
                    }
                    let got = feed(&mut reader, &wire, &pieces).unwrap();
                    assert_eq!(
                        got,
                        std::slice::from_ref(&message),
                        "{sender:?} {len} {pieces:?}"
                    );
                }
            }
        }
    }
}

/// Frames written by hand: (fin, opcode, payload), masked by a client.
fn frames(parts: &[(bool, u8, &[u8])]) -> Vec<u8> {
    let mut wire = Vec::new();
    for &(fin, opcode, payload) in parts {
        let mask = [0x11, 0x22, 0x33, 0x44];
        Header {
            fin,
            rsv: 0,
            opcode,
            mask: Some(mask),
            len: payload.len() as u64,
        }
        .write(&mut wire);
        let start = wire.len();
        wire.extend_from_slice(payload);
        apply_mask(&mut wire[start..], mask, 0);
    }
    wire
}

fn server() -> Protocol {
    Protocol::new(Role::Server, Limits::default())
}

#[test]
fn fragments_are_reassembled_around_control_frames() {
    let wire = frames(&[
        (false, 1, "κό".as_bytes()),
        (false, 0, b""),
        (true, 9, b"ping"),
        (false, 0, &"σμε".as_bytes()[..3]),
        (true, 0, &"σμε".as_bytes()[3..]),
        (true, 2, b"\x00\x01"),
    ]);
    for piece in [1, 2, 5, wire.len()] {
        let got = feed(&mut server(), &wire, &[piece]).unwrap();
        assert_eq!(
            got,
            [
                Message::Ping(Bytes::from_static(b"ping")),
                Message::text("κόσμε"),
                Message::binary(vec![0, 1]),
            ],
            "{piece}"
        );
    }
}

fn error_of(protocol: &mut Protocol, wire: &[u8]) -> ProtocolError {
    feed(protocol, wire, &[wire.len()]).expect_err("the frames break the protocol")
}

#[test]
fn frames_that_break_the_protocol_fail_with_1002() {
    let mut rsv = frames(&[(true, 1, b"x")]);
    rsv[0] |= 0x40;
    let mut rsv2 = frames(&[(true, 1, b"x")]);
    rsv2[0] |= 0x20;
    let mut unmasked = Vec::new();
    Header {
        fin: true,
        rsv: 0,
        opcode: 2,
        mask: None,
        len: 0,
    }
    .write(&mut unmasked);
    let huge_length = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4];
    for (wire, reason) in [
        (rsv, "RSV1 without permessage-deflate"),
        (rsv2, "reserved bits set without an extension"),
        (frames(&[(true, 3, b"")]), "a reserved opcode"),
        (frames(&[(true, 0xB, b"")]), "a reserved opcode"),
        (unmasked, "an unmasked frame from a client"),
        (frames(&[(false, 9, b"")]), "a fragmented control frame"),
        (
            frames(&[(true, 9, &[0; 126])]),
            "a control frame longer than 125 bytes",
        ),
        (
            frames(&[(true, 0, b"x")]),
            "a continuation frame with no message to continue",
        ),
        (
            frames(&[(false, 1, b"a"), (true, 1, b"b")]),
            "a new message before the last one ended",
        ),
        (
            frames(&[(true, 8, b"\x03")]),
            "a close frame with half a code",
        ),
        (
            frames(&[(true, 8, &1005u16.to_be_bytes())]),
            "a close code that may not be sent",
        ),
        (huge_length.to_vec(), "a frame length with its top bit set"),
    ] {
        let error = error_of(&mut server(), &wire);
        assert_eq!(error, ProtocolError::protocol(reason), "{reason}");
    }
    let mut from_server = Vec::new();
    Protocol::new(Role::Server, Limits::default()).encode(
        &Message::text("x"),
        None,
        &mut from_server,
    );
    from_server[1] |= 0x80;
    from_server.splice(2..2, [0, 0, 0, 0]);
    let mut client = Protocol::new(Role::Client, Limits::default());
    assert_eq!(
        error_of(&mut client, &from_server),
        ProtocolError::protocol("a masked frame from a server")
    );
}

#[test]
fn invalid_text_fails_with_1007_at_the_first_bad_byte() {
    let bad_reason = [&1000u16.to_be_bytes()[..], b"\xff"].concat();
    assert_eq!(
        error_of(&mut server(), &frames(&[(true, 8, &bad_reason)])).code,
        CloseCode::INVALID_DATA
    );
    assert_eq!(
        error_of(&mut server(), &frames(&[(true, 1, b"ok\xc3")])).code,
        CloseCode::INVALID_DATA,
        "a message ending inside a character"
    );
    // A long frame with a bad byte near its start: the error comes before the frame ends.
    let mut payload = vec![b'a'; 10_000];
    payload[10] = 0xFF;
    let wire = frames(&[(true, 1, &payload)]);
    let mut protocol = server();
    let mut input = BytesMut::from(&wire[..100]);
    assert_eq!(
        protocol.receive(&mut input).unwrap_err().code,
        CloseCode::INVALID_DATA
    );
    // And across fragments: the second fragment's bad byte fails at once.
    let wire = frames(&[
        (false, 1, b"fine"),
        (false, 0, b"\xed\xa0"),
        (true, 0, b"\x80"),
    ]);
    let first_two = wire.len() - 7;
    let mut protocol = server();
    let mut input = BytesMut::from(&wire[..first_two]);
    assert_eq!(
        protocol.receive(&mut input).unwrap_err().code,
        CloseCode::INVALID_DATA
    );
}

#[test]
fn the_size_limits_hold_at_and_past_their_edge() {
    let limits = Limits {
        max_frame_size: 100,
        max_message_size: 250,
    };
    let mut at_edge = Protocol::new(Role::Server, limits);
    let wire = frames(&[
        (false, 2, &[1; 100]),
        (false, 0, &[2; 100]),
        (true, 0, &[3; 50]),
    ]);
    assert_eq!(feed(&mut at_edge, &wire, &[wire.len()]).unwrap().len(), 1);

    let mut frame_past = Protocol::new(Role::Server, limits);
    let error = error_of(&mut frame_past, &frames(&[(true, 2, &[0; 101])]));
    assert_eq!(
        error,
        ProtocolError::too_big("a frame larger than the limit")
    );

    let mut message_past = Protocol::new(Role::Server, limits);
    let wire = frames(&[
        (false, 2, &[1; 100]),
        (false, 0, &[2; 100]),
        (true, 0, &[3; 51]),
    ]);
    let error = error_of(&mut message_past, &wire);
    assert_eq!(
        error,
        ProtocolError::too_big("a message larger than the limit")
    );
    assert_eq!(error.code, CloseCode::TOO_BIG);
}

#[test]
fn after_an_error_the_protocol_stays_failed() {
    let mut protocol = server();
    let error = error_of(&mut protocol, &frames(&[(true, 3, b"")]));
    let mut good = BytesMut::from(&frames(&[(true, 1, b"ok")])[..]);
    assert_eq!(protocol.receive(&mut good), Err(error));
}

#[test]
fn control_frames_are_encoded_within_their_limits() {
    let mut server = Protocol::new(Role::Server, Limits::default());
    let mut client = Protocol::new(Role::Client, Limits::default());
    let mut wire = Vec::new();
    server.encode(&Message::Ping(Bytes::from(vec![7; 200])), None, &mut wire);
    let close = Message::Close(Some(CloseFrame {
        code: CloseCode::GOING_AWAY,
        reason: "x".repeat(200),
    }));
    server.encode(&close, None, &mut wire);
    server.encode(&Message::Close(None), None, &mut wire);
    let got = feed(&mut client, &wire, &[wire.len()]).unwrap();
    assert_eq!(got[0], Message::Ping(Bytes::from(vec![7; 125])));
    assert_eq!(
        got[1],
        Message::Close(Some(CloseFrame::new(
            CloseCode::GOING_AWAY,
            "x".repeat(123)
        )))
    );
    assert_eq!(got[2], Message::Close(None));
}
