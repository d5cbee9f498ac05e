//! WebSocket codec benchmark: wasio's sans-I/O codec (`wasio::ws::Protocol`) against
//! tungstenite 0.30 (`WebSocket::from_raw_socket` over an in-memory stream), without a network.
//!
//! `<ws_codec.wasm|ws-codec-native> <wasio|tungstenite> <decode|encode> <payload bytes>` prints
//! the median payload throughput in MB/s (1 MB = 10^6 bytes) of several rounds after a warm-up.
//! The same source is built as a wasm32-wasip2 component (`cargo bench`, run under wasmtime)
//! and natively (benches/ws_codec_native includes this file).
//!
//! - decode: a server receives masked binary frames from a client. The wire holds many
//!   frames of one payload, each masked with its own key. wasio copies the wire into a
//!   `BytesMut` (what a socket read does) and calls `receive` until it is empty; tungstenite
//!   reads the same bytes from a `Read` (it copies them into its own read buffer) and `read()`
//!   returns each message. Both unmask and hand out each payload as `Bytes`; the length of
//!   every message is checked, and every payload is compared once before timing.
//! - decode-text: the same with text frames of multilingual UTF-8 (Latin, Cyrillic, CJK and
//!   emoji in JSON, cut to the size at a character boundary and padded with spaces), which
//!   both codecs validate as the bytes arrive: what UTF-8 validation costs a codec.
//! - encode: a client frames and masks binary messages. wasio: `encode` into a `Vec` cleared
//!   after each message, with a key from a xorshift per frame. tungstenite: `send()` (write
//!   and flush) into a `Write` that counts the bytes and drops them; it takes a key from
//!   `rand::random()` (a buffered ChaCha generator) per frame, and moves the frame from its
//!   write buffer to the sink. Both copy the payload once into their output and mask it there.
//!
//! permessage-deflate (RFC 7692), wasio only (tungstenite 0.30 has none; its peer is Python
//! websockets, benches/websockets_deflate.py), on text messages from benches/shared/json_like.rs
//! (64 different ones, cycled, so that context takeover does not see a message again within the
//! window), as agreed on a client's `permessage-deflate; client_max_window_bits` offer with
//! level 6 and 15-bit windows, context takeover both ways: the settings of the Python peer
//! (wasio's defaults, level 1 and a 12-bit window, are chosen for servers with many
//! connections; `scripts/bench --only ws` measures them).
//! - deflate-encode: a client compresses, frames and masks each message (`encode` with a
//!   compressor) into a `Vec` cleared after each message.
//! - deflate-decode: a server unmasks, unframes and inflates (`receive` with a decompressor,
//!   which also validates the UTF-8) the frames that deflate-encode's compressor made of the
//!   same messages, in the same order, from a fresh decompressor every pass (the compressor
//!   kept its context across them). Every message is compared once before timing.
//!
//! Rates are of payload bytes before compression.

use std::hint::black_box;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use wasio::ws::deflate::{Agreed, answer_offers, parse_extensions};
use wasio::ws::{Limits, Message, PerMessageDeflate, Protocol, Role};

#[path = "shared/json_like.rs"]
mod json_like;

/// Timed rounds after the warm-up round; the median is reported.
const ROUNDS: usize = 7;
/// A round runs whole passes until at least this much time has passed.
const ROUND_TIME: Duration = Duration::from_millis(200);
/// Payload bytes per pass (16 MiB: 16 frames of 1 MiB, 1 024 of 16 KiB) ...
const PASS_BYTES: usize = 16 << 20;
/// ... but at most this many frames per pass (200 000 frames of 20 B, 5.2 MB of wire).
const MAX_FRAMES: usize = 200_000;
/// Different messages of the compressed workloads, cycled.
const POOL: usize = 64;
/// `fnv1a` of the 64 messages of 16 KiB: the bytes websockets_deflate.py compresses.
const POOL_16K_FNV: u64 = 0x97A4_786B_CCEF_B40B;

