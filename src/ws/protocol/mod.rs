//! The sans-I/O WebSocket protocol: bytes in, messages out; messages in, bytes out. It checks
//! every rule of RFC 6455 a receiver must (masking by role, reserved bits and opcodes,
//! control frames, fragmentation, close payloads, UTF-8 as it arrives) and the size limits,
//! and says with which close code to fail the connection. With permessage-deflate
//! (RFC 7692) it inflates what arrives with RSV1 and compresses what it sends.

use std::fmt;

use bytes::{Buf, Bytes, BytesMut};

use super::close::{CloseCode, CloseFrame};
use super::deflate::{Agreed, Compressor, Decompressor, InflateError};
use super::frame::{Header, OpCode, apply_mask, extend_masked};
use super::message::{Message, Utf8Bytes};
use super::utf8::{Utf8Validator, is_utf8};

/// Room kept past a frame waiting whole in the input, for the read that completes it to
/// bring the start of the next one without moving the frame to a larger buffer.
const NEXT_READ: usize = 128 * 1024;

/// Which end of the connection this is: a client masks what it sends and must receive
/// unmasked frames; a server the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The end that opened the connection.
    Client,
    /// The end that accepted it.
    Server,
}

/// The most a peer may send; past them the connection fails with 1009.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest frame payload (default 16 MiB).
    pub max_frame_size: u64,
    /// The largest message, all its frames together (default 64 MiB).
    pub max_message_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_frame_size: 16 << 20,
            max_message_size: 64 << 20,
        }
    }
}

/// The peer broke the protocol or a limit: the connection fails with `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtocolError {
    /// The close code to fail the connection with: 1002, 1007 or 1009.
    pub code: CloseCode,
    /// What the peer did.
    pub reason: &'static str,
}

impl ProtocolError {
    fn protocol(reason: &'static str) -> ProtocolError {
        ProtocolError {
            code: CloseCode::PROTOCOL_ERROR,
            reason,
        }
    }

    fn invalid_utf8() -> ProtocolError {
        ProtocolError {
            code: CloseCode::INVALID_DATA,
            reason: "text that is not valid UTF-8",
        }
    }

    fn too_big(reason: &'static str) -> ProtocolError {
        ProtocolError {
            code: CloseCode::TOO_BIG,
            reason,
        }
    }

    fn inflate(error: InflateError) -> ProtocolError {
        match error {
            InflateError::TooBig => ProtocolError::too_big("a message inflating past the limit"),
            InflateError::Corrupt => ProtocolError {
                code: CloseCode::INVALID_DATA,
                reason: "a compressed message that does not inflate",
            },
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (close code {})", self.reason, self.code)
    }
}

impl std::error::Error for ProtocolError {}

/// The data frame whose payload is arriving.
#[derive(Debug)]
struct InFrame {
    fin: bool,
    mask: Option<[u8; 4]>,
    /// Payload bytes still to come.
    remaining: u64,
    /// Payload bytes seen so far (the mask's phase).
    seen: usize,
}

/// A fragmented (or compressed) data message being put together.
#[derive(Debug)]
struct InMessage {
    text: bool,
    /// The payload of an uncompressed message.
    data: BytesMut,
    /// RSV1 was set on its first frame: the payload is inflated into `inflated`.
    compressed: bool,
    inflated: Vec<u8>,
    /// Payload bytes received, as sent (compressed or not).
    wire: u64,
}

/// One end of a WebSocket connection, without I/O.
///
/// ```
/// use bytes::BytesMut;
/// use wasio::ws::{Message, Protocol, Role};
///
/// let mut client = Protocol::new(Role::Client, Default::default());
/// let mut server = Protocol::new(Role::Server, Default::default());
/// let mut wire = Vec::new();
/// client.encode(&Message::text("hi"), Some([1, 2, 3, 4]), &mut wire);
/// let mut input = BytesMut::from(&wire[..]);
/// assert_eq!(server.receive(&mut input), Ok(Some(Message::text("hi"))));
/// ```
#[derive(Debug)]
pub struct Protocol {
    role: Role,
    limits: Limits,
    frame: Option<InFrame>,
    message: Option<InMessage>,
    utf8: Utf8Validator,
    /// Payload bytes already unmasked of a binary frame waiting whole in the input.
    unmasked: usize,
    /// Set after a protocol error: everything after it is refused the same way.
    failed: Option<ProtocolError>,
    /// permessage-deflate: the peer's messages with RSV1 are inflated by it.
    inflate: Option<Decompressor>,
    /// permessage-deflate: this end's data messages are compressed by it.
    deflate: Option<Compressor>,
}

impl Protocol {
    /// A protocol for `role`, with `limits` on what the peer sends.
    pub fn new(role: Role, limits: Limits) -> Protocol {
        Protocol {
            role,
            limits,
            frame: None,
            message: None,
            utf8: Utf8Validator::default(),
            unmasked: 0,
            failed: None,
            inflate: None,
            deflate: None,
        }
    }

