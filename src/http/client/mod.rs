//! The HTTP client: `Client` (aiohttp's `ClientSession`) over wasi:http `outgoing-handler`.

mod cookies;
mod form;

mod redirect;
mod request;
mod response;
pub(crate) mod transport;
mod url;

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use http::header::{
    ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, CONTENT_LENGTH, COOKIE, HeaderMap,
    HeaderName, HeaderValue, LOCATION, SET_COOKIE, USER_AGENT,
};
use http::{Method, Request, Uri};

pub use cookies::{CookieJar, MAX_COOKIE_SIZE, MAX_COOKIES, MAX_COOKIES_PER_DOMAIN};
pub use form::{Form, FormPart};
pub use redirect::Redirect;
pub use request::RequestBuilder;
pub use response::{Chunks, ClientResponse};

use super::coding::{Coding, Encoder, encode_body};
use super::{Body, Error, TimeoutKind};
use crate::sync::Semaphore;
use crate::time::{Instant, timeout_at};
use transport::HostTimeouts;

/// How large a response body [`ClientResponse::bytes`] and friends read by default: 64 MiB.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 64 * 1024 * 1024;

/// The total deadline of a request by default: 5 minutes, as aiohttp's `ClientTimeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// An HTTP client session (aiohttp's `ClientSession`): default headers, a base URL,
/// timeouts, redirects, an optional cookie jar and a concurrency limit, shared by every
/// request it makes. Clones share the same settings, jar and limit.
///
/// It sends requests through the host's `wasi:http/outgoing-handler`, so a component that
/// uses it needs the host to grant HTTP (`wasmtime run -Shttp`, or `wasmtime serve`).
///
/// ```no_run
/// # wasio::run(async {
/// use std::time::Duration;
/// use wasio::http::Client;
///
/// let client = Client::builder()
///     .base_url("http://127.0.0.1:8080/api/")
///     .timeout(Duration::from_secs(10))
///     .cookie_store(true)
///     .build()?;
/// let users: serde_json::Value = client.get("users").query(&[("page", "2")]).send().await?
///     .error_for_status()?
///     .json()
///     .await?;
/// println!("{users}");
/// # Ok::<(), wasio::http::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct Client {
    config: Rc<Config>,
}

struct Config {
    base_url: Option<Uri>,
    headers: HeaderMap,
    timeouts: HostTimeouts,
    total: Option<Duration>,
    redirect: Redirect,
    cookies: Option<Rc<CookieJar>>,
    limit: Option<Rc<Semaphore>>,
    max_body_size: u64,
    decompress: bool,
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

impl Client {
    /// A client with the defaults: no base URL, a `user-agent` of `wasio/<version>`, a total
    /// timeout of [`DEFAULT_TIMEOUT`] (as aiohttp), 10 redirects, no cookies, no concurrency
    /// limit, and bodies of at most [`DEFAULT_MAX_BODY_SIZE`].
    pub fn new() -> Client {
        Client {
            config: Rc::new(ClientBuilder::new().config),
        }
    }

    /// A builder for a client with other settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A `GET` request to `url` (absolute, or relative to the base URL).
    pub fn get(&self, url: &str) -> RequestBuilder {
        self.request(Method::GET, url)
    }

    /// A `POST` request.
    pub fn post(&self, url: &str) -> RequestBuilder {
        self.request(Method::POST, url)
    }

    /// A `PUT` request.
    pub fn put(&self, url: &str) -> RequestBuilder {
        self.request(Method::PUT, url)
    }

    /// A `PATCH` request.
    pub fn patch(&self, url: &str) -> RequestBuilder {
        self.request(Method::PATCH, url)
    }

    /// A `DELETE` request.
    pub fn delete(&self, url: &str) -> RequestBuilder {
        self.request(Method::DELETE, url)
    }

    /// A `HEAD` request.
    pub fn head(&self, url: &str) -> RequestBuilder {
        self.request(Method::HEAD, url)
    }

    /// A request with any method.
    pub fn request(&self, method: Method, url: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, self.resolve(url))
    }

    /// Sends an `http::Request` built elsewhere, with this client's settings.
    pub async fn execute(&self, request: Request<Body>) -> Result<ClientResponse, Error> {
        let (parts, body) = request.into_parts();
        let url = self.resolve(&parts.uri.to_string())?;
        let mut headers = self.config.headers.clone();
        merge_headers(&mut headers, parts.headers);
        let prepared = Prepared {
            method: parts.method,
            url,
            headers,
            body,
            timeouts: self.config.timeouts,
            total: self.config.total,
            max_body_size: self.config.max_body_size,
            decompress: self.config.decompress,
            compress: None,
        };
        self.send(prepared).await
    }

