//! Incremental UTF-8 validation: a text message is checked as its bytes arrive, so invalid
//! text fails at the first bad byte, even in the middle of a frame, not at the message's end.
//!
//! The bytes are checked by `simdutf8` (its `compat` flavour, which says where the text broke
//! off, as `std::str::from_utf8` does), with WebAssembly SIMD where the build enables
//! `simd128` (wasio's does, and its README asks applications to); without it, simdutf8 falls
//! back to the standard library's check. Measured under wasmtime 48 (release, `+simd128`):
//! - the check alone, in MB/s, the standard library against simdutf8: 14 200 against 53 000 on
//!   1 MiB of ASCII JSON; 800 against 4 900-5 200 on 16 KiB and 1 MiB of JSON mixing Latin,
//!   Cyrillic, CJK and emoji; the same on 20 bytes (about 2 000, and 930 mixed);
//! - in the codec (`scripts/bench --only codec`, decode-text: masked text frames of that mixed
//!   JSON), 646 -> 2 200-2 400 MB/s for 16 KiB messages and 592 -> 1 980-2 030 MB/s for 1 MiB
//!   ones (tungstenite 0.30: 560-620 and 615-950), and no change for 20-byte ones (about 230);
//! - 3.5 KB more in a component that does WebSockets (`examples/ws_echo_server` 356 516 ->
//!   360 040 bytes, `examples/ws_client` 358 078 -> 361 602); nothing elsewhere.
//!
//! What is written here is only the state a character split between two pieces needs, and
//! [`is_utf8`] for a message that arrived whole. The `utf-8` crate, which tungstenite uses, is
//! an incremental decoder over the standard library's check: no faster.

/// Whether `bytes` are UTF-8: a whole message at once. (The `compat` flavour, as for pieces:
/// simdutf8's `basic` one measured no faster here, and would add its own 2.6 KB.)
pub(crate) fn is_utf8(bytes: &[u8]) -> bool {
    simdutf8::compat::from_utf8(bytes).is_ok()
}

/// Validates text fed in pieces split anywhere.
#[derive(Debug, Default, Clone)]
pub(crate) struct Utf8Validator {
    /// The start of a character the last piece ended inside (at most three bytes).
    pending: [u8; 4],
    pending_len: usize,
}

/// The text is not valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvalidUtf8;

impl Utf8Validator {
    /// Checks the next piece: an error as soon as a byte cannot be part of valid UTF-8.
    pub(crate) fn feed(&mut self, mut piece: &[u8]) -> Result<(), InvalidUtf8> {
        if self.pending_len > 0 {
            // Finish the character the last piece began, one byte at a time.
            while self.pending_len < 4 && !piece.is_empty() {
                self.pending[self.pending_len] = piece[0];
                self.pending_len += 1;
                piece = &piece[1..];
                match std::str::from_utf8(&self.pending[..self.pending_len]) {
                    Ok(_) => {
                        self.pending_len = 0;
                        break;
                    }
                    Err(error) if error.error_len().is_some() => return Err(InvalidUtf8),
                    Err(_) => {}
                }
            }
            if self.pending_len > 0 {
                return Ok(());
            }
        }
        match simdutf8::compat::from_utf8(piece) {
            Ok(_) => Ok(()),
            Err(error) if error.error_len().is_some() => Err(InvalidUtf8),
            Err(error) => {
                let rest = &piece[error.valid_up_to()..];
                self.pending[..rest.len()].copy_from_slice(rest);
                self.pending_len = rest.len();
                Ok(())
            }
        }
    }

    /// Checks that the text did not end inside a character, and starts over.
    pub(crate) fn finish(&mut self) -> Result<(), InvalidUtf8> {
        let complete = self.pending_len == 0;
        self.pending_len = 0;
        if complete { Ok(()) } else { Err(InvalidUtf8) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_in_pieces(bytes: &[u8], piece: usize) -> Result<(), InvalidUtf8> {
        let mut validator = Utf8Validator::default();
        for chunk in bytes.chunks(piece.max(1)) {
            validator.feed(chunk)?;
        }
        validator.finish()
    }

    #[test]
    fn valid_text_passes_from_any_split() {
        let text = "κόσμε ascii 𝄞 €uro \u{10FFFF}".as_bytes();
        for piece in 1..=text.len() {
            assert_eq!(check_in_pieces(text, piece), Ok(()), "{piece}");
        }
        for split in 0..=text.len() {
            let mut validator = Utf8Validator::default();
            validator.feed(&text[..split]).unwrap();
            validator.feed(&text[split..]).unwrap();
            assert_eq!(validator.finish(), Ok(()));
        }
    }

    #[test]
    fn invalid_text_fails_at_the_first_bad_byte() {
        for bad in [
            &b"\xff"[..],
            b"\xc0\xaf",         // overlong
            b"\xed\xa0\x80",     // surrogate
            b"\xf4\x90\x80\x80", // beyond U+10FFFF
            b"ab\x80",           // lone continuation
            b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited",
        ] {
            for piece in 1..=bad.len() {
                assert_eq!(
                    check_in_pieces(bad, piece),
                    Err(InvalidUtf8),
                    "{bad:?} {piece}"
                );
            }
        }
        // Fail fast: the surrogate's second byte is enough, before the message ends.
        let mut validator = Utf8Validator::default();
        assert_eq!(validator.feed(b"ok \xed"), Ok(()));
        assert_eq!(validator.feed(b"\xa0"), Err(InvalidUtf8));
    }

    #[test]
    fn text_ending_inside_a_character_fails_at_the_end() {
        let mut validator = Utf8Validator::default();
        assert_eq!(validator.feed(b"\xe2\x82"), Ok(()));
        assert_eq!(validator.finish(), Err(InvalidUtf8));
        assert_eq!(validator.feed(b"fresh"), Ok(()), "finish starts over");
        assert_eq!(validator.finish(), Ok(()));
    }
}