    /// The protocol with permessage-deflate as `agreed`, both ways: what this end sends is
    /// compressed at `level`, and the peer's compressed messages are inflated.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use wasio::ws::deflate::{PerMessageDeflate, answer_offers, parse_extensions};
    /// use wasio::ws::{Message, Protocol, Role};
    ///
    /// let offers = parse_extensions(["permessage-deflate"]).unwrap();
    /// let (agreed, _) = answer_offers(&offers, &PerMessageDeflate::new()).unwrap();
    /// let mut client = Protocol::new(Role::Client, Default::default()).with_deflate(&agreed, 6);
    /// let mut server = Protocol::new(Role::Server, Default::default()).with_deflate(&agreed, 6);
    /// let mut wire = Vec::new();
    /// client.encode(&Message::text("a".repeat(1000)), Some([1, 2, 3, 4]), &mut wire);
    /// assert!(wire.len() < 30);
    /// let mut input = BytesMut::from(&wire[..]);
    /// assert_eq!(server.receive(&mut input), Ok(Some(Message::text("a".repeat(1000)))));
    /// ```
    pub fn with_deflate(self, agreed: &Agreed, level: u32) -> Protocol {
        let role = self.role;
        self.with_compressor(agreed.compressor(role, level))
            .with_decompressor(agreed.decompressor(role))
    }

    /// The protocol compressing the data messages it encodes with `compressor` (RSV1 set).
    pub fn with_compressor(mut self, compressor: Compressor) -> Protocol {
        self.deflate = Some(compressor);
        self
    }

    /// The protocol accepting RSV1 on the first frame of a data message, the message being
    /// inflated by `decompressor`; its inflated size counts against
    /// [`Limits::max_message_size`].
    pub fn with_decompressor(mut self, decompressor: Decompressor) -> Protocol {
        self.inflate = Some(decompressor);
        self
    }

    /// This end's role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The limits on what the peer sends.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Takes the next message out of `input`, consuming the bytes it used; `Ok(None)` when
    /// `input` holds no complete message yet (the bytes it does hold are processed: text is
    /// validated as it comes, so invalid UTF-8 fails before the frame ends). Pings, pongs and
    /// closes come out as messages; answering them is the caller's part.
    pub fn receive(&mut self, input: &mut BytesMut) -> Result<Option<Message>, ProtocolError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        let result = self.receive_inner(input);
        if let Err(error) = result {
            self.failed = Some(error);
            self.frame = None;
            self.message = None;
            self.unmasked = 0;
        }
        result
    }

    fn receive_inner(&mut self, input: &mut BytesMut) -> Result<Option<Message>, ProtocolError> {
        loop {
            if self.frame.is_none() {
                let Some(header) = self.next_header(input)? else {
                    return Ok(None);
                };
                let opcode = OpCode::from_bits(header.opcode).expect("checked by next_header");
                let compressed = header.rsv & RSV1 != 0;
                if opcode.is_control() {
                    // A whole control frame is in `input` (next_header waits for it).
                    let mut payload = input.split_to(header.len as usize);
                    if let Some(mask) = header.mask {
                        apply_mask(&mut payload, mask, 0);
                    }
                    return control(opcode, payload).map(Some);
                }
                // The common case, a whole single-frame message in the buffer: no copy.
                if header.fin
                    && !compressed
                    && self.message.is_none()
                    && input.len() as u64 >= header.len
                {
                    let mut payload = input.split_to(header.len as usize);
                    let done = std::mem::take(&mut self.unmasked);
                    if let Some(mask) = header.mask {
                        apply_mask(&mut payload[done..], mask, done);
                    }
                    return Ok(Some(match opcode {
                        OpCode::Text => {
                            if !is_utf8(&payload) {
                                return Err(ProtocolError::invalid_utf8());
                            }
                            Message::Text(Utf8Bytes::from_validated(payload.freeze()))
                        }
                        _ => Message::Binary(payload.freeze()),
                    }));
                }
                if opcode != OpCode::Continuation {
                    self.message = Some(InMessage {
                        text: opcode == OpCode::Text,
                        data: BytesMut::new(),
                        compressed,
                        inflated: Vec::new(),
                        wire: 0,
                    });
                }
                self.frame = Some(InFrame {
                    fin: header.fin,
                    mask: header.mask,
                    remaining: header.len,
                    seen: 0,
                });
            }
            let frame = self.frame.as_mut().expect("set above");
            let message = self
                .message
                .as_mut()
                .expect("a data frame belongs to a message");
            let take = frame.remaining.min(input.len() as u64) as usize;
            let limit = usize::try_from(self.limits.max_message_size).unwrap_or(usize::MAX);
            if take > 0 && message.compressed {
                let Some(inflater) = self.inflate.as_mut() else {
                    return Err(ProtocolError::protocol("RSV1 without permessage-deflate"));
                };
                let piece = &mut input[..take];
                if let Some(mask) = frame.mask {
                    apply_mask(piece, mask, frame.seen);
                }
                let start = message.inflated.len();
                inflater
                    .inflate(piece, &mut message.inflated, limit)
                    .map_err(ProtocolError::inflate)?;
                if message.text {
                    self.utf8
                        .feed(&message.inflated[start..])
                        .map_err(|_| ProtocolError::invalid_utf8())?;
                }
                input.advance(take);
                message.wire += take as u64;
                frame.seen += take;
                frame.remaining -= take as u64;
            } else if take > 0 {
                let start = message.data.len();
                message.data.extend_from_slice(&input[..take]);
                input.advance(take);
                let piece = &mut message.data[start..];
                if let Some(mask) = frame.mask {
                    apply_mask(piece, mask, frame.seen);
                }
                if message.text {
                    self.utf8
                        .feed(piece)
                        .map_err(|_| ProtocolError::invalid_utf8())?;
                }
                message.wire += take as u64;
                frame.seen += take;
                frame.remaining -= take as u64;
            }
            if frame.remaining > 0 {
                return Ok(None);
            }
            let fin = frame.fin;
            self.frame = None;
            if fin {
                let message = self.message.take().expect("checked above");
                let data = if message.compressed {
                    self.finish_inflating(message.inflated, message.text, limit)?
                } else {
                    message.data.freeze()
                };
                if message.text {
                    self.utf8
                        .finish()
                        .map_err(|_| ProtocolError::invalid_utf8())?;
                    return Ok(Some(Message::Text(Utf8Bytes::from_validated(data))));
                }
                return Ok(Some(Message::Binary(data)));
            }
        }
    }

