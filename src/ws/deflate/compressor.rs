//! `Compressor`: a message's payload to what goes in its frame (RFC 7692, section 7.2.1):
//! raw deflate ended with a sync flush, without the flush's trailing `00 00 ff ff`.

use flate2::{Compress, Compression, FlushCompress};

/// The four bytes a sync flush ends with, left off the wire.
pub(super) const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// One end's compressor: keeps its window from message to message (context takeover), or
/// starts each afresh.
pub struct Compressor {
    deflate: Compress,
    reset_each_message: bool,
}

impl std::fmt::Debug for Compressor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compressor")
            .field("reset_each_message", &self.reset_each_message)
            .finish_non_exhaustive()
    }
}

impl Compressor {
    /// A compressor at `level` (0 to 9) with a window of `window_bits` (9 to 15; values
    /// outside are clamped), reset after every message when `no_context_takeover`.
    pub fn new(level: u32, window_bits: u8, no_context_takeover: bool) -> Compressor {
        Compressor {
            deflate: Compress::new_with_window_bits(
                Compression::new(level.min(9)),
                false,
                window_bits.clamp(9, 15),
            ),
            reset_each_message: no_context_takeover,
        }
    }

    /// Appends `data` compressed, as a frame's payload, to `out`.
    ///
    /// ```
    /// use wasio::ws::deflate::Compressor;
    ///
    /// // RFC 7692, section 7.2.3.1: "Hello" without context takeover.
    /// let mut out = Vec::new();
    /// Compressor::new(6, 15, true).compress(b"Hello", &mut out);
    /// assert_eq!(out, [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);
    /// ```
    pub fn compress(&mut self, data: &[u8], out: &mut Vec<u8>) {
        if data.is_empty() {
            // An empty stored block (RFC 7692, section 7.2.3.6): zlib flushes nothing for no
            // input after a flush, and an empty payload would leave the receiver's tail
            // unterminated.
            out.push(0x00);
            return;
        }
        let start = out.len();
        let mut rest = data;
        loop {
            out.reserve(rest.len() / 2 + 64);
            let before = self.deflate.total_in();
            // A raw stream never fails to compress: errors come from misuse only (a stream
            // already finished), which this type never does.
            let _ = self.deflate.compress_vec(rest, out, FlushCompress::Sync);
            rest = &rest[(self.deflate.total_in() - before) as usize..];
            // The flush is complete once it leaves room in the output.
            if rest.is_empty() && out.len() < out.capacity() {
                break;
            }
        }
        if out[start..].ends_with(&TAIL) {
            out.truncate(out.len() - TAIL.len());
        }
        if self.reset_each_message {
            self.deflate.reset();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ws::deflate::Decompressor;

    #[test]
    fn context_takeover_reuses_the_window_as_rfc_7692_shows() {
        // Section 7.2.3.2: the second "Hello" refers back to the first.
        let mut shared = Compressor::new(6, 15, false);
        let (mut first, mut second) = (Vec::new(), Vec::new());
        shared.compress(b"Hello", &mut first);
        shared.compress(b"Hello", &mut second);
        assert_eq!(first, [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);
        assert_eq!(second, [0xf2, 0x00, 0x11, 0x00, 0x00]);

        let mut alone = Compressor::new(6, 15, true);
        let mut again = Vec::new();
        alone.compress(b"Hello", &mut Vec::new());
        alone.compress(b"Hello", &mut again);
        assert_eq!(
            again, first,
            "no context takeover: the same bytes each time"
        );
    }

    #[test]
    fn an_empty_message_is_one_empty_block_even_after_another() {
        let mut compressor = Compressor::new(6, 15, false);
        let mut out = Vec::new();
        compressor.compress(b"", &mut out);
        assert_eq!(out, [0x00]);
        compressor.compress(b"Hello", &mut Vec::new());
        let mut after = Vec::new();
        compressor.compress(b"", &mut after);
        assert_eq!(after, [0x00]);
        let mut decompressor = Decompressor::new(15, false);
        for wire in [&out[..], &after] {
            let mut back = Vec::new();
            decompressor.inflate(wire, &mut back, 10).unwrap();
            decompressor.finish(&mut back, 10).unwrap();
            assert!(back.is_empty());
        }
    }

    #[test]
    fn large_messages_at_every_window_round_trip() {
        let text: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("{{\"id\":{i},\"name\":\"n{}\"}}", i % 97).into_bytes())
            .collect();
        for bits in 9..=15 {
            let mut compressor = Compressor::new(6, bits, false);
            let mut decompressor = Decompressor::new(bits, false);
            for _ in 0..2 {
                let mut wire = Vec::new();
                compressor.compress(&text, &mut wire);
                assert!(wire.len() < text.len() / 4, "{bits}: {}", wire.len());
                let mut back = Vec::new();
                decompressor.inflate(&wire, &mut back, usize::MAX).unwrap();
                decompressor.finish(&mut back, usize::MAX).unwrap();
                assert!(back == text, "{bits}");
            }
        }
    }
}
