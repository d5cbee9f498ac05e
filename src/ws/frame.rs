//! RFC 6455 frames (section 5.2): the header with its three length encodings, and masking.
//! Pure functions over byte slices; no I/O.

/// A frame's opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpCode {
    /// More of a fragmented message.
    Continuation,
    /// The first frame of a text message.
    Text,
    /// The first frame of a binary message.
    Binary,
    /// The closing handshake.
    Close,
    /// A ping, answered with a pong.
    Ping,
    /// A pong.
    Pong,
}

impl OpCode {
    /// The opcode of the 4-bit value, or `None` for the reserved ones (3-7, 0xB-0xF).
    pub fn from_bits(bits: u8) -> Option<OpCode> {
        Some(match bits {
            0x0 => OpCode::Continuation,
            0x1 => OpCode::Text,
            0x2 => OpCode::Binary,
            0x8 => OpCode::Close,
            0x9 => OpCode::Ping,
            0xA => OpCode::Pong,
            _ => return None,
        })
    }

    /// The 4-bit value.
    pub fn bits(self) -> u8 {
        match self {
            OpCode::Continuation => 0x0,
            OpCode::Text => 0x1,
            OpCode::Binary => 0x2,
            OpCode::Close => 0x8,
            OpCode::Ping => 0x9,
            OpCode::Pong => 0xA,
        }
    }

    /// Whether this is a control frame (close, ping, pong).
    pub fn is_control(self) -> bool {
        matches!(self, OpCode::Close | OpCode::Ping | OpCode::Pong)
    }
}

/// A frame header as it came off the wire (before any rule of the protocol is checked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The final frame of its message.
    pub fin: bool,
    /// The three reserved bits (RSV1 is the high one), zero unless an extension says so.
    pub rsv: u8,
    /// The opcode bits; see [`OpCode::from_bits`].
    pub opcode: u8,
    /// The masking key, for a masked frame.
    pub mask: Option<[u8; 4]>,
    /// The payload length.
    pub len: u64,
}

/// Why a header cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadLength;

impl Header {
    /// The header at the start of `input` and how many bytes it took; `Ok(None)` when `input`
    /// holds only part of it (split anywhere, even one byte at a time). A 64-bit length with
    /// its top bit set (RFC 6455, 5.2) is an error.
    pub fn parse(input: &[u8]) -> Result<Option<(Header, usize)>, BadLength> {
        let [first, second, ..] = *input else {
            return Ok(None);
        };
        let masked = second & 0x80 != 0;
        let (len, mut used) = match second & 0x7F {
            126 => match input.get(2..4) {
                Some(bytes) => (u64::from(u16::from_be_bytes([bytes[0], bytes[1]])), 4),
                None => return Ok(None),
            },
            127 => match input.get(2..10) {
                Some(bytes) => {
                    let len = u64::from_be_bytes(bytes.try_into().expect("eight bytes"));
                    if len >> 63 != 0 {
                        return Err(BadLength);
                    }
                    (len, 10)
                }
                None => return Ok(None),
            },
            short => (u64::from(short), 2),
        };
        let mask = if masked {
            let Some(key) = input.get(used..used + 4) else {
                return Ok(None);
            };
            used += 4;
            Some([key[0], key[1], key[2], key[3]])
        } else {
            None
        };
        let header = Header {
            fin: first & 0x80 != 0,
            rsv: (first >> 4) & 0x7,
            opcode: first & 0x0F,
            mask,
            len,
        };
        Ok(Some((header, used)))
    }

    /// Appends the header to `out`, with the shortest length encoding.
    pub fn write(&self, out: &mut Vec<u8>) {
        let first = u8::from(self.fin) << 7 | (self.rsv & 0x7) << 4 | (self.opcode & 0x0F);
        let mask_bit = if self.mask.is_some() { 0x80 } else { 0 };
        out.push(first);
        match self.len {
            0..=125 => out.push(mask_bit | self.len as u8),
            126..=0xFFFF => {
                out.push(mask_bit | 126);
                out.extend_from_slice(&(self.len as u16).to_be_bytes());
            }
            _ => {
                out.push(mask_bit | 127);
                out.extend_from_slice(&self.len.to_be_bytes());
            }
        }
        if let Some(mask) = self.mask {
            out.extend_from_slice(&mask);
        }
    }
}

/// `mask` turned to start `offset` bytes into a payload, and as eight bytes.
fn rotated(mask: [u8; 4], offset: usize) -> ([u8; 4], u64) {
    let shift = offset % 4;
    let mask = [
        mask[shift],
        mask[(shift + 1) % 4],
        mask[(shift + 2) % 4],
        mask[(shift + 3) % 4],
    ];
    let wide = u64::from_ne_bytes([
        mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3],
    ]);
    (mask, wide)
}

