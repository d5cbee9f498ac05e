//! Redirects: the policy, and what the next request is (RFC 9110, section 15.4). Pure logic.

use http::{Method, StatusCode, Uri};

use super::url::{UrlError, join, origin};

/// How many redirects the [`Client`](super::Client) follows before it fails with
/// [`Error::TooManyRedirects`](crate::http::Error::TooManyRedirects).
///
/// Following the rules of RFC 9110: 303 turns any method but `HEAD` into `GET` and drops the
/// body; 301 and 302 turn `POST` into `GET` (as browsers and aiohttp do) and keep other
/// methods; 307 and 308 keep the method and the body. `authorization` is not sent to another
/// origin. A streamed body cannot be sent twice, so a 307 or 308 after one is returned as the
/// response instead of followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redirect {
    max: usize,
}

impl Redirect {
    /// Follow up to `max` redirects.
    pub const fn limited(max: usize) -> Redirect {
        Redirect { max }
    }

    /// Follow none: a 3xx response is returned as it is.
    pub const fn none() -> Redirect {
        Redirect { max: 0 }
    }

    /// The most redirects followed.
    pub const fn max(&self) -> usize {
        self.max
    }
}

impl Default for Redirect {
    /// Ten redirects, as aiohttp.
    fn default() -> Self {
        Redirect::limited(10)
    }
}

/// The request a redirect asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Hop {
    pub(crate) method: Method,
    pub(crate) url: Uri,
    /// Whether the body goes along (else the request has none, and no content headers).
    pub(crate) keep_body: bool,
    /// Whether the new URL is on another origin (credentials stay behind).
    pub(crate) cross_origin: bool,
}

/// The hop `status` with `location` asks for, or `None` when it is not a redirect.
pub(crate) fn next_hop(
    status: StatusCode,
    method: &Method,
    url: &Uri,
    location: Option<&str>,
) -> Result<Option<Hop>, UrlError> {
    let (method, keep_body) = match status.as_u16() {
        301 | 302 if *method == Method::POST => (Method::GET, false),
        301 | 302 | 307 | 308 => (method.clone(), true),
        303 if *method == Method::HEAD => (Method::HEAD, false),
        303 => (Method::GET, false),
        _ => return Ok(None),
    };
    let Some(location) = location else {
        return Ok(None);
    };
    let next = join(url, location)?;
    Ok(Some(Hop {
        cross_origin: origin(&next) != origin(url),
        method,
        url: next,
        keep_body,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(status: u16, method: Method, location: &str) -> Option<Hop> {
        let url: Uri = "http://a.test/x/y".parse().unwrap();
        next_hop(
            StatusCode::from_u16(status).unwrap(),
            &method,
            &url,
            Some(location),
        )
        .unwrap()
    }

    #[test]
    fn methods_and_bodies_follow_rfc_9110() {
        let see_other = hop(303, Method::PUT, "/z").unwrap();
        assert_eq!(
            (see_other.method, see_other.keep_body),
            (Method::GET, false)
        );
        assert_eq!(hop(303, Method::HEAD, "/z").unwrap().method, Method::HEAD);
        let post_moved = hop(301, Method::POST, "/z").unwrap();
        assert_eq!(
            (post_moved.method, post_moved.keep_body),
            (Method::GET, false)
        );
        let put_found = hop(302, Method::PUT, "/z").unwrap();
        assert_eq!((put_found.method, put_found.keep_body), (Method::PUT, true));
        for status in [307, 308] {
            let kept = hop(status, Method::POST, "/z").unwrap();
            assert_eq!((kept.method, kept.keep_body), (Method::POST, true));
        }
    }

    #[test]
    fn locations_resolve_against_the_request_and_origins_are_compared() {
        let same = hop(302, Method::GET, "z?q=1").unwrap();
        assert_eq!(same.url.to_string(), "http://a.test/x/z?q=1");
        assert!(!same.cross_origin);
        assert!(hop(302, Method::GET, "http://a.test:80/").is_some_and(|h| !h.cross_origin));
        assert!(
            hop(302, Method::GET, "https://a.test/")
                .unwrap()
                .cross_origin
        );
        assert!(hop(302, Method::GET, "//b.test/").unwrap().cross_origin);
    }

    #[test]
    fn other_statuses_and_missing_locations_are_not_followed() {
        let url: Uri = "http://a.test/".parse().unwrap();
        for status in [200, 304, 300, 404] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(next_hop(status, &Method::GET, &url, Some("/x")), Ok(None));
        }
        assert_eq!(
            next_hop(StatusCode::FOUND, &Method::GET, &url, None),
            Ok(None)
        );
        assert!(next_hop(StatusCode::FOUND, &Method::GET, &url, Some("ftp://x/")).is_err());
        assert_eq!(Redirect::default().max(), 10);
        assert_eq!(Redirect::none().max(), 0);
    }
}
