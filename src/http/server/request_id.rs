//! `RequestId`: the middleware that gives every request an id, for the logs of every service
//! it goes through.

use std::fmt;
use std::fmt::Write as _;

use http::header::{HeaderName, HeaderValue};

use super::handler::{Middleware, Next, ResponseFuture};
use super::request::Request;

/// The longest id taken from a client by default, in bytes.
pub const DEFAULT_MAX_REQUEST_ID: usize = 128;

/// Gives every request an id (`X-Request-Id` by default), as proxies and tracing systems
/// do: the id the client (or a proxy in front) sent, if it is a plausible one, or else a new
/// random one (32 hex digits from `wasi:random`). The id is put in the request's header
/// for the middleware and handlers after this one ([`RequestId::of`], or `%{X-Request-Id}i`
/// in an [`AccessLog`](super::AccessLog) added after it) and sent back in the response's.
///
/// A client's id is taken when it is 1 to [`max_len`](RequestId::max_len) bytes of
/// letters, digits and `-._:+/=` (so a log line cannot be forged with it); anything else is
/// replaced. [`trust_client(false)`](RequestId::trust_client) always makes a new one.
///
/// ```
/// # wasio::run(async {
/// use wasio::http::server::{App, Request, RequestId, get};
///
/// async fn whoami(request: Request) -> String {
///     format!("request {}", RequestId::of(&request).unwrap_or("?"))
/// }
///
/// let service = App::new()
///     .middleware(RequestId::new())
///     .route("/", get(whoami))
///     .into_service()?;
/// let traced = Request::builder("GET", "/").header("x-request-id", "abc-1").build();
/// let response = service.call(traced).await;
/// assert_eq!(response.headers()["x-request-id"], "abc-1");
/// assert_eq!(response.into_body().bytes().await?, "request abc-1");
/// let fresh = service.call(Request::builder("GET", "/").build()).await;
/// assert_eq!(fresh.headers()["x-request-id"].len(), 32);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct RequestId {
    header: HeaderName,
    max_len: usize,
    trust_client: bool,
}

impl RequestId {
    /// `X-Request-Id`, a client's id taken up to [`DEFAULT_MAX_REQUEST_ID`] bytes.
    pub fn new() -> RequestId {
        RequestId {
            header: HeaderName::from_static("x-request-id"),
            max_len: DEFAULT_MAX_REQUEST_ID,
            trust_client: true,
        }
    }

    /// Another header for the id (`X-Correlation-Id`, say).
    pub fn header(mut self, header: HeaderName) -> RequestId {
        self.header = header;
        self
    }

    /// The longest id taken from a client, in bytes; a longer one is replaced.
    pub fn max_len(mut self, bytes: usize) -> RequestId {
        self.max_len = bytes;
        self
    }

    /// Whether a client's id is taken (default) or always replaced by a new one.
    pub fn trust_client(mut self, trust: bool) -> RequestId {
        self.trust_client = trust;
        self
    }

    /// The id [`RequestId::new`] gave `request` (its `X-Request-Id`), for a handler or a
    /// middleware after it.
    pub fn of(request: &Request) -> Option<&str> {
        request.header("x-request-id")
    }

    /// Whether `id`, sent by a client, is taken as it is.
    fn acceptable(&self, id: &str) -> bool {
        self.trust_client
            && !id.is_empty()
            && id.len() <= self.max_len
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._:+/=".contains(&b))
    }
}

/// A new id: 128 random bits as 32 lower-case hex digits.
fn new_id() -> String {
    let mut id = String::with_capacity(32);
    for byte in crate::sys::random::bytes(16) {
        let _ = write!(id, "{byte:02x}");
    }
    id
}

impl Default for RequestId {
    fn default() -> Self {
        RequestId::new()
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestId")
            .field("header", &self.header)
            .field("max_len", &self.max_len)
            .field("trust_client", &self.trust_client)
            .finish()
    }
}

impl Middleware for RequestId {
    fn call(&self, mut request: Request, next: Next) -> ResponseFuture {
        let id = match request.header(self.header.as_str()) {
            Some(id) if self.acceptable(id) => id.to_string(),
            _ => new_id(),
        };
        // Visible ASCII either way: a valid header value.
        let value = HeaderValue::try_from(id).ok();
        let header = self.header.clone();
        if let Some(value) = &value {
            request.headers_mut().insert(header.clone(), value.clone());
        }
        Box::pin(async move {
            let mut response = next.run(request).await;
            if let Some(value) = value {
                response.headers_mut().insert(header, value);
            }
            response
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_id_is_taken_only_when_plausible_and_short_enough() {
        let ids = RequestId::new().max_len(8);
        for good in ["a", "abcd-123", "a.b_c:d", "Zm9v+/=="] {
            assert!(ids.acceptable(good), "{good}");
        }
        for bad in ["", "123456789", "a b", "a\"b", "é", "a\tb", "a%0a"] {
            assert!(!ids.acceptable(bad), "{bad}");
        }
        assert!(!ids.trust_client(false).acceptable("abc"));
    }
}
