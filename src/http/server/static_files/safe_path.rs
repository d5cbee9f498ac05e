//! A request's path under a static-files route as a path inside the served directory, or
//! nothing when it could reach outside it: no I/O.

/// The decoded tail of a route (`a/b.txt`) as a path relative to the served directory;
/// `None` for any step that leaves it or that a host could read as more than a name: `..`,
/// `.`, an empty step (`a//b`, a leading `/`), a backslash, a NUL or another control
/// character.
pub(crate) fn relative(tail: &str) -> Option<&str> {
    if tail.is_empty() {
        return Some("");
    }
    let tail = tail.strip_suffix('/').unwrap_or(tail);
    let safe = tail.split('/').all(|step| {
        !step.is_empty()
            && step != "."
            && step != ".."
            && !step.chars().any(|c| c == '\\' || c.is_control())
    });
    safe.then_some(tail)
}

/// Whether a raw (undecoded) request path encodes a separator or a NUL (`%2f`, `%5c`,
/// `%00`), which decoding would turn into something else than a name.
pub(crate) fn encodes_separator(raw: &str) -> bool {
    raw.as_bytes().windows(3).any(|w| {
        w[0] == b'%'
            && matches!(
                (w[1].to_ascii_lowercase(), w[2].to_ascii_lowercase()),
                (b'2', b'f') | (b'5', b'c') | (b'0', b'0')
            )
    })
}

#[cfg(test)]
mod tests {
    use super::{encodes_separator, relative};

    #[test]
    fn names_inside_pass() {
        assert_eq!(relative("a.txt"), Some("a.txt"));
        assert_eq!(relative("css/site.css"), Some("css/site.css"));
        assert_eq!(relative("dir/"), Some("dir"));
        assert_eq!(relative(""), Some(""));
        assert_eq!(relative("..a/b..c"), Some("..a/b..c"));
    }

    #[test]
    fn ways_out_are_refused() {
        for tail in [
            "..",
            "../x",
            "a/../../x",
            "a/..",
            "./a",
            "a/./b",
            "/etc/passwd",
            "a//b",
            "a\\..\\b",
            "..\\x",
            "a\0b",
            "a\nb",
        ] {
            assert_eq!(relative(tail), None, "{tail:?}");
        }
    }

    #[test]
    fn encoded_separators_are_seen() {
        assert!(encodes_separator("/static/a%2fb"));
        assert!(encodes_separator("/static/a%2Fb"));
        assert!(encodes_separator("/static/..%5c..%5cx"));
        assert!(encodes_separator("/static/a%00.txt"));
        assert!(!encodes_separator("/static/a%20b.txt"));
        assert!(!encodes_separator("/static/%2e%2e/x"));
    }
}
