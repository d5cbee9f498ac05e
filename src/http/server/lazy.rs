//! A request's URL and headers as the host gave them, turned into `http` types only when a
//! handler first asks. Most handlers look at few headers, and a component that never does
//! carries no header-parsing code at all.

use std::cell::OnceCell;

use http::{HeaderMap, Uri};

/// The request target: its path and query are read straight from the text; the [`Uri`] is
/// built on demand.
pub(crate) struct LazyUri {
    uri: OnceCell<Uri>,
    /// The path and query, starting with `/` (or `*`).
    path_and_query: String,
}

impl LazyUri {
    pub(crate) fn parsed(uri: Uri) -> LazyUri {
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
        LazyUri {
            uri: OnceCell::from(uri),
            path_and_query,
        }
    }

    /// A path and query as wasi:http gives it.
    pub(crate) fn raw(path_and_query: Option<String>) -> LazyUri {
        let path_and_query = path_and_query
            .filter(|p| p.starts_with('/') || p == "*")
            .unwrap_or_else(|| "/".into());
        LazyUri {
            uri: OnceCell::new(),
            path_and_query,
        }
    }

    pub(crate) fn path(&self) -> &str {
        let end = self
            .path_and_query
            .bytes()
            .position(|b| b == b'?')
            .unwrap_or(self.path_and_query.len());
        &self.path_and_query[..end]
    }

    pub(crate) fn query(&self) -> Option<&str> {
        let at = self.path_and_query.bytes().position(|b| b == b'?')?;
        Some(&self.path_and_query[at + 1..])
    }

    /// The URI, with `origin` (`scheme://authority`) in front when there is one. A target
    /// `http` cannot parse (no host sends one) keeps only its path, or becomes `/`.
    pub(crate) fn uri(&self, origin: impl FnOnce() -> Option<String>) -> &Uri {
        self.uri.get_or_init(|| {
            let path = || self.path_and_query.parse();
            match origin() {
                Some(origin) => format!("{origin}{}", self.path_and_query)
                    .parse()
                    .or_else(|_| path()),
                None => path(),
            }
            .unwrap_or_else(|_| Uri::from_static("/"))
        })
    }
}

/// Header fields, fetched and parsed into a [`HeaderMap`] on first use.
pub(crate) struct LazyHeaders {
    map: OnceCell<HeaderMap>,
}

impl LazyHeaders {
    pub(crate) fn parsed(map: HeaderMap) -> LazyHeaders {
        LazyHeaders {
            map: OnceCell::from(map),
        }
    }

    /// Headers still to fetch.
    pub(crate) fn pending() -> LazyHeaders {
        LazyHeaders {
            map: OnceCell::new(),
        }
    }

    /// The headers, fetched with `entries` the first time; a field the `http` crate refuses
    /// (no host sends one) is skipped.
    pub(crate) fn get(&self, entries: impl FnOnce() -> Vec<(String, Vec<u8>)>) -> &HeaderMap {
        self.map
            .get_or_init(|| crate::http::fields::header_map(entries()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_target_gives_its_path_and_query_before_and_after_parsing() {
        let target = LazyUri::raw(Some("/a/b?x=1&y".into()));
        assert_eq!((target.path(), target.query()), ("/a/b", Some("x=1&y")));
        let uri = target.uri(|| Some("https://example.com:8443".into()));
        assert_eq!(uri.to_string(), "https://example.com:8443/a/b?x=1&y");
        assert_eq!(uri.host(), Some("example.com"));
        let bare = LazyUri::raw(None);
        assert_eq!((bare.path(), bare.query()), ("/", None));
        assert_eq!(bare.uri(|| None), "/");
        let odd = LazyUri::raw(Some("/p?q".into()));
        assert_eq!(
            odd.uri(|| Some("http://bad host".into())),
            "/p?q",
            "an authority http refuses is dropped, not the path"
        );
        let not_a_path = LazyUri::raw(Some("relative".into()));
        assert_eq!(not_a_path.path(), "/");
    }

    #[test]
    fn headers_are_fetched_once_and_keep_every_value() {
        let headers = LazyHeaders::pending();
        let fetch = || {
            vec![
                ("accept".into(), b"a".to_vec()),
                ("Accept".into(), b"b".to_vec()),
                ("bad name".into(), b"x".to_vec()),
            ]
        };
        let map = headers.get(fetch);
        assert_eq!(map.get_all("accept").iter().count(), 2);
        assert_eq!(map.len(), 2);
        let again = headers.get(|| unreachable!("fetched once"));
        assert_eq!(again.len(), 2);
    }
}
