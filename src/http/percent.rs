//! Percent-decoding (RFC 3986, 2.1) of URL parts: paths and credentials; percent-encoding of
//! path segments.

use std::borrow::Cow;

/// `text` with `%XX` escapes decoded (`+` stays `+`), borrowed when it has none; `None` when an
/// escape is malformed or the result is not UTF-8.
pub(crate) fn decode(text: &str) -> Option<Cow<'_, str>> {
    if !text.bytes().any(|b| b == b'%') {
        return Some(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let high = hex_digit(*bytes.get(i + 1)?)?;
            let low = hex_digit(*bytes.get(i + 2)?)?;
            out.push(high << 4 | low);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

/// `text` with every byte but RFC 3986's unreserved characters (letters, digits, `-._~`)
/// percent-encoded, as `%XX` in upper case: a path segment that decodes back to `text`.
pub(crate) fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).map(|digit| digit as u8)
}

#[cfg(test)]
mod tests {
    use super::{decode, encode_segment};

    #[test]
    fn a_segment_encodes_all_but_unreserved_characters_and_decodes_back() {
        assert_eq!(encode_segment("a b/c%d?é"), "a%20b%2Fc%25d%3F%C3%A9");
        assert_eq!(encode_segment("Az09-._~"), "Az09-._~");
        for text in ["a b/c", "100%", "é+ü", ""] {
            assert_eq!(decode(&encode_segment(text)).as_deref(), Some(text));
        }
    }

    #[test]
    fn escapes_decode_and_bad_ones_are_refused() {
        assert_eq!(decode("a%20b%2Fc+d").as_deref(), Some("a b/c+d"));
        assert!(matches!(
            decode("plain"),
            Some(std::borrow::Cow::Borrowed("plain"))
        ));
        assert_eq!(decode("caf%C3%A9").as_deref(), Some("café"));
        for bad in ["%", "%2", "%zz", "%ff", "%+1"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
