//! `Request`: what a handler receives.

use std::any::{Any, TypeId};
use std::fmt;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;

use bytes::{Bytes, BytesMut};
use futures_lite::{Stream, StreamExt};
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, HeaderMap};
use http::{Method, Uri, Version};

use super::cookies::parse_cookie_header;
use super::error::HttpError;
use super::lazy::{LazyHeaders, LazyUri};
use super::reverse::{RouteNames, UrlError};
use super::router::Params;
use crate::http::coding::{Coding, CodingError, Decode, Decoder, decode_next};
use crate::http::incoming::{BodyError, Incoming};
use crate::sys::http::HostRequest;

/// Shared application state, by type: a handful of values, found by a linear search.
#[derive(Default)]
pub(crate) struct StateMap {
    values: Vec<(TypeId, Rc<dyn Any>)>,
}

impl StateMap {
    /// Adds `value`, replacing any of the same type.
    pub(crate) fn insert<T: 'static>(&mut self, value: T) {
        let id = TypeId::of::<T>();
        self.values.retain(|(other, _)| *other != id);
        self.values.push((id, Rc::new(value)));
    }

    fn get<T: 'static>(&self) -> Option<Rc<T>> {
        let id = TypeId::of::<T>();
        let (_, value) = self.values.iter().find(|(other, _)| *other == id)?;
        value.clone().downcast().ok()
    }
}

/// Where a request body comes from.
pub(crate) enum Source {
    Empty,
    Bytes(Bytes),
    /// wasi:http (`wasmtime serve`), not asked for yet.
    Host,
    /// wasi:http, being read.
    Wasi(Incoming),
    /// wasio's own HTTP/1.1 server.
    Stream(Pin<Box<dyn Stream<Item = Result<Bytes, HttpError>>>>),
}

/// An HTTP request (aiohttp's `web.Request`): method, URL, headers, the route's path
/// parameters, the application's state, and a body read at most once, within a size limit.
///
/// ```
/// # wasio::run(async {
/// use wasio::http::server::Request;
///
/// let mut request = Request::builder("POST", "/items?tag=new").body("{\"name\": \"x\"}");
/// assert_eq!(request.path(), "/items");
/// assert_eq!(request.query_pairs(), [("tag".to_string(), "new".to_string())]);
/// let item: serde_json::Value = request.json().await.unwrap();
/// assert_eq!(item["name"], "x");
/// # });
/// ```
pub struct Request {
    method: Method,
    uri: LazyUri,
    version: Version,
    headers: LazyHeaders,
    params: Params,
    remote: Option<SocketAddr>,
    /// The application's state, once the request reaches an [`App`](super::App).
    state: Option<Rc<StateMap>>,
    /// The application's named routes, once the request reaches it.
    names: Option<Rc<RouteNames>>,
    // Field order: the body goes before the host request it came from.
    body: Source,
    host: Option<HostRequest>,
    received: u64,
    max_body_size: u64,
    /// The body's decoder, once the application asked for one (see
    /// [`decompress`](Request::decompress)): behind a trait object, so that the decoders'
    /// code (Brotli's dictionary is 120 KB) is in a component only if it calls `decompress`.
    decoder: Option<Box<dyn Decode>>,
}

impl Request {
    pub(crate) fn new(
        method: Method,
        uri: LazyUri,
        version: Version,
        headers: LazyHeaders,
        remote: Option<SocketAddr>,
        body: Source,
    ) -> Request {
        Request {
            method,
            uri,
            version,
            headers,
            params: Params::default(),
            remote,
            state: None,
            names: None,
            body,
            host: None,
            received: 0,
            max_body_size: u64::MAX,
            decoder: None,
        }
    }

    /// A request from wasi:http, whose path, origin, headers and body are fetched when first
    /// used.
    pub(crate) fn from_host(method: Method, host: HostRequest) -> Request {
        Request {
            host: Some(host),
            ..Request::new(
                method,
                LazyUri::pending(),
                Version::HTTP_11,
                LazyHeaders::pending(),
                None,
                Source::Host,
            )
        }
    }

