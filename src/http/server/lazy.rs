//! A request's URL and headers as the host gave them, turned into `http` types only when a
//! handler first asks. Most handlers look at few headers, and a component that never does
//! carries no header-parsing code at all.

use std::cell::{Cell, OnceCell};

use http::{HeaderMap, Uri};

/// The request target: its path and query are read straight from the text; the [`Uri`] is
/// built on demand.
pub(crate) struct LazyUri {
    uri: OnceCell<Uri>,
    /// `scheme://authority` when the host gave them, else empty.
    origin: String,
    /// The path and query, starting with `/` (or `*`).
    path_and_query: String,
}

impl LazyUri {
    pub(crate) fn parsed(uri: Uri) -> LazyUri {
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
        LazyUri {
            uri: OnceCell::from(uri),
            origin: String::new(),
            path_and_query,
        }
    }

    /// A target in parts, as wasi:http gives it.
    pub(crate) fn raw(
        scheme: &str,
        authority: Option<String>,
        path_and_query: Option<String>,
    ) -> LazyUri {
        let origin = match authority {
            Some(authority) => format!("{scheme}://{authority}"),
            None => String::new(),
        };
        let path_and_query = path_and_query
            .filter(|p| p.starts_with('/') || p == "*")
            .unwrap_or_else(|| "/".into());
        LazyUri {
            uri: OnceCell::new(),
            origin,
            path_and_query,
        }
    }

    pub(crate) fn path(&self) -> &str {
        let end = self
            .path_and_query
            .find('?')
            .unwrap_or(self.path_and_query.len());
        &self.path_and_query[..end]
    }

    pub(crate) fn query(&self) -> Option<&str> {
        Some(&self.path_and_query[self.path_and_query.find('?')? + 1..])
    }

    /// The URI; a target `http` cannot parse (no host sends one) keeps only its path.
    pub(crate) fn uri(&self) -> &Uri {
        self.uri.get_or_init(|| {
            format!("{}{}", self.origin, self.path_and_query)
                .parse()
                .or_else(|_| self.path_and_query.parse())
                .unwrap_or_else(|_| Uri::from_static("/"))
        })
    }
}

/// Header fields as name and value bytes, parsed into a [`HeaderMap`] on first use.
pub(crate) struct LazyHeaders {
    map: OnceCell<HeaderMap>,
    entries: Cell<Vec<(String, Vec<u8>)>>,
}

impl LazyHeaders {
    pub(crate) fn parsed(map: HeaderMap) -> LazyHeaders {
        LazyHeaders {
            map: OnceCell::from(map),
            entries: Cell::default(),
        }
    }

    pub(crate) fn raw(entries: Vec<(String, Vec<u8>)>) -> LazyHeaders {
        LazyHeaders {
            map: OnceCell::new(),
            entries: Cell::new(entries),
        }
    }

    /// The headers; a field the `http` crate refuses (no host sends one) is skipped.
    pub(crate) fn get(&self) -> &HeaderMap {
        self.map
            .get_or_init(|| crate::http::fields::header_map(self.entries.take()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_target_gives_its_path_and_query_before_and_after_parsing() {
        let target = LazyUri::raw(
            "https",
            Some("example.com:8443".into()),
            Some("/a/b?x=1&y".into()),
        );
        assert_eq!((target.path(), target.query()), ("/a/b", Some("x=1&y")));
        assert_eq!(
            target.uri().to_string(),
            "https://example.com:8443/a/b?x=1&y"
        );
        assert_eq!(target.uri().host(), Some("example.com"));
        let bare = LazyUri::raw("http", None, None);
        assert_eq!((bare.path(), bare.query()), ("/", None));
        assert_eq!(bare.uri(), "/");
        let odd = LazyUri::raw("http", Some("bad host".into()), Some("/p?q".into()));
        assert_eq!(
            odd.uri(),
            "/p?q",
            "an authority http refuses is dropped, not the path"
        );
    }

    #[test]
    fn raw_headers_become_a_map_with_every_value() {
        let headers = LazyHeaders::raw(vec![
            ("accept".into(), b"a".to_vec()),
            ("Accept".into(), b"b".to_vec()),
            ("bad name".into(), b"x".to_vec()),
        ]);
        let map = headers.get();
        assert_eq!(map.get_all("accept").iter().count(), 2);
        assert_eq!(map.len(), 2);
    }
}
