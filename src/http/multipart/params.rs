//! The parameters of a header value: `form-data; name="a"; filename="b.txt"`.

use std::borrow::Cow;

/// The value of parameter `name` (its case ignored) in `value`, the part after the first
/// `;`, unquoted; `None` when it is absent or not `name=token` / `name="quoted"`.
pub(crate) fn param<'a>(value: &'a str, name: &str) -> Option<Cow<'a, str>> {
    let mut rest = value.split_once(';')?.1;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ';']);
        if rest.is_empty() {
            return None;
        }
        let (key, after) = rest.split_once('=')?;
        let key = key.trim();
        let after = after.trim_start_matches([' ', '\t']);
        let (found, next) = match after.strip_prefix('"') {
            Some(quoted) => unquote(quoted)?,
            None => {
                let end = after.find(';').unwrap_or(after.len());
                (Cow::Borrowed(after[..end].trim_end()), &after[end..])
            }
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(found);
        }
        rest = next;
    }
}

/// An RFC 8187 extended value (`filename*=UTF-8''na%C3%AFve.txt`): `charset'language'` and
/// percent-encoded bytes, decoded; `None` for a charset other than UTF-8 and ISO-8859-1, a
/// malformed escape, or bytes that are not UTF-8.
pub(crate) fn ext_value(value: &str) -> Option<String> {
    let (charset, rest) = value.split_once('\'')?;
    let (_language, encoded) = rest.split_once('\'')?;
    if charset.eq_ignore_ascii_case("utf-8") {
        return crate::http::percent::decode(encoded).map(Cow::into_owned);
    }
    // Only ASCII may stand unescaped (RFC 8187's attr-char); each byte of ISO-8859-1 is the
    // Unicode code point of the same number.
    if !charset.eq_ignore_ascii_case("iso-8859-1") || !encoded.is_ascii() {
        return None;
    }
    let bytes = crate::http::percent::decode_bytes(encoded)?;
    Some(bytes.iter().copied().map(char::from).collect())
}

/// A quoted string's content (`text` starts after its opening quote), its backslash escapes
/// undone, and what follows its closing quote; `None` when it is not closed.
fn unquote(text: &str) -> Option<(Cow<'_, str>, &str)> {
    let bytes = text.as_bytes();
    let mut owned: Option<String> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let content = match owned {
                    Some(owned) => Cow::Owned(owned),
                    None => Cow::Borrowed(&text[..i]),
                };
                return Some((content, &text[i + 1..]));
            }
            b'\\' if i + 1 < bytes.len() => {
                let kept = owned.get_or_insert_with(|| text[..i].to_string());
                let next = text[i + 1..].chars().next()?;
                kept.push(next);
                i += 1 + next.len_utf8();
            }
            _ => {
                let next = text[i..].chars().next()?;
                if let Some(kept) = &mut owned {
                    kept.push(next);
                }
                i += next.len_utf8();
            }
        }
    }
    None
}

/// Writes `text` as a quoted string for a part header, as browsers (and aiohttp) do: `"`
/// as `%22`, CR and LF as `%0D` and `%0A`, so that no value can end the header.
pub(crate) fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("%22"),
            '\r' => quoted.push_str("%0D"),
            '\n' => quoted.push_str("%0A"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tokens_and_quoted_values_by_name() {
        let value = r#"form-data; Name="a \"b\""; filename=c.txt ; x="y;z""#;
        assert_eq!(param(value, "name").as_deref(), Some(r#"a "b""#));
        assert_eq!(param(value, "FILENAME").as_deref(), Some("c.txt"));
        assert_eq!(param(value, "x").as_deref(), Some("y;z"));
        assert_eq!(param(value, "missing"), None);
        assert_eq!(param("form-data", "name"), None);
        assert_eq!(param(r#"form-data; name="open"#, "name"), None);
        assert_eq!(param("form-data; name", "name"), None);
    }

    #[test]
    fn extended_values_decode_from_their_charset() {
        assert_eq!(
            ext_value("UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.txt").as_deref(),
            Some("naïve résumé.txt")
        );
        assert_eq!(
            ext_value("utf-8'en'%E2%82%AC%20rates").as_deref(),
            Some("€ rates")
        );
        assert_eq!(
            ext_value("ISO-8859-1''caf%E9.txt").as_deref(),
            Some("café.txt")
        );
        // Not decodable: a charset wasio does not know, a bad escape, bytes not UTF-8, or no
        // charset and language at all.
        assert_eq!(ext_value("Shift_JIS''%82%A0"), None);
        assert_eq!(ext_value("UTF-8''%zz"), None);
        assert_eq!(ext_value("UTF-8''%E9"), None);
        assert_eq!(ext_value("ISO-8859-1''%4"), None);
        assert_eq!(ext_value("ISO-8859-1''café"), None);
        assert_eq!(ext_value("ISO-8859-1''%+1"), None);
        assert_eq!(ext_value("plain.txt"), None);
    }

    #[test]
    fn quoting_keeps_a_value_inside_its_header() {
        assert_eq!(quote("a\"b\r\nc é"), "\"a%22b%0D%0Ac é\"");
        assert_eq!(
            param(&format!("form-data; name={}", quote("x\"y")), "name").as_deref(),
            Some("x%22y")
        );
    }
}