    /// The cookie jar, when the client keeps one.
    pub fn cookie_jar(&self) -> Option<&Rc<CookieJar>> {
        self.config.cookies.as_ref()
    }

    fn resolve(&self, url: &str) -> Result<Uri, Error> {
        let resolved = match &self.config.base_url {
            Some(base) => url::join(base, url),
            None => url::parse_absolute(url),
        };
        resolved.map_err(|url::UrlError(reason)| Error::InvalidUrl {
            url: url.to_string(),
            reason,
        })
    }

    pub(crate) async fn send(&self, mut request: Prepared) -> Result<ClientResponse, Error> {
        move_credentials(&mut request)?;
        encode(&mut request)?;
        let deadline = request.total.map(|total| Instant::now() + total);
        // The URL being requested, for the error if the deadline passes during a redirect.
        let current = RefCell::new(request.url.clone());
        let work = self.follow(request, deadline, &current);
        match deadline {
            Some(deadline) => timeout_at(deadline, work)
                .await
                .map_err(|_| Error::Timeout {
                    url: current.take(),
                    kind: TimeoutKind::Total,
                })?,
            None => work.await,
        }
    }

    /// Sends the request and follows redirects as the policy allows.
    async fn follow(
        &self,
        request: Prepared,
        deadline: Option<Instant>,
        current: &RefCell<Uri>,
    ) -> Result<ClientResponse, Error> {
        let config = &self.config;
        let permit = match &config.limit {
            Some(limit) => limit.clone().acquire_owned().await.ok(),
            None => None,
        };
        let Prepared {
            mut method,
            mut url,
            mut headers,
            mut body,
            timeouts,
            max_body_size,
            decompress,
            ..
        } = request;
        for hop in 0.. {
            current.replace(url.clone());
            let replay = body.try_clone();
            let mut sent_headers = headers.clone();
            if let Some(cookie) = config.cookies.as_ref().and_then(|jar| jar.header_for(&url)) {
                // The jar's cookies join any the request set itself.
                let cookie = match sent_headers.get(COOKIE).and_then(|v| v.to_str().ok()) {
                    Some(own) => format!("{own}; {cookie}"),
                    None => cookie,
                };
                if let Ok(value) = HeaderValue::try_from(cookie) {
                    sent_headers.insert(COOKIE, value);
                }
            }
            let head = transport::send(&method, &url, sent_headers, body, timeouts).await?;
            if let Some(jar) = &config.cookies {
                for value in head.headers.get_all(SET_COOKIE) {
                    if let Ok(text) = value.to_str() {
                        jar.store(&url, text);
                    }
                }
            }
            let location = match head.headers.get(LOCATION) {
                Some(value) => Some(value.to_str().map_err(|_| Error::InvalidUrl {
                    url: String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    reason: "the redirect location is not ASCII",
                })?),
                None => None,
            };
            let next = if config.redirect.max() == 0 {
                None
            } else {
                redirect::next_hop(head.status, &method, &url, location).map_err(
                    |url::UrlError(reason)| Error::InvalidUrl {
                        url: location.unwrap_or_default().to_string(),
                        reason,
                    },
                )?
            };
            let next = next.filter(|next| !next.keep_body || replay.is_some());
            let Some(next) = next else {
                let decode = decompress && method != Method::HEAD;
                return Ok(ClientResponse::new(
                    head,
                    url,
                    max_body_size,
                    deadline,
                    permit,
                    decode,
                ));
            };
            if hop == config.redirect.max() {
                return Err(Error::TooManyRedirects {
                    url,
                    limit: config.redirect.max(),
                });
            }
            body = if next.keep_body {
                replay.unwrap_or_default()
            } else {
                for name in [
                    "content-type",
                    "content-length",
                    "content-encoding",
                    "content-language",
                    "content-location",
                ] {
                    headers.remove(name);
                }
                Body::empty()
            };
            if next.cross_origin {
                // Credentials stay with their origin; the jar sends the next one's cookies.
                headers.remove(AUTHORIZATION);
                headers.remove(COOKIE);
            }
            method = next.method;
            url = next.url;
        }
        unreachable!("the loop returns")
    }
}

