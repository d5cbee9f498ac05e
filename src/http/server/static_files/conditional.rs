//! A file's validators (`ETag`, `Last-Modified`) and the conditional headers that test them
//! (RFC 9110, 13): no I/O.

use std::time::{SystemTime, UNIX_EPOCH};

/// What identifies one version of a file: its size and modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Validators {
    /// A strong entity tag, quoted: `"<mtime seconds>-<mtime nanoseconds>-<size>"` in hex.
    pub(crate) etag: String,
    /// The modification time in whole seconds, when the host keeps one.
    pub(crate) modified: Option<SystemTime>,
}

impl Validators {
    pub(crate) fn new(size: u64, modified: Option<SystemTime>) -> Validators {
        let since = modified.and_then(|m| m.duration_since(UNIX_EPOCH).ok());
        let etag = match since {
            Some(since) => format!(
                "\"{:x}-{:x}-{size:x}\"",
                since.as_secs(),
                since.subsec_nanos()
            ),
            None => format!("\"{size:x}\""),
        };
        let modified =
            since.map(|since| UNIX_EPOCH + std::time::Duration::from_secs(since.as_secs()));
        Validators { etag, modified }
    }

    /// `Last-Modified`'s value.
    pub(crate) fn last_modified(&self) -> Option<String> {
        self.modified.map(httpdate::fmt_http_date)
    }

    /// Whether a GET or HEAD with these `If-None-Match` and `If-Modified-Since` headers gets
    /// 304 Not Modified: `If-None-Match`, when present, decides alone (RFC 9110, 13.2.2).
    pub(crate) fn not_modified(
        &self,
        if_none_match: Option<&str>,
        if_modified_since: Option<&str>,
    ) -> bool {
        if let Some(tags) = if_none_match {
            return tags.trim() == "*"
                || tags
                    .split(',')
                    .any(|tag| weak_equal(tag.trim(), &self.etag));
        }
        match (
            if_modified_since.and_then(|d| httpdate::parse_http_date(d).ok()),
            self.modified,
        ) {
            (Some(since), Some(modified)) => modified <= since,
            _ => false,
        }
    }

    /// Whether an `If-Range` lets the `Range` apply: a strong tag equal to ours, or the very
    /// `Last-Modified` date (RFC 9110, 13.1.5).
    pub(crate) fn range_applies(&self, if_range: &str) -> bool {
        let if_range = if_range.trim();
        if if_range.starts_with('"') {
            return if_range == self.etag;
        }
        if if_range.starts_with("W/") {
            return false;
        }
        match (httpdate::parse_http_date(if_range), self.modified) {
            (Ok(date), Some(modified)) => date == modified,
            _ => false,
        }
    }
}

/// Whether two entity tags are equal, weakness ignored.
fn weak_equal(a: &str, b: &str) -> bool {
    let strip = |tag: &str| tag.strip_prefix("W/").unwrap_or(tag).to_owned();
    strip(a) == strip(b)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::Validators;

    fn validators() -> Validators {
        Validators::new(1000, Some(UNIX_EPOCH + Duration::new(1_700_000_000, 5)))
    }

    #[test]
    fn the_tag_names_size_and_time() {
        let v = validators();
        assert_eq!(v.etag, "\"6553f100-5-3e8\"");
        assert_eq!(v.last_modified().unwrap(), "Tue, 14 Nov 2023 22:13:20 GMT");
        assert_eq!(Validators::new(16, None).etag, "\"10\"");
        assert_eq!(Validators::new(16, None).last_modified(), None);
    }

    #[test]
    fn if_none_match_wins() {
        let v = validators();
        let date = "Tue, 14 Nov 2023 22:13:20 GMT";
        assert!(v.not_modified(Some("\"6553f100-5-3e8\""), None));
        assert!(v.not_modified(Some("\"x\", W/\"6553f100-5-3e8\""), None));
        assert!(v.not_modified(Some("*"), None));
        assert!(!v.not_modified(Some("\"x\""), Some(date)));
        assert!(v.not_modified(None, Some(date)));
        assert!(v.not_modified(None, Some("Wed, 15 Nov 2023 00:00:00 GMT")));
        assert!(!v.not_modified(None, Some("Tue, 14 Nov 2023 22:13:19 GMT")));
        assert!(!v.not_modified(None, Some("not a date")));
        assert!(!v.not_modified(None, None));
    }

    #[test]
    fn if_range_takes_a_strong_tag_or_the_date() {
        let v = validators();
        assert!(v.range_applies("\"6553f100-5-3e8\""));
        assert!(!v.range_applies("W/\"6553f100-5-3e8\""));
        assert!(!v.range_applies("\"other\""));
        assert!(v.range_applies("Tue, 14 Nov 2023 22:13:20 GMT"));
        assert!(!v.range_applies("Tue, 14 Nov 2023 22:13:21 GMT"));
        assert!(!v.range_applies("garbage"));
    }
}