    /// The end of a compressed message: the flush's tail the sender left off is inflated
    /// too (and, for text, validated).
    fn finish_inflating(
        &mut self,
        mut inflated: Vec<u8>,
        text: bool,
        limit: usize,
    ) -> Result<Bytes, ProtocolError> {
        let Some(inflater) = self.inflate.as_mut() else {
            return Err(ProtocolError::protocol("RSV1 without permessage-deflate"));
        };
        let start = inflated.len();
        inflater
            .finish(&mut inflated, limit)
            .map_err(ProtocolError::inflate)?;
        if text {
            self.utf8
                .feed(&inflated[start..])
                .map_err(|_| ProtocolError::invalid_utf8())?;
        }
        Ok(Bytes::from(inflated))
    }

    /// The next frame's header, checked against the protocol's rules, with the header's
    /// bytes consumed; `Ok(None)` while it (or, for a control frame, its payload) is
    /// incomplete.
    fn next_header(&mut self, input: &mut BytesMut) -> Result<Option<Header>, ProtocolError> {
        let Some((header, used)) = Header::parse(input)
            .map_err(|_| ProtocolError::protocol("a frame length with its top bit set"))?
        else {
            return Ok(None);
        };
        if header.rsv & !RSV1 != 0 {
            return Err(ProtocolError::protocol(
                "reserved bits set without an extension",
            ));
        }
        let Some(opcode) = OpCode::from_bits(header.opcode) else {
            return Err(ProtocolError::protocol("a reserved opcode"));
        };
        if header.rsv & RSV1 != 0 {
            if self.inflate.is_none() {
                return Err(ProtocolError::protocol("RSV1 without permessage-deflate"));
            }
            if opcode.is_control() {
                return Err(ProtocolError::protocol("RSV1 on a control frame"));
            }
            if opcode == OpCode::Continuation {
                return Err(ProtocolError::protocol("RSV1 on a continuation frame"));
            }
        }
        match (self.role, header.mask.is_some()) {
            (Role::Server, false) => {
                return Err(ProtocolError::protocol("an unmasked frame from a client"));
            }
            (Role::Client, true) => {
                return Err(ProtocolError::protocol("a masked frame from a server"));
            }
            _ => {}
        }
        if opcode.is_control() {
            if !header.fin {
                return Err(ProtocolError::protocol("a fragmented control frame"));
            }
            if header.len > 125 {
                return Err(ProtocolError::protocol(
                    "a control frame longer than 125 bytes",
                ));
            }
            if input.len() < used + header.len as usize {
                return Ok(None);
            }
        } else {
            match (opcode, &self.message) {
                (OpCode::Continuation, None) => {
                    return Err(ProtocolError::protocol(
                        "a continuation frame with no message to continue",
                    ));
                }
                (OpCode::Text | OpCode::Binary, Some(_)) => {
                    return Err(ProtocolError::protocol(
                        "a new message before the last one ended",
                    ));
                }
                _ => {}
            }
            if header.len > self.limits.max_frame_size {
                return Err(ProtocolError::too_big("a frame larger than the limit"));
            }
            let so_far = self.message.as_ref().map_or(0, |m| m.wire);
            if so_far + header.len > self.limits.max_message_size {
                return Err(ProtocolError::too_big("a message larger than the limit"));
            }
            // A binary message in one frame that has not all arrived: wait for it in place,
            // with room for the rest, and take it without a copy. (Text goes through the
            // incremental path, where invalid UTF-8 fails before the frame ends.)
            let whole = usize::try_from(used as u64 + header.len)
                .map_err(|_| ProtocolError::too_big("a frame larger than memory"))?;
            let unfragmented = header.fin && self.message.is_none() && header.rsv == 0;
            if unfragmented && opcode == OpCode::Binary && input.len() < whole {
                // Unmask what has arrived while it is still in the cache.
                if let Some(mask) = header.mask {
                    apply_mask(&mut input[used + self.unmasked..], mask, self.unmasked);
                }
                self.unmasked = input.len() - used;
                input.reserve(whole - input.len() + NEXT_READ);
                return Ok(None);
            }
        }
        input.advance(used);
        Ok(Some(header))
    }

