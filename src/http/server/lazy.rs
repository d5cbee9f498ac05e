//! A request's URL and headers as the host gave them, turned into `http` types only when a
//! handler first asks. Most handlers look at few headers, and a component that never does
//! carries no header-parsing code at all.

use std::cell::OnceCell;

use http::{HeaderMap, Uri};

/// The request target: its path and query are read straight from the text (which a wasi:http
/// host is asked for the first time a handler wants it); the [`Uri`] is built on demand.
pub(crate) struct LazyUri {
    uri: OnceCell<Uri>,
    /// The path and query, starting with `/` (or `*`).
    path_and_query: OnceCell<String>,
}

impl LazyUri {
    pub(crate) fn parsed(uri: Uri) -> LazyUri {
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
        LazyUri {
            uri: OnceCell::from(uri),
            path_and_query: OnceCell::from(path_and_query),
        }
    }

    /// A path and query as wasio's own server read it.
    pub(crate) fn raw(path_and_query: String) -> LazyUri {
        LazyUri {
            uri: OnceCell::new(),
            path_and_query: OnceCell::from(normalize(Some(path_and_query))),
        }
    }

    /// A path and query still to ask the host for.
    pub(crate) fn pending() -> LazyUri {
        LazyUri {
            uri: OnceCell::new(),
            path_and_query: OnceCell::new(),
        }
    }

    /// The path and query, from `fetch` (the host) the first time when not known yet.
    pub(crate) fn target(&self, fetch: impl FnOnce() -> Option<String>) -> &str {
        self.path_and_query.get_or_init(|| normalize(fetch()))
    }

    pub(crate) fn path(&self, fetch: impl FnOnce() -> Option<String>) -> &str {
        let target = self.target(fetch);
        let end = target
            .bytes()
            .position(|b| b == b'?')
            .unwrap_or(target.len());
        &target[..end]
    }

    pub(crate) fn query(&self, fetch: impl FnOnce() -> Option<String>) -> Option<&str> {
        let target = self.target(fetch);
        let at = target.bytes().position(|b| b == b'?')?;
        Some(&target[at + 1..])
    }

    /// The URI, with `origin` (`scheme://authority`) in front when there is one. A target
    /// `http` cannot parse (no host sends one) keeps only its path, or becomes `/`.
    pub(crate) fn uri(
        &self,
        fetch: impl FnOnce() -> Option<String>,
        origin: impl FnOnce() -> Option<String>,
    ) -> &Uri {
        let target = self.target(fetch);
        self.uri.get_or_init(|| {
            let path = || target.parse();
            match origin() {
                Some(origin) => format!("{origin}{target}").parse().or_else(|_| path()),
                None => path(),
            }
            .unwrap_or_else(|_| Uri::from_static("/"))
        })
    }
}

/// A target as given, if it is one (starting with `/`, or `*`); `/` otherwise.
fn normalize(path_and_query: Option<String>) -> String {
    path_and_query
        .filter(|p| p.starts_with('/') || p == "*")
        .unwrap_or_else(|| "/".into())
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

    /// The headers, to change them (fetched with `entries` first, if they were not yet).
    pub(crate) fn get_mut(
        &mut self,
        entries: impl FnOnce() -> Vec<(String, Vec<u8>)>,
    ) -> &mut HeaderMap {
        let map = self
            .map
            .take()
            .unwrap_or_else(|| crate::http::fields::header_map(entries()));
        self.map = OnceCell::from(map);
        self.map
            .get_mut()
            .expect("the cell was filled on the line above")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_target_gives_its_path_and_query_before_and_after_parsing() {
        let unused = || unreachable!("a raw target is known");
        let target = LazyUri::raw("/a/b?x=1&y".into());
        assert_eq!(
            (target.path(unused), target.query(unused)),
            ("/a/b", Some("x=1&y"))
        );
        let uri = target.uri(unused, || Some("https://example.com:8443".into()));
        assert_eq!(uri.to_string(), "https://example.com:8443/a/b?x=1&y");
        assert_eq!(uri.host(), Some("example.com"));
        let odd = LazyUri::raw("/p?q".into());
        assert_eq!(
            odd.uri(unused, || Some("http://bad host".into())),
            "/p?q",
            "an authority http refuses is dropped, not the path"
        );
        let not_a_path = LazyUri::raw("relative".into());
        assert_eq!(not_a_path.path(unused), "/");
    }

    #[test]
    fn a_pending_target_is_fetched_once_when_first_asked_for() {
        let target = LazyUri::pending();
        assert_eq!(target.path(|| Some("/items?page=2".into())), "/items");
        let unused = || unreachable!("fetched once");
        assert_eq!(target.query(unused), Some("page=2"));
        assert_eq!(target.uri(unused, || None), "/items?page=2");
        let none = LazyUri::pending();
        assert_eq!((none.path(|| None), none.query(|| None)), ("/", None));
        assert_eq!(none.uri(|| None, || None), "/");
        let uri_first = LazyUri::pending();
        assert_eq!(uri_first.uri(|| Some("/u".into()), || None), "/u");
        assert_eq!(uri_first.path(unused), "/u");
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
