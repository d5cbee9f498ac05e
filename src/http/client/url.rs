//! URLs for the client: parsing, joining a reference onto a base (RFC 3986, section 5), and
//! adding query parameters. Pure functions, no I/O.
//!
//! URLs are `http::Uri`s (the `http` crate parses them); only the joining of a reference onto a
//! base (`ClientBuilder::base_url`, redirects) and the query are written here, rather than with
//! the `url` crate, for component size: measured in release builds (`+simd128`), resolving
//! references with `url::Url::join` adds 213 KB to `examples/http_client` (359 956 -> 572 763
//! bytes) and 211 KB to `examples/http_server` (688 006 -> 899 191), which runs under `wasmtime
//! serve`; most of it is IDNA's Unicode tables, which a client that passes host names on to the
//! host's `outgoing-handler` has no use for.

use http::Uri;
use http::uri::{Authority, PathAndQuery, Scheme};

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlError(pub(crate) &'static str);

/// An absolute `http` or `https` URL with a host.
pub(crate) fn parse_absolute(text: &str) -> Result<Uri, UrlError> {
    if !has_scheme(text) {
        return Err(UrlError("the URL has no scheme (http:// or https://)"));
    }
    let uri: Uri = text.parse().map_err(|_| UrlError("not a valid URL"))?;
    check_absolute(uri)
}

fn check_absolute(uri: Uri) -> Result<Uri, UrlError> {
    match uri.scheme_str() {
        Some("http" | "https") => {}
        Some(_) => return Err(UrlError("only http and https URLs are supported")),
        None => return Err(UrlError("the URL has no scheme (http:// or https://)")),
    }
    if uri.authority().is_none_or(|a| a.host().is_empty()) {
        return Err(UrlError("the URL has no host"));
    }
    Ok(uri)
}

/// `reference` resolved against `base` (RFC 3986, 5.2), fragments dropped.
pub(crate) fn join(base: &Uri, reference: &str) -> Result<Uri, UrlError> {
    let reference = reference.split('#').next().unwrap_or_default();
    if has_scheme(reference) {
        return parse_absolute(reference).map(normalize);
    }
    let scheme = base
        .scheme()
        .cloned()
        .ok_or(UrlError("the base URL has no scheme"))?;
    if let Some(rest) = reference.strip_prefix("//") {
        let (authority, path_query) = split_authority(rest);
        return build(scheme, authority, &remove_dot_segments(path_query));
    }
    let authority = base.authority().map(Authority::as_str).unwrap_or_default();
    let base_path = base.path();
    let target = if reference.is_empty() {
        base.path_and_query()
            .map_or("/", PathAndQuery::as_str)
            .to_string()
    } else if reference.starts_with('?') {
        format!("{base_path}{reference}")
    } else if reference.starts_with('/') {
        remove_dot_segments(reference)
    } else {
        let directory = match base_path.rfind('/') {
            Some(at) => &base_path[..=at],
            None => "/",
        };
        remove_dot_segments(&format!("{directory}{reference}"))
    };
    build(scheme, authority, &target)
}

/// `uri` with `query` (already encoded) appended to its query string.
pub(crate) fn with_query(uri: &Uri, query: &str) -> Result<Uri, UrlError> {
    if query.is_empty() {
        return Ok(uri.clone());
    }
    let path_query = match uri.query() {
        Some(existing) if !existing.is_empty() => format!("{}?{existing}&{query}", uri.path()),
        _ => format!("{}?{query}", uri.path()),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(path_query.parse().map_err(|_| UrlError("invalid query"))?);
    Uri::from_parts(parts).map_err(|_| UrlError("invalid query"))
}

/// The origin (scheme, host, port) of an absolute URL, for same-origin checks.
pub(crate) fn origin(uri: &Uri) -> (Option<&str>, Option<&str>, Option<u16>) {
    let port = uri.port_u16().or(match uri.scheme_str() {
        Some("http") => Some(80),
        Some("https") => Some(443),
        _ => None,
    });
    (uri.scheme_str(), uri.host(), port)
}

fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

fn split_authority(rest: &str) -> (&str, &str) {
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    (&rest[..end], &rest[end..])
}

fn normalize(uri: Uri) -> Uri {
    let Some(path_query) = uri.path_and_query() else {
        return uri;
    };
    let cleaned = remove_dot_segments(path_query.as_str());
    if cleaned == path_query.as_str() {
        return uri;
    }
    let mut parts = uri.clone().into_parts();
    match cleaned.parse() {
        Ok(path_query) => parts.path_and_query = Some(path_query),
        Err(_) => return uri,
    }
    Uri::from_parts(parts).unwrap_or(uri)
}

fn build(scheme: Scheme, authority: &str, path_query: &str) -> Result<Uri, UrlError> {
    let path_query = if path_query.is_empty() || path_query.starts_with('?') {
        format!("/{path_query}")
    } else {
        path_query.to_string()
    };
    let uri = Uri::builder()
        .scheme(scheme)
        .authority(authority)
        .path_and_query(path_query)
        .build()
        .map_err(|_| UrlError("not a valid URL"))?;
    check_absolute(uri)
}

/// RFC 3986, 5.2.4, on a path that may carry a query (left untouched).
fn remove_dot_segments(path_query: &str) -> String {
    let (path, query) = match path_query.find('?') {
        Some(at) => path_query.split_at(at),
        None => (path_query, ""),
    };
    let mut output: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "." => {
                if i == last {
                    output.push("");
                }
            }
            ".." => {
                if output.len() > 1 {
                    output.pop();
                }
                if i == last {
                    output.push("");
                }
            }
            other => output.push(other),
        }
    }
    let mut joined = output.join("/");
    if path.starts_with('/') && !joined.starts_with('/') {
        joined.insert(0, '/');
    }
    joined + query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_urls_need_an_http_scheme_and_a_host() {
        assert!(parse_absolute("http://example.com/a?b").is_ok());
        assert!(parse_absolute("https://[::1]:8443/").is_ok());
        assert_eq!(
            parse_absolute("example.com/a"),
            Err(UrlError("the URL has no scheme (http:// or https://)"))
        );
        assert_eq!(
            parse_absolute("ftp://h/"),
            Err(UrlError("only http and https URLs are supported"))
        );
        assert_eq!(parse_absolute("http://"), Err(UrlError("not a valid URL")));
        assert_eq!(
            parse_absolute("http:// spaces"),
            Err(UrlError("not a valid URL"))
        );
    }

    /// The examples of RFC 3986, section 5.4 (those without fragments or empty authority).
    #[test]
    fn references_resolve_as_rfc_3986_says() {
        let base: Uri = "http://a/b/c/d;p?q".parse().unwrap();
        for (reference, expected) in [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g/"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("g#s", "http://a/b/c/g"),
            (";x", "http://a/b/c/;x"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("https://other:8443/x/../y", "https://other:8443/y"),
        ] {
            assert_eq!(
                join(&base, reference).unwrap().to_string(),
                expected,
                "{reference:?}"
            );
        }
    }

    #[test]
    fn a_base_with_a_trailing_slash_is_a_directory() {
        let base: Uri = "http://api.local:8080/v1/".parse().unwrap();
        assert_eq!(
            join(&base, "users/7").unwrap().to_string(),
            "http://api.local:8080/v1/users/7"
        );
        let base: Uri = "http://api.local".parse().unwrap();
        assert_eq!(
            join(&base, "users").unwrap().to_string(),
            "http://api.local/users"
        );
    }

    #[test]
    fn query_parameters_are_appended() {
        let uri: Uri = "http://h/p".parse().unwrap();
        assert_eq!(
            with_query(&uri, "a=1").unwrap().to_string(),
            "http://h/p?a=1"
        );
        let uri: Uri = "http://h/p?x=0".parse().unwrap();
        assert_eq!(
            with_query(&uri, "a=1&b=2").unwrap().to_string(),
            "http://h/p?x=0&a=1&b=2"
        );
        assert_eq!(with_query(&uri, "").unwrap(), uri);
    }

    #[test]
    fn origins_include_the_default_port() {
        let a: Uri = "http://h/x".parse().unwrap();
        let b: Uri = "http://h:80/y".parse().unwrap();
        let c: Uri = "https://h/x".parse().unwrap();
        assert_eq!(origin(&a), origin(&b));
        assert_ne!(origin(&a), origin(&c));
    }
}