    /// Appends `message` as one frame to `out`, masked with `mask` (which a client must give
    /// and a server must not: it is used only for the client role). A close's reason is cut
    /// to fit; pings and pongs longer than 125 bytes are cut to 125. With a compressor, text
    /// and binary messages go compressed, with RSV1 set.
    pub fn encode(&mut self, message: &Message, mask: Option<[u8; 4]>, out: &mut Vec<u8>) {
        encode(self.role, message, mask, self.deflate.as_mut(), out);
    }
}

/// RSV1, the reserved bit permessage-deflate uses, as it stands in [`Header::rsv`].
const RSV1: u8 = 0b100;

/// [`Protocol::encode`] for `role` and its compressor, without a protocol at hand.
pub(crate) fn encode(
    role: Role,
    message: &Message,
    mask: Option<[u8; 4]>,
    compressor: Option<&mut Compressor>,
    out: &mut Vec<u8>,
) {
    let mask = match role {
        Role::Client => Some(mask.unwrap_or_default()),
        Role::Server => None,
    };
    let close_payload;
    let (opcode, payload): (OpCode, &[u8]) = match message {
        Message::Text(text) => (OpCode::Text, text.as_bytes()),
        Message::Binary(data) => (OpCode::Binary, data),
        Message::Ping(data) => (OpCode::Ping, &data[..data.len().min(125)]),
        Message::Pong(data) => (OpCode::Pong, &data[..data.len().min(125)]),
        Message::Close(frame) => {
            close_payload = close_bytes(frame.as_ref());
            (OpCode::Close, &close_payload)
        }
    };
    let mut compressed = Vec::new();
    let (rsv, payload) = match compressor {
        Some(compressor) if !opcode.is_control() => {
            compressor.compress(payload, &mut compressed);
            (RSV1, &compressed[..])
        }
        _ => (0, payload),
    };
    Header {
        fin: true,
        rsv,
        opcode: opcode.bits(),
        mask,
        len: payload.len() as u64,
    }
    .write(out);
    match mask {
        Some(mask) => extend_masked(out, payload, mask),
        None => out.extend_from_slice(payload),
    }
}

/// A control frame's payload as a message, checking a close's code and reason.
fn control(opcode: OpCode, payload: BytesMut) -> Result<Message, ProtocolError> {
    Ok(match opcode {
        OpCode::Ping => Message::Ping(payload.freeze()),
        OpCode::Pong => Message::Pong(payload.freeze()),
        _ => match payload.len() {
            0 => Message::Close(None),
            1 => return Err(ProtocolError::protocol("a close frame with half a code")),
            _ => {
                let code = CloseCode(u16::from_be_bytes([payload[0], payload[1]]));
                if !code.is_valid() {
                    return Err(ProtocolError::protocol("a close code that may not be sent"));
                }
                let reason = std::str::from_utf8(&payload[2..])
                    .map_err(|_| ProtocolError::invalid_utf8())?;
                Message::Close(Some(CloseFrame {
                    code,
                    reason: reason.to_string(),
                }))
            }
        },
    })
}

fn close_bytes(frame: Option<&CloseFrame>) -> Vec<u8> {
    let Some(frame) = frame else {
        return Vec::new();
    };
    let frame = CloseFrame::new(frame.code, frame.reason.as_str());
    let mut bytes = frame.code.0.to_be_bytes().to_vec();
    bytes.extend_from_slice(frame.reason.as_bytes());
    bytes
}

#[cfg(test)]
mod deflate_tests;
#[cfg(test)]
mod tests;