/// What the request's content codings ask of it before it goes: a body compressed (and said
/// so in `content-encoding`), and `accept-encoding` for the codings the response may come in.
fn encode(request: &mut Prepared) -> Result<(), Error> {
    if request.decompress && !request.headers.contains_key(ACCEPT_ENCODING) {
        request
            .headers
            .insert(ACCEPT_ENCODING, HeaderValue::from_static(ACCEPTED_CODINGS));
    }
    let Some(compress) = request.compress.take() else {
        return Ok(());
    };
    let body = std::mem::take(&mut request.body);
    let (body, coding) = compress(body)?;
    request.body = body;
    request.headers.remove(CONTENT_LENGTH);
    request
        .headers
        .insert(CONTENT_ENCODING, HeaderValue::from_static(coding.as_str()));
    Ok(())
}

/// A request body compressed, and in which coding.
pub(crate) type Compress = Box<dyn FnOnce(Body) -> Result<(Body, Coding), Error>>;

/// What compresses a body in `coding`, at zlib's default level.
pub(crate) fn compressor(coding: Coding) -> Compress {
    Box::new(move |body| {
        let Some(encoder) = Encoder::new(coding, 6) else {
            return Err(Error::Decode {
                what: coding.as_str(),
                detail: format!("wasio does not encode {coding}, it only decodes it"),
            });
        };
        let body = encode_body(body, encoder).map_err(|error| Error::Decode {
            what: coding.as_str(),
            detail: error.to_string(),
        })?;
        Ok((body, coding))
    })
}

/// The codings the client decodes, as it asks for them.
const ACCEPTED_CODINGS: &str = if cfg!(feature = "brotli") {
    "gzip, deflate, br"
} else {
    "gzip, deflate"
};

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &self.config;
        f.debug_struct("Client")
            .field("base_url", &config.base_url)
            .field("redirect", &config.redirect)
            .field("cookies", &config.cookies.is_some())
            .finish()
    }
}

/// A request ready to send, with its settings resolved.
pub(crate) struct Prepared {
    pub(crate) method: Method,
    pub(crate) url: Uri,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Body,
    pub(crate) timeouts: HostTimeouts,
    pub(crate) total: Option<Duration>,
    pub(crate) max_body_size: u64,
    /// Whether the response is decoded (and `accept-encoding` sent).
    pub(crate) decompress: bool,
    /// What compresses the body, when it is to be (see [`RequestBuilder::compress`]): a
    /// closure, so that the encoder's code is in a component only if it asks for it.
    pub(crate) compress: Option<Compress>,
}

/// Settings for a [`Client`]; [`build`](ClientBuilder::build) reports the first bad one.
pub struct ClientBuilder {
    config: Config,
    error: Option<Error>,
}

