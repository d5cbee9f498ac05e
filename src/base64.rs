//! Standard base64 with padding (RFC 4648, section 4): basic authentication and the WebSocket
//! handshake keys.
//!
//! Hand-written rather than the `base64` crate for component size: measured in release builds
//! (`+simd128`), the crate's `STANDARD` engine in place of these two functions adds 4.9 KB to
//! `examples/http_server` (which links the HTTP client, and runs under `wasmtime serve`), 5.7 KB
//! to `examples/http_client`, 4.7 KB to `examples/ws_echo_server` and 3.4 KB to
//! `examples/ws_client`. Speed does not matter here: one key per WebSocket handshake, one
//! header per request with credentials. The tests check RFC 4648's vectors, round trips and
//! the refusal of text that is not canonical (as the crate's `STANDARD` engine refuses it).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `input` in base64, padded with `=`.
pub(crate) fn encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes `text` encodes; `None` unless it is canonical padded base64.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for (index, group) in text.chunks(4).enumerate() {
        let last = index == text.len() / 4 - 1;
        let padding = group.iter().rev().take_while(|&&b| b == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &byte in &group[..4 - padding] {
            let value = ALPHABET.iter().position(|&a| a == byte)? as u32;
            n = n << 6 | value;
        }
        n <<= 6 * padding as u32;
        let bytes = n.to_be_bytes();
        // Bits the padding hides must be zero, or the text is not canonical.
        let kept = 3 - padding;
        if bytes[1 + kept..].iter().any(|&b| b != 0) {
            return None;
        }
        out.extend_from_slice(&bytes[1..1 + kept]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTORS: [(&str, &str); 7] = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn encoding_matches_rfc_4648() {
        for (input, expected) in VECTORS {
            assert_eq!(encode(input.as_bytes()), expected);
        }
    }

    #[test]
    fn decoding_inverts_encoding_and_refuses_what_is_not_canonical() {
        for (expected, text) in VECTORS {
            assert_eq!(decode(text).as_deref(), Some(expected.as_bytes()));
        }
        for n in 0..=64u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(decode(&encode(&bytes)), Some(bytes));
        }
        for bad in [
            "Zg=", "Zg", "Z===", "Zh==", "Zm9=v", "Zg==Zg==", "!!!!", "Zm8==",
        ] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
