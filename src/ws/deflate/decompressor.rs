//! `Decompressor`: a compressed message's payload back to the message (RFC 7692, section
//! 7.2.2), in bounded steps, so that a message inflating past the limit is stopped when it
//! passes it and not after.

use flate2::{Decompress, FlushDecompress, Status};

use super::compressor::TAIL;

/// The least room the output grows by at a time.
const STEP: usize = 4096;

/// Why a compressed message cannot be inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InflateError {
    /// The payload is not valid deflate data (or refers past the window agreed on).
    Corrupt,
    /// The message inflates past the limit.
    TooBig,
}

/// One end's decompressor for what the peer compressed.
pub struct Decompressor {
    inflate: Decompress,
    reset_each_message: bool,
}

impl std::fmt::Debug for Decompressor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decompressor")
            .field("reset_each_message", &self.reset_each_message)
            .finish_non_exhaustive()
    }
}

impl Decompressor {
    /// A decompressor with a window of `window_bits` (values below 9 take 9, which inflates
    /// what a window of 8 compressed too; above 15 take 15), reset after every message when
    /// the peer has no context takeover.
    pub fn new(window_bits: u8, no_context_takeover: bool) -> Decompressor {
        Decompressor {
            inflate: Decompress::new_with_window_bits(false, window_bits.clamp(9, 15)),
            reset_each_message: no_context_takeover,
        }
    }

    /// Inflates `input`, part of a message's compressed payload, onto `out`, which may
    /// hold at most `limit` bytes: past it, [`InflateError::TooBig`], with `out` grown to
    /// at most `limit + 1` bytes.
    pub fn inflate(
        &mut self,
        mut input: &[u8],
        out: &mut Vec<u8>,
        limit: usize,
    ) -> Result<(), InflateError> {
        loop {
            if out.len() == out.capacity() {
                let room = limit.saturating_add(1) - out.len().min(limit.saturating_add(1));
                let grow = out.capacity().max(STEP).min(room);
                if grow == 0 {
                    return Err(InflateError::TooBig);
                }
                out.reserve_exact(grow);
            }
            let (was_in, was_out) = (self.inflate.total_in(), self.inflate.total_out());
            let status = self
                .inflate
                .decompress_vec(input, out, FlushDecompress::Sync)
                .map_err(|_| InflateError::Corrupt)?;
            let used = (self.inflate.total_in() - was_in) as usize;
            let made = self.inflate.total_out() - was_out;
            input = &input[used..];
            if out.len() > limit {
                return Err(InflateError::TooBig);
            }
            if status == Status::StreamEnd {
                // A block marked final ends the stream: what follows starts a new one.
                self.inflate.reset(false);
            } else if used == 0 && made == 0 && out.len() < out.capacity() {
                // No progress with room to spare: done, or stuck on input that is not deflate.
                return if input.is_empty() {
                    Ok(())
                } else {
                    Err(InflateError::Corrupt)
                };
            }
            if input.is_empty() && out.len() < out.capacity() {
                return Ok(());
            }
        }
    }

    /// Ends a message: inflates the `00 00 ff ff` the sender left off, then forgets the
    /// window when the peer has no context takeover.
    pub fn finish(&mut self, out: &mut Vec<u8>, limit: usize) -> Result<(), InflateError> {
        let result = self.inflate(&TAIL, out, limit);
        if self.reset_each_message {
            self.inflate.reset(false);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inflate_all(
        d: &mut Decompressor,
        wire: &[u8],
        limit: usize,
    ) -> Result<Vec<u8>, InflateError> {
        let mut out = Vec::new();
        d.inflate(wire, &mut out, limit)?;
        d.finish(&mut out, limit)?;
        Ok(out)
    }

    #[test]
    fn rfc_7692_examples_inflate() {
        let mut d = Decompressor::new(15, false);
        // Section 7.2.3.1, and 7.2.3.2's second message referring back to the first.
        assert_eq!(
            inflate_all(&mut d, &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], 100).unwrap(),
            b"Hello"
        );
        assert_eq!(
            inflate_all(&mut d, &[0xf2, 0x00, 0x11, 0x00, 0x00], 100).unwrap(),
            b"Hello"
        );
        // Section 7.2.3.3: "Hello" in a stored block (no compression).
        let stored = [
            0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
        ];
        assert_eq!(
            inflate_all(&mut Decompressor::new(15, false), &stored, 100).unwrap(),
            b"Hello"
        );
        // Section 7.2.3.5: two deflate blocks in one message.
        let two = [
            0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00,
        ];
        assert_eq!(
            inflate_all(&mut Decompressor::new(15, false), &two, 100).unwrap(),
            b"Hello"
        );
        // Section 7.2.3.4: a block with BFINAL set.
        let last = [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00];
        assert_eq!(
            inflate_all(&mut Decompressor::new(15, false), &last, 100).unwrap(),
            b"Hello"
        );
    }

    #[test]
    fn without_context_takeover_a_back_reference_fails() {
        let mut d = Decompressor::new(15, true);
        inflate_all(&mut d, &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], 100).unwrap();
        assert_eq!(
            inflate_all(&mut d, &[0xf2, 0x00, 0x11, 0x00, 0x00], 100),
            Err(InflateError::Corrupt)
        );
    }

    #[test]
    fn a_bomb_stops_just_past_the_limit() {
        let mut c = super::super::Compressor::new(9, 15, false);
        let mut wire = Vec::new();
        c.compress(&vec![0u8; 10 << 20], &mut wire);
        assert!(wire.len() < 20_000, "{}", wire.len());
        let mut out = Vec::new();
        let limit = 100_000;
        let error = Decompressor::new(15, false).inflate(&wire, &mut out, limit);
        assert_eq!(error, Err(InflateError::TooBig));
        assert!(out.capacity() <= limit + 1, "{}", out.capacity());
        // At the limit exactly, it fits.
        let mut exact = super::super::Compressor::new(9, 15, false);
        let mut wire = Vec::new();
        exact.compress(&vec![0u8; limit], &mut wire);
        assert_eq!(
            inflate_all(&mut Decompressor::new(15, false), &wire, limit)
                .unwrap()
                .len(),
            limit
        );
    }

    #[test]
    fn garbage_is_corrupt() {
        assert_eq!(
            inflate_all(
                &mut Decompressor::new(15, false),
                &[0xff, 0xff, 0xff, 0xff],
                100
            ),
            Err(InflateError::Corrupt)
        );
    }
}