impl ClientBuilder {
    fn new() -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("wasio/", env!("CARGO_PKG_VERSION"))),
        );
        ClientBuilder {
            config: Config {
                base_url: None,
                headers,
                timeouts: HostTimeouts::default(),
                total: Some(DEFAULT_TIMEOUT),
                redirect: Redirect::default(),
                cookies: None,
                limit: None,
                max_body_size: DEFAULT_MAX_BODY_SIZE,
                decompress: true,
            },
            error: None,
        }
    }

    /// URLs of requests are resolved against `url` (RFC 3986): with `http://h/api/`,
    /// `get("users")` requests `http://h/api/users` and `get("/health")` `http://h/health`.
    pub fn base_url(mut self, url: &str) -> Self {
        match url::parse_absolute(url) {
            Ok(base) => self.config.base_url = Some(base),
            Err(url::UrlError(reason)) => self.fail(Error::InvalidUrl {
                url: url.to_string(),
                reason,
            }),
        }
        self
    }

    /// A header every request carries (a request's own header of the same name wins).
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        match header(name, value) {
            Ok((name, value)) => {
                self.config.headers.insert(name, value);
            }
            Err(error) => self.fail(error),
        }
        self
    }

    /// The `user-agent` header.
    pub fn user_agent(self, agent: &str) -> Self {
        self.default_header("user-agent", agent)
    }

    /// Basic authentication on every request (`authorization: Basic ...`).
    pub fn basic_auth(self, user: &str, password: Option<&str>) -> Self {
        let value = request::basic_auth_value(user, password);
        self.default_header("authorization", &value)
    }

    /// Bearer-token authentication on every request.
    pub fn bearer_auth(self, token: &str) -> Self {
        self.default_header("authorization", &format!("Bearer {token}"))
    }

    /// A deadline for each whole request, redirects and body reading included, enforced by
    /// wasio's own timer ([`TimeoutKind::Total`]; default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, total: Duration) -> Self {
        self.config.total = Some(total);
        self
    }

    /// No total deadline: only the host's connect, first-byte and between-bytes timeouts.
    pub fn no_timeout(mut self) -> Self {
        self.config.total = None;
        self
    }

    /// How long connecting may take ([`TimeoutKind::Connect`]; enforced by the host). In
    /// wasmtime 48 it covers the TCP connection, not a TLS handshake: the total deadline
    /// bounds that.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.timeouts.connect = Some(timeout);
        self
    }

    /// How long the response head may take once connected ([`TimeoutKind::FirstByte`]).
    pub fn first_byte_timeout(mut self, timeout: Duration) -> Self {
        self.config.timeouts.first_byte = Some(timeout);
        self
    }

    /// How long the body may pause between two chunks ([`TimeoutKind::BetweenBytes`]).
    pub fn between_bytes_timeout(mut self, timeout: Duration) -> Self {
        self.config.timeouts.between_bytes = Some(timeout);
        self
    }

    /// The redirect policy (default: follow up to 10).
    pub fn redirect(mut self, policy: Redirect) -> Self {
        self.config.redirect = policy;
        self
    }

    /// Keeps cookies from responses in a jar of the client's own and sends them back.
    pub fn cookie_store(mut self, enabled: bool) -> Self {
        self.config.cookies = enabled.then(|| Rc::new(CookieJar::new()));
        self
    }

    /// Keeps cookies in `jar`, which may be shared with other clients.
    pub fn cookie_jar(mut self, jar: Rc<CookieJar>) -> Self {
        self.config.cookies = Some(jar);
        self
    }

    /// At most `requests` in flight at once; more wait their turn in FIFO order. A request
    /// holds its turn until its response is dropped. Values below 1 mean 1.
    pub fn max_concurrency(mut self, requests: usize) -> Self {
        self.config.limit = Some(Rc::new(Semaphore::new(requests.max(1))));
        self
    }

    /// The most response-body bytes read by default ([`Error::BodyTooLarge`] past it).
    pub fn max_body_size(mut self, limit: u64) -> Self {
        self.config.max_body_size = limit;
        self
    }

    /// Whether responses in gzip, deflate or Brotli are decoded as they are read (default:
    /// yes, as aiohttp's `auto_decompress`), requests then saying `accept-encoding: gzip,
    /// deflate` unless they set their own (and `br` with the `brotli` feature). The decoded size counts against the body limit.
    /// Off, bodies come as the server sent them and no `accept-encoding` is added.
    pub fn auto_decompress(mut self, on: bool) -> Self {
        self.config.decompress = on;
        self
    }

    /// The client, or the first setting that was refused (a default header the host forbids
    /// included).
    pub fn build(self) -> Result<Client, Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        crate::http::fields::to_fields(&self.config.headers)?;
        Ok(Client {
            config: Rc::new(self.config),
        })
    }

    fn fail(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder").finish_non_exhaustive()
    }
}

/// Every value of `extra` into `headers`, replacing the values `headers` had for those names.
pub(crate) fn merge_headers(headers: &mut HeaderMap, extra: HeaderMap) {
    let mut last = None;
    for (name, value) in extra {
        let name = match name {
            Some(name) => {
                headers.remove(&name);
                last = Some(name.clone());
                name
            }
            None => match &last {
                Some(name) => name.clone(),
                None => continue,
            },
        };
        headers.append(name, value);
    }
}

/// Moves `user:password@` out of the URL into basic authentication (unless the request
/// already authenticates): the host would take it for part of the host name.
fn move_credentials(request: &mut Prepared) -> Result<(), Error> {
    let Some(authority) = request.url.authority() else {
        return Ok(());
    };
    let Some((userinfo, host)) = authority.as_str().rsplit_once('@') else {
        return Ok(());
    };
    let invalid = || Error::InvalidUrl {
        url: request.url.to_string(),
        reason: "not a valid URL",
    };
    let decode =
        |s: &str| crate::http::percent::decode(s).map_or_else(|| s.to_string(), Cow::into_owned);
    let (user, password) = match userinfo.split_once(':') {
        Some((user, password)) => (decode(user), Some(decode(password))),
        None => (decode(userinfo), None),
    };
    let mut parts = request.url.clone().into_parts();
    parts.authority = Some(host.parse().map_err(|_| invalid())?);
    let url = Uri::from_parts(parts).map_err(|_| invalid())?;
    if !request.headers.contains_key(AUTHORIZATION) {
        let value = request::basic_auth_value(&user, password.as_deref());
        let (name, value) = header("authorization", &value)?;
        request.headers.insert(name, value);
    }
    request.url = url;
    Ok(())
}

/// A header name and value, checked.
pub(crate) fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let invalid = || Error::InvalidHeader {
        name: name.to_string(),
    };
    let name = HeaderName::try_from(name).map_err(|_| invalid())?;
    let value = HeaderValue::try_from(value).map_err(|_| invalid())?;
    Ok((name, value))
}