pub fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [peer, workload, size] = args.as_slice() else {
        eprintln!(
            "usage: ws_codec <wasio|tungstenite> <decode|encode|deflate-decode|deflate-encode> <payload bytes>"
        );
        std::process::exit(2);
    };
    let Ok(size) = size.parse::<usize>() else {
        eprintln!("the payload size must be a whole number");
        std::process::exit(2);
    };
    let count = (PASS_BYTES / size.max(1)).clamp(1, MAX_FRAMES);
    let payload = pseudo_random_bytes(size, 0x9E37_79B9_7F4A_7C15);
    let mut pass: Box<dyn FnMut() -> usize> = match (peer.as_str(), workload.as_str()) {
        ("wasio", "decode-text") | ("tungstenite", "decode-text") => {
            let text = multilingual_text(size);
            let wire = client_frames_of(0x81, &text, count);
            let decode = if peer == "wasio" {
                wasio_decode
            } else {
                tungstenite_decode
            };
            // Once, untimed: every message is the text, whole.
            decode(&wire, count, &mut |data: &Bytes| {
                assert_eq!(&data[..], &text[..])
            });
            Box::new(move || {
                decode(&wire, count, &mut |data: &Bytes| {
                    assert_eq!(data.len(), size);
                    black_box(data);
                })
            })
        }
        ("wasio", "decode") | ("tungstenite", "decode") => {
            let wire = client_frames(&payload, count);
            let decode = if peer == "wasio" {
                wasio_decode
            } else {
                tungstenite_decode
            };
            // Once, untimed: every message is the payload, whole.
            decode(&wire, count, &mut |data: &Bytes| {
                assert_eq!(&data[..], &payload[..])
            });
            Box::new(move || {
                decode(&wire, count, &mut |data: &Bytes| {
                    assert_eq!(data.len(), size);
                    black_box(data);
                })
            })
        }
        ("wasio", "encode") => {
            let message = Message::Binary(Bytes::from(payload.clone()));
            let mut client = Protocol::new(Role::Client, Limits::default());
            let mut out = Vec::with_capacity(size + 14);
            let mut state = 0x2545_F491_4F6C_DD1D_u64;
            Box::new(move || {
                for _ in 0..count {
                    out.clear();
                    client.encode(&message, Some(next_mask(&mut state)), &mut out);
                    assert!(out.len() > size);
                    black_box(&out);
                }
                count * size
            })
        }
        ("wasio", "deflate-encode") => {
            let messages = json_messages(size);
            let (agreed, level) = agreed();
            let mut client = Protocol::new(Role::Client, Limits::default())
                .with_compressor(agreed.compressor(Role::Client, level));
            let mut out = Vec::with_capacity(size + 14);
            let mut state = 0x2545_F491_4F6C_DD1D_u64;
            Box::new(move || {
                for message in messages.iter().cycle().take(count) {
                    out.clear();
                    client.encode(message, Some(next_mask(&mut state)), &mut out);
                    assert!(!out.is_empty());
                    black_box(&out);
                }
                count * size
            })
        }
        ("wasio", "deflate-decode") => {
            let messages = json_messages(size);
            let (agreed, level) = agreed();
            let mut client = Protocol::new(Role::Client, Limits::default())
                .with_compressor(agreed.compressor(Role::Client, level));
            let mut wire = Vec::new();
            let mut state = 0xD1B5_4A32_D192_ED03_u64;
            for message in messages.iter().cycle().take(count) {
                client.encode(message, Some(next_mask(&mut state)), &mut wire);
            }
            let decode = move |check: &mut dyn FnMut(usize, &Message)| {
                let server = Protocol::new(Role::Server, Limits::default())
                    .with_decompressor(agreed.decompressor(Role::Server));
                wasio_decode_messages(server, &wire, count, check)
            };
            // Once, untimed: every message comes back as it was sent.
            decode(&mut |index: usize, message: &Message| {
                assert_eq!(message, &messages[index % POOL])
            });
            Box::new(move || {
                decode(&mut |_, message: &Message| {
                    assert_eq!(message.len(), size);
                    black_box(message);
                })
            })
        }
        ("tungstenite", "encode") => {
            let message = tungstenite::Message::Binary(Bytes::from(payload.clone()));
            let mut socket = tungstenite::WebSocket::from_raw_socket(
                Sink::default(),
                tungstenite::protocol::Role::Client,
                Some(tungstenite::protocol::WebSocketConfig::default()),
            );
            Box::new(move || {
                let before = socket.get_ref().written;
                for _ in 0..count {
                    socket
                        .send(message.clone())
                        .expect("a sink takes everything");
                }
                assert!(socket.get_ref().written - before > count * size);
                count * size
            })
        }
        _ => {
            eprintln!("unknown peer or workload");
            std::process::exit(2);
        }
    };
    let mut rates: Vec<f64> = (0..=ROUNDS)
        .map(|_| {
            let start = Instant::now();
            let mut bytes = 0;
            while start.elapsed() < ROUND_TIME {
                bytes += pass();
            }
            bytes as f64 / start.elapsed().as_secs_f64() / 1e6
        })
        .skip(1)
        .collect();
    rates.sort_by(f64::total_cmp);
    println!("{:.1} MB/s", rates[ROUNDS / 2]);
}