    /// Whether the request came through a wasi:http host (`wasmtime serve`), which hides
    /// hop-by-hop headers such as `upgrade` and cannot switch protocols.
    pub(crate) fn came_through_wasi_http(&self) -> bool {
        self.host.is_some()
    }

    /// The wasi:http request this came from, to be passed on as it is: `None` when it has
    /// none, or when its body has been read (which the next handler would miss).
    #[cfg(feature = "middleware")]
    pub(crate) fn into_host(mut self) -> Option<HostRequest> {
        match self.body {
            Source::Host => self.host.take(),
            _ => None,
        }
    }

    /// A request built in memory, to call an [`App`](super::App) in tests without a server.
    pub fn builder(method: &str, uri: &str) -> RequestBuilder {
        RequestBuilder {
            method: Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET),
            uri: uri.parse().unwrap_or_else(|_| Uri::from_static("/")),
            headers: HeaderMap::new(),
        }
    }

    /// The request enters an application: its state, its body limit and its named routes.
    pub(crate) fn enter(&mut self, state: Rc<StateMap>, max_body_size: u64, names: Rc<RouteNames>) {
        self.state = Some(state);
        self.max_body_size = max_body_size;
        self.names = Some(names);
    }

    /// Whether the request has entered an application.
    pub(crate) fn has_entered(&self) -> bool {
        self.state.is_some()
    }

    /// The route found for the request binds `params`.
    pub(crate) fn route(&mut self, params: Params) {
        self.params = params;
    }

    /// The method, as the client sent it.
    ///
    /// A `HEAD` request is answered by the route's `GET` handler (without the body), but it
    /// reaches middleware as `HEAD`: a middleware that lets only some methods through
    /// should let `HEAD` through wherever it lets `GET` (`curl -I` sends `HEAD`), as
    /// [`Method::is_safe`](http::Method::is_safe) does.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URL as requested: `http://host/path?query` (the scheme and host from wasi:http,
    /// or from the `host` header on wasio's own server), or only the path and query when
    /// neither says where the request went.
    pub fn uri(&self) -> &Uri {
        self.uri.uri(self.host_target(), || match &self.host {
            Some(host) => host.origin(),
            None => self
                .header("host")
                .map(|authority| format!("http://{authority}")),
        })
    }

    /// The path.
    pub fn path(&self) -> &str {
        self.uri.path(self.host_target())
    }

    /// The query string, undecoded, without its `?`.
    pub fn query_string(&self) -> Option<&str> {
        self.uri.query(self.host_target())
    }

    /// Where the path and query come from when they are not known yet: the wasi:http host.
    fn host_target(&self) -> impl FnOnce() -> Option<String> + '_ {
        || self.host.as_ref().and_then(HostRequest::path_with_query)
    }

    /// The HTTP version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        self.headers.get(|| {
            self.host
                .as_ref()
                .map(HostRequest::header_entries)
                .unwrap_or_default()
        })
    }

    /// The headers, to change them: a middleware can add one for the handlers after it (as
    /// [`RequestId`](super::RequestId) does).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        let host = &self.host;
        self.headers.get_mut(|| {
            host.as_ref()
                .map(HostRequest::header_entries)
                .unwrap_or_default()
        })
    }

    /// A header's value as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers().get(name)?.to_str().ok()
    }

    /// The value of the cookie `name` the client sent (aiohttp's `request.cookies[name]`), its
    /// wrapping quotes removed; the first one where the `Cookie` headers name it twice.
    ///
    /// ```
    /// use wasio::http::server::Request;
    ///
    /// let request = Request::builder("GET", "/").header("cookie", "session=abc; theme=\"dark\"").build();
    /// assert_eq!(request.cookie("theme"), Some("dark"));
    /// assert_eq!(request.cookies(), [("session", "abc"), ("theme", "dark")]);
    /// assert_eq!(request.cookie("missing"), None);
    /// ```
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookie_pairs()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// Every cookie the client sent, in order, as `(name, value)` pairs. A pair that is not
    /// `name=value` with a valid name is skipped; one bad cookie does not hide the others.
    pub fn cookies(&self) -> Vec<(&str, &str)> {
        self.cookie_pairs().collect()
    }

    fn cookie_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers()
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(parse_cookie_header)
    }

    /// The value of the route's path parameter `name` (`{name}` in the route), decoded.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name)
    }

    /// Every path parameter.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The query string decoded into `T` (a struct or map); a 400 when it does not fit.
    pub fn query<T: serde::de::DeserializeOwned>(&self) -> Result<T, HttpError> {
        serde_urlencoded::from_str(self.query_string().unwrap_or_default())
            .map_err(|error| HttpError::bad_request(format!("bad query string: {error}")))
    }

    /// The query string as decoded `(name, value)` pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        serde_urlencoded::from_str(self.query_string().unwrap_or_default()).unwrap_or_default()
    }

    /// The first value of the query parameter `name`, decoded as a form is (`?q=a%20b` and
    /// `?q=a+b` give `a b`; a malformed escape stays as it is);
    /// `None` when it is absent. An empty value (`?q=` or `?q`) is `Some("")`.
    ///
    /// ```
    /// use wasio::http::server::Request;
    ///
    /// let request = Request::builder("GET", "/search?q=wasm%20io&page=2&q=again").build();
    /// assert_eq!(request.query_param("q").as_deref(), Some("wasm io"));
    /// assert_eq!(request.query_param("page").as_deref(), Some("2"));
    /// assert_eq!(request.query_param("missing"), None);
    /// ```
    pub fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query_string()?;
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }

    /// The application's shared value of type `T` (see [`App::state`](super::App::state)),
    /// as an `Rc`: it does not borrow the request, so the body can be read after it, and it
    /// moves into a spawned task or a WebSocket handler.
    ///
    /// An application that never registered a `T` gets a 500 (`?` returns it), whose cause
    /// names the type and is logged once per instance (under WASI 0.2's `wasmtime serve`,
    /// where every request is an instance, once per request).
    ///
    /// ```
    /// # wasio::run(async {
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use wasio::http::server::{App, HttpError, Request, post};
    ///
    /// #[derive(Default)]
    /// struct Hits(Cell<u32>);
    ///
    /// async fn hit(mut request: Request) -> Result<String, HttpError> {
    ///     let hits: Rc<Hits> = request.state()?;
    ///     let note = request.text().await?; // the request is not borrowed by `hits`
    ///     hits.0.set(hits.0.get() + 1);
    ///     Ok(format!("{note} #{}", hits.0.get()))
    /// }
    ///
    /// let service = App::new().route("/", post(hit)).state(Hits::default()).into_service()?;
    /// let response = service.call(Request::builder("POST", "/").body("hi")).await;
    /// assert_eq!(response.into_body().bytes().await?, "hi #1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub fn state<T: 'static>(&self) -> Result<Rc<T>, HttpError> {
        self.state
            .as_ref()
            .and_then(|state| state.get())
            .ok_or_else(HttpError::missing_state::<T>)
    }

    /// The path of the application's route named `name`, with `params` in place and
    /// percent-encoded: see [`App::url_for`](super::App::url_for). A request that has not
    /// reached an application knows no route ([`UrlError::UnknownRoute`]).
    ///
    /// ```
    /// # wasio::run(async {
    /// use wasio::http::server::{App, HttpError, Request, Response, get, post};
    ///
    /// async fn create(request: Request) -> Result<Response, HttpError> {
    ///     let id = "new user";
    ///     let location = request.url_for("user", &[("id", id)]).map_err(HttpError::internal)?;
    ///     Ok(Response::see_other(&location))
    /// }
    ///
    /// let app = App::new()
    ///     .route("/users", post(create))
    ///     .route("/users/{id}", get(|_| async { "a user" }).name("user"));
    /// let response = app.into_service()?.call(Request::builder("POST", "/users").build()).await;
    /// assert_eq!(response.headers()["location"], "/users/new%20user");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub fn url_for(&self, name: &str, params: &[(&str, &str)]) -> Result<String, UrlError> {
        match &self.names {
            Some(names) => names.url_for(name, params),
            None => Err(UrlError::UnknownRoute(name.to_string())),
        }
    }

    /// The client's address, when served on wasio's own sockets.
    pub fn remote_addr(&self) -> Option<SocketAddr> {
        self.remote
    }

    /// The most body bytes this request reads (the application's limit unless changed);
    /// reading past it fails with 413.
    pub fn max_body_size(&self) -> u64 {
        self.max_body_size
    }

    /// Changes the body limit for this request, for an upload route, say.
    pub fn set_max_body_size(&mut self, limit: u64) {
        self.max_body_size = limit;
    }

    /// The `content-length` the client announced.
    fn declared_length(&self) -> Option<u64> {
        self.header(CONTENT_LENGTH.as_str())?.parse().ok()
    }

    /// Decodes the body as it is read, by its `Content-Encoding`: gzip, deflate (zlib or raw)
    /// or Brotli, the decoded size under the body limit as it is now (413 past it, before
    /// more is kept; 400 when the body is not valid in its coding). aiohttp's parser does
    /// this to every request; here a route asks, before it reads the body (and after any
    /// [`set_max_body_size`](Request::set_max_body_size)). A coding wasio does not decode (or
    /// several stacked) is refused with 415; no coding, or `identity`, changes nothing.
    ///
    /// ```
    /// use wasio::http::server::{HttpError, Request};
    ///
    /// async fn upload(mut request: Request) -> Result<String, HttpError> {
    ///     request.decompress()?;
    ///     let text = request.text().await?;
    ///     Ok(format!("{} lines", text.lines().count()))
    /// }
    /// ```
    pub fn decompress(&mut self) -> Result<(), HttpError> {
        let Some(value) = self.header(CONTENT_ENCODING.as_str()).map(str::trim) else {
            return Ok(());
        };
        if value.is_empty() || value.eq_ignore_ascii_case("identity") {
            return Ok(());
        }
        match Coding::from_token(value).filter(|coding| coding.decodable()) {
            Some(coding) => {
                let limit = self.max_body_size.saturating_sub(self.received);
                self.decoder = Some(Box::new(Decoder::new(coding, limit)));
                Ok(())
            }
            None => Err(HttpError::new(
                http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "the content coding {value:?} is not one wasio decodes (gzip, deflate, br)"
                ),
            )),
        }
    }

    /// The next chunk of the body (decoded, after [`decompress`](Request::decompress));
    /// `None` at its end. 413 past the size limit, 400 when the body is malformed or cut
    /// short.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, HttpError> {
        loop {
            let raw = self.raw_chunk().await?;
            let next = decode_next(&mut self.decoder, raw).map_err(|e| self.refuse(e))?;
            match next {
                // A decoder may need more of the body before it gives anything.
                Some(chunk) if chunk.is_empty() => continue,
                Some(chunk) => {
                    self.received += chunk.len() as u64;
                    if self.received > self.max_body_size {
                        self.body = Source::Empty;
                        return Err(HttpError::payload_too_large(self.max_body_size));
                    }
                    return Ok(Some(chunk));
                }
                None => return Ok(None),
            }
        }
    }

    /// A decoder's error as the answer to the request (its body read no further).
    fn refuse(&mut self, error: CodingError) -> HttpError {
        self.body = Source::Empty;
        match error {
            CodingError::TooLarge { limit } => HttpError::payload_too_large(limit),
            other => HttpError::bad_request(format!("the request body cannot be decoded: {other}")),
        }
    }

    /// The next chunk of the body as the client sent it; `None` at its end.
    async fn raw_chunk(&mut self) -> Result<Option<Bytes>, HttpError> {
        if self.received == 0 && self.declared_length() > Some(self.max_body_size) {
            // Refused before a byte is read, as aiohttp does.
            self.body = Source::Empty;
            return Err(HttpError::payload_too_large(self.max_body_size));
        }
        if let Source::Host = self.body {
            self.body = match self.host.as_ref().and_then(HostRequest::body) {
                Some(incoming) => Source::Wasi(incoming),
                None => Source::Empty,
            };
        }
        let next = match &mut self.body {
            Source::Empty | Source::Host => None,
            Source::Bytes(bytes) => Some(std::mem::take(bytes)).filter(|b| !b.is_empty()),
            Source::Wasi(incoming) => incoming.next_chunk().await.map_err(|error| match error {
                BodyError::Timeout => HttpError::new(
                    http::StatusCode::REQUEST_TIMEOUT,
                    "the request body stalled",
                ),
                BodyError::Code(_) | BodyError::Failed(_) => {
                    HttpError::bad_request("the request body could not be read")
                }
            })?,
            Source::Stream(stream) => stream.next().await.transpose()?,
        };
        if next.is_none() {
            self.body = Source::Empty;
        }
        Ok(next)
    }

    /// The whole body.
    pub async fn bytes(&mut self) -> Result<Bytes, HttpError> {
        let Some(first) = self.chunk().await? else {
            return Ok(Bytes::new());
        };
        let Some(second) = self.chunk().await? else {
            return Ok(first);
        };
        let mut all = BytesMut::from(&first[..]);
        all.extend_from_slice(&second);
        while let Some(chunk) = self.chunk().await? {
            all.extend_from_slice(&chunk);
        }
        Ok(all.freeze())
    }

    /// The whole body as UTF-8 text; 400 when it is not.
    pub async fn text(&mut self) -> Result<String, HttpError> {
        let bytes = self.bytes().await?;
        String::from_utf8(bytes.into())
            .map_err(|_| HttpError::bad_request("the request body is not valid UTF-8"))
    }

    /// The whole body parsed as JSON into `T`; 400 when it does not parse or fit.
    #[cfg(feature = "json")]
    pub async fn json<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, HttpError> {
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|error| {
            HttpError::bad_request(format!(
                "the request body is not the JSON expected: {error}"
            ))
        })
    }

    /// The whole body as an URL-encoded form decoded into `T`; 415 for another content type,
    /// 400 when it does not fit.
    pub async fn form<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, HttpError> {
        let is_form = self
            .header(CONTENT_TYPE.as_str())
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(HttpError::new(
                http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "a form body is application/x-www-form-urlencoded",
            ));
        }
        let bytes = self.bytes().await?;
        serde_urlencoded::from_bytes(&bytes)
            .map_err(|error| HttpError::bad_request(format!("the form does not fit: {error}")))
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("uri", self.uri())
            .field("headers", self.headers())
            .field("params", &self.params)
            .finish()
    }
}

/// Builds a [`Request`] in memory; see [`Request::builder`].
#[derive(Debug)]
pub struct RequestBuilder {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
}

impl RequestBuilder {
    /// Adds a header (an invalid one is skipped).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) = (
            http::header::HeaderName::try_from(name),
            http::header::HeaderValue::try_from(value),
        ) {
            self.headers.append(name, value);
        }
        self
    }

    /// The request, with `body`.
    pub fn body(self, body: impl Into<Bytes>) -> Request {
        let body: Bytes = body.into();
        let source = if body.is_empty() {
            Source::Empty
        } else {
            Source::Bytes(body)
        };
        Request::new(
            self.method,
            LazyUri::parsed(self.uri),
            Version::HTTP_11,
            LazyHeaders::parsed(self.headers),
            None,
            source,
        )
    }

    /// The request, without a body.
    pub fn build(self) -> Request {
        self.body(Bytes::new())
    }
}