/// Masks or unmasks `data` in place with `mask` (the same operation), as the bytes of a
/// payload starting `offset` bytes into it. Eight bytes at a time, on any alignment.
#[inline]
pub fn apply_mask(data: &mut [u8], mask: [u8; 4], offset: usize) {
    let (mask, wide) = rotated(mask, offset);
    let mut chunks = data.chunks_exact_mut(8);
    for chunk in &mut chunks {
        let word = u64::from_ne_bytes(chunk.try_into().expect("eight bytes")) ^ wide;
        chunk.copy_from_slice(&word.to_ne_bytes());
    }
    for (byte, key) in chunks.into_remainder().iter_mut().zip(mask.iter().cycle()) {
        *byte ^= key;
    }
}

/// Appends `payload` masked with `mask` to `out`, in one pass: writing the masked bytes
/// straight into place is faster than copying them and masking the copy.
pub fn extend_masked(out: &mut Vec<u8>, payload: &[u8], mask: [u8; 4]) {
    let start = out.len();
    out.reserve(payload.len());
    let (mask, wide) = rotated(mask, 0);
    let spare = &mut out.spare_capacity_mut()[..payload.len()];
    let mut to = spare.chunks_exact_mut(8);
    let mut from = payload.chunks_exact(8);
    for (to, from) in (&mut to).zip(&mut from) {
        let word = u64::from_ne_bytes(from.try_into().expect("eight bytes")) ^ wide;
        for (to, byte) in to.iter_mut().zip(word.to_ne_bytes()) {
            to.write(byte);
        }
    }
    let tail = to.into_remainder().iter_mut().zip(from.remainder());
    for ((to, from), key) in tail.zip(mask.iter().cycle()) {
        to.write(from ^ key);
    }
    // SAFETY: the loops above wrote every one of the `payload.len()` bytes after `start`
    // (eight at a time, then the tail), within the capacity reserved for them. The test
    // extend_masked_matches_copying_then_masking checks every length and alignment.
    unsafe { out.set_len(start + payload.len()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(len: u64, mask: Option<[u8; 4]>) -> Header {
        Header {
            fin: true,
            rsv: 0,
            opcode: 2,
            mask,
            len,
        }
    }

    #[test]
    fn every_length_encoding_round_trips_from_any_split() {
        for len in [0, 1, 125, 126, 127, 0xFFFF, 0x10000, 1 << 40] {
            for mask in [None, Some([1, 2, 3, 4])] {
                let mut bytes = Vec::new();
                header(len, mask).write(&mut bytes);
                let expected_size = match len {
                    0..=125 => 2,
                    126..=0xFFFF => 4,
                    _ => 10,
                } + if mask.is_some() { 4 } else { 0 };
                assert_eq!(bytes.len(), expected_size, "{len}");
                for split in 0..bytes.len() {
                    assert_eq!(Header::parse(&bytes[..split]), Ok(None), "{len} at {split}");
                }
                bytes.push(0xAA);
                assert_eq!(
                    Header::parse(&bytes),
                    Ok(Some((header(len, mask), expected_size)))
                );
            }
        }
    }

    #[test]
    fn the_top_bit_of_a_64_bit_length_is_refused() {
        let bytes = [0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1];
        assert_eq!(Header::parse(&bytes), Err(BadLength));
    }

    #[test]
    fn flags_and_opcodes_are_read_as_sent() {
        let (parsed, _) = Header::parse(&[0b0111_1001, 0]).unwrap().unwrap();
        assert_eq!((parsed.fin, parsed.rsv, parsed.opcode), (false, 0b111, 9));
        for bits in 0..16 {
            let known = OpCode::from_bits(bits);
            assert_eq!(known.map(OpCode::bits), known.map(|_| bits));
            assert_eq!(known.is_none(), matches!(bits, 3..=7 | 0xB..=0xF));
        }
    }

    #[test]
    fn masking_matches_the_bytewise_definition_at_every_offset_and_alignment() {
        let mask = [0x37, 0xfa, 0x21, 0x3d];
        let original: Vec<u8> = (0..100u8).collect();
        for start in 0..9 {
            for offset in 0..8 {
                let mut data = original.clone();
                apply_mask(&mut data[start..], mask, offset);
                for (i, byte) in data[start..].iter().enumerate() {
                    assert_eq!(*byte, original[start + i] ^ mask[(offset + i) % 4]);
                }
                apply_mask(&mut data[start..], mask, offset);
                assert_eq!(data, original, "masking twice restores");
            }
        }
    }

    #[test]
    fn extend_masked_matches_copying_then_masking() {
        let mask = [0x37, 0xfa, 0x21, 0x3d];
        let payload: Vec<u8> = (0..100u8).collect();
        for start in 0..9 {
            for len in 0..40 {
                let mut out = vec![0xee; start];
                extend_masked(&mut out, &payload[start..start + len], mask);
                let mut expected = vec![0xee; start];
                expected.extend_from_slice(&payload[start..start + len]);
                apply_mask(&mut expected[start..], mask, 0);
                assert_eq!(out, expected, "{start} {len}");
            }
        }
    }
}