/// How much one socket read brings: tungstenite's read buffer.
const READ_SIZE: usize = 128 * 1024;

/// Decodes the `count` frames of `wire` as a server with wasio, handing each payload to
/// `check`; returns the payload bytes decoded.
fn wasio_decode(wire: &[u8], count: usize, check: &mut dyn FnMut(&Bytes)) -> usize {
    // The socket reads: the bytes arrive in the connection's buffer in pieces of the size
    // tungstenite reads (its read buffer, 128 KiB), so both codecs see the input alike.
    let mut input = BytesMut::new();
    let mut reads = wire.chunks(READ_SIZE);
    let mut server = Protocol::new(Role::Server, Limits::default());
    let mut received = 0;
    let mut bytes = 0;
    loop {
        while let Some(message) = server.receive(&mut input).expect("valid frames") {
            let data = match message {
                Message::Binary(data) => data,
                Message::Text(text) => text.into_bytes(),
                _ => panic!("a data message was sent"),
            };
            check(&data);
            bytes += data.len();
            received += 1;
        }
        match reads.next() {
            Some(read) => input.extend_from_slice(read),
            None => break,
        }
    }
    assert!(input.is_empty() && received == count);
    bytes
}

/// Decodes the `count` messages of `wire` with `server`, handing each one and its index to
/// `check`, the socket reads as in `wasio_decode`; returns the payload bytes decoded.
fn wasio_decode_messages(
    mut server: Protocol,
    wire: &[u8],
    count: usize,
    check: &mut dyn FnMut(usize, &Message),
) -> usize {
    let mut input = BytesMut::new();
    let mut reads = wire.chunks(READ_SIZE);
    let mut received = 0;
    let mut bytes = 0;
    loop {
        while let Some(message) = server.receive(&mut input).expect("valid frames") {
            check(received, &message);
            bytes += message.len();
            received += 1;
        }
        match reads.next() {
            Some(read) => input.extend_from_slice(read),
            None => break,
        }
    }
    assert!(input.is_empty() && received == count);
    bytes
}

/// permessage-deflate as a server agrees on a browser's offer with level 6 and 15-bit
/// windows, and that level.
fn agreed() -> (Agreed, u32) {
    let offers =
        parse_extensions(["permessage-deflate; client_max_window_bits"]).expect("a valid offer");
    let settings = PerMessageDeflate::new().level(6).window_bits(15);
    let (agreed, _) = answer_offers(&offers, &settings).expect("the offer is accepted");
    (agreed, settings.compression_level())
}

/// The `POOL` JSON-like text messages of `size` bytes.
fn json_messages(size: usize) -> Vec<Message> {
    let messages = json_like::messages(POOL, size);
    if size == 16 * 1024 {
        assert_eq!(fnv1a(&messages), POOL_16K_FNV, "the messages changed");
    }
    messages
        .into_iter()
        .map(|bytes| {
            let text = String::from_utf8(bytes).expect("JSON-like messages are ASCII");
            Message::text(text)
        })
        .collect()
}

