//! Percent-decoding (RFC 3986, 2.1) of URL parts (paths and credentials) and percent-encoding
//! of path segments, with the
//! `percent-encoding` crate (already in every component that parses a query, through
//! `form_urlencoded`; measured in release builds without `+simd128`, using it instead of the hand-written decoder
//! this module had costs 159 bytes in `examples/http_server` and 778 in `examples/http_client`,
//! and nothing in `examples/hello_server`, which links neither). The crate keeps a malformed
//! escape (`%zz`) as it is; wasio refuses it, so that the router answers such a path with 400
//! instead of matching it literally.

use std::borrow::Cow;

/// `text` with `%XX` escapes decoded (`+` stays `+`), borrowed when it has none; `None` when an
/// escape is malformed or the result is not UTF-8.
pub(crate) fn decode(text: &str) -> Option<Cow<'_, str>> {
    decoder(text)?.decode_utf8().ok()
}

/// The bytes `text`'s `%XX` escapes stand for (the rest as it is), borrowed when it has
/// none; `None` when an escape is malformed.
pub(crate) fn decode_bytes(text: &str) -> Option<Cow<'_, [u8]>> {
    decoder(text).map(Cow::from)
}

/// The crate's decoder of `text`, once every `%` in it is followed by two hex digits.
fn decoder(text: &str) -> Option<percent_encoding::PercentDecode<'_>> {
    let bytes = text.as_bytes();
    let malformed = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    (!malformed).then(|| percent_encoding::percent_decode_str(text))
}

/// Every byte but RFC 3986's unreserved characters (letters, digits, `-._~`).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `text` with every byte but RFC 3986's unreserved characters percent-encoded, as `%XX` in
/// upper case: a path segment that decodes back to `text`.
pub(crate) fn encode_segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
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