/// Decodes the `count` frames of `wire` as a server with tungstenite, handing each payload
/// to `check`; returns the payload bytes decoded.
fn tungstenite_decode(wire: &[u8], count: usize, check: &mut dyn FnMut(&Bytes)) -> usize {
    let mut socket = tungstenite::WebSocket::from_raw_socket(
        Wire { input: wire },
        tungstenite::protocol::Role::Server,
        Some(tungstenite::protocol::WebSocketConfig::default()),
    );
    let mut bytes = 0;
    for _ in 0..count {
        let data = match socket.read().expect("valid frames") {
            tungstenite::Message::Binary(data) => data,
            tungstenite::Message::Text(text) => Bytes::from(text),
            _ => panic!("a data message was sent"),
        };
        check(&data);
        bytes += data.len();
    }
    assert!(socket.get_ref().input.is_empty());
    bytes
}

/// The client's side of the connection, in memory: reads come from the prepared frames,
/// writes (tungstenite answers nothing here) are dropped.
struct Wire<'a> {
    input: &'a [u8],
}

impl Read for Wire<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.input.read(buf)
    }
}

impl Write for Wire<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A server that reads nothing and drops what it is sent, counting the bytes.
#[derive(Default)]
struct Sink {
    written: usize,
}

impl Read for Sink {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Ok(0)
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        black_box(buf);
        self.written += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `count` final binary frames from a client, each carrying `payload` masked with its own
/// key; written by hand (RFC 6455, 5.2), so that neither codec prepares its own input.
fn client_frames(payload: &[u8], count: usize) -> Vec<u8> {
    client_frames_of(0x82, payload, count)
}

/// `count` masked client frames whose first byte is `first` (FIN and the opcode).
fn client_frames_of(first: u8, payload: &[u8], count: usize) -> Vec<u8> {
    let mut wire = Vec::with_capacity(count * (payload.len() + 14));
    let mut state = 0xD1B5_4A32_D192_ED03_u64;
    for _ in 0..count {
        wire.push(first);
        match payload.len() {
            len @ 0..=125 => wire.push(0x80 | len as u8),
            len @ 126..=0xFFFF => {
                wire.push(0x80 | 126);
                wire.extend_from_slice(&(len as u16).to_be_bytes());
            }
            len => {
                wire.push(0x80 | 127);
                wire.extend_from_slice(&(len as u64).to_be_bytes());
            }
        }
        let mask = next_mask(&mut state);
        wire.extend_from_slice(&mask);
        wire.extend(
            payload
                .iter()
                .enumerate()
                .map(|(i, byte)| byte ^ mask[i % 4]),
        );
    }
    wire
}

/// `size` bytes of UTF-8 mixing one-, two-, three- and four-byte characters, in JSON.
fn multilingual_text(size: usize) -> Vec<u8> {
    const UNIT: &str =
        "{\"name\":\"Zoë\",\"city\":\"Москва\",\"note\":\"日本語のテキスト\",\"emoji\":\"🦀🚀\"},";
    let mut text = String::with_capacity(size + UNIT.len());
    while text.len() < size {
        text.push_str(UNIT);
    }
    let mut cut = size;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    while text.len() < size {
        text.push(' ');
    }
    text.into_bytes()
}

/// A masking key from a xorshift64 generator: cheap, and different for every frame.
fn next_mask(state: &mut u64) -> [u8; 4] {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    (*state as u32).to_le_bytes()
}

fn pseudo_random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    (0..len).map(|_| next_mask(&mut state)[0]).collect()
}

/// FNV-1a (64 bits) of the messages, one after the other.
pub fn fnv1a(messages: &[Vec<u8>]) -> u64 {
    messages
        .iter()
        .flatten()
        .fold(0xCBF2_9CE4_8422_2325, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01B3)
        })
}
