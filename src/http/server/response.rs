//! `Response` and what handlers may return (`IntoResponse`), including errors.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use futures_lite::Stream;
use http::StatusCode;
use http::header::{
    CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION, SET_COOKIE,
    TRANSFER_ENCODING, VARY,
};

use super::cookies::{Cookie, CookieError};
use super::error::HttpError;
use crate::http::Body;
use crate::net::transport::Stream as Connection;

/// Trailers computed once the body has been sent.
pub(crate) type Trailers = Pin<Box<dyn Future<Output = HeaderMap>>>;

/// The content type of text responses.
const TEXT: &str = "text/plain; charset=utf-8";

/// Why a wasi:http host answers a protocol switch with 501.
pub(crate) const CANNOT_UPGRADE: &str = "this host cannot switch protocols (wasmtime serve has no upgrades): serve the app on \
     wasio's own sockets";

/// Why wasio's own server answers a [`Response::with_upgrade`] over TLS with 501.
pub(crate) const CANNOT_UPGRADE_TLS: &str = "this route switches protocols on a plain TCP connection (Upgraded::into_parts \
     gives a TcpStream), and this one is TLS";

/// What an upgraded connection runs.
type Protocol = Pin<Box<dyn Future<Output = ()>>>;

/// What runs on a connection after a `101 Switching Protocols` response.
pub(crate) enum OnUpgrade {
    /// [`Response::with_upgrade`]'s: over TCP only.
    Tcp(Box<dyn FnOnce(Upgraded) -> Protocol>),
    /// wasio's own protocols' (WebSockets): over TCP or TLS; the stream, and the bytes
    /// already read from it.
    Stream(Box<dyn FnOnce(Connection, Bytes) -> Protocol>),
}

/// A connection handed over after `101 Switching Protocols` (see
/// [`Response::with_upgrade`]): the TCP stream, and the bytes the client sent after its
/// request that the server had already read. (Over TLS, on a server made with
/// `Server::bind_tls` (the `tls` feature), a route that makes one is answered with 501:
/// WebSocket routes, [`ws::upgrade`](crate::ws::upgrade), work over both.)
pub struct Upgraded {
    stream: crate::net::TcpStream,
    read_ahead: Bytes,
}

impl Upgraded {
    pub(crate) fn new(stream: crate::net::TcpStream, read_ahead: Bytes) -> Upgraded {
        Upgraded { stream, read_ahead }
    }

    /// The stream, and the bytes already read from it (to be used before reading more).
    pub fn into_parts(self) -> (crate::net::TcpStream, Bytes) {
        (self.stream, self.read_ahead)
    }
}

impl fmt::Debug for Upgraded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upgraded")
            .field("stream", &self.stream)
            .field("read_ahead", &self.read_ahead.len())
            .finish()
    }
}

/// An HTTP response (aiohttp's `web.Response` and `web.StreamResponse` in one): a status,
/// headers, a body that is complete or streamed, and optional trailers.
///
/// ```
/// use wasio::http::server::Response;
/// use wasio::http::StatusCode;
///
/// let hello = Response::text("Hello, World!");
/// assert_eq!(hello.status(), StatusCode::OK);
/// assert_eq!(hello.headers()["content-type"], "text/plain; charset=utf-8");
///
/// let created = Response::json(&serde_json::json!({"id": 7})).with_status(StatusCode::CREATED);
/// assert_eq!(created.status(), StatusCode::CREATED);
/// ```
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Body,
    trailers: Option<Trailers>,
    upgrade: Option<OnUpgrade>,
    /// The [`HttpError`] this response was made from, for the application's error renderer.
    error: Option<Box<HttpError>>,
}

impl Response {
    /// An empty response with `status`.
    pub fn new(status: StatusCode) -> Response {
        Response {
            status,
            headers: HeaderMap::new(),
            body: Body::empty(),
            trailers: None,
            upgrade: None,
            error: None,
        }
    }

    /// `200 OK` with a UTF-8 text body.
    pub fn text(text: impl Into<String>) -> Response {
        Response::with_body(TEXT, Body::from(text.into()))
    }

    /// `200 OK` with an HTML body.
    pub fn html(html: impl Into<String>) -> Response {
        Response::with_body("text/html; charset=utf-8", Body::from(html.into()))
    }

    /// `200 OK` with bytes (`application/octet-stream`).
    pub fn bytes(bytes: impl Into<Bytes>) -> Response {
        Response::with_body("application/octet-stream", Body::from(bytes.into()))
    }

    /// `200 OK` with `value` as JSON (aiohttp's `json_response`). A value that does not
    /// serialize gives a 500.
    #[cfg(feature = "json")]
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Response {
        match serde_json::to_vec(value) {
            Ok(json) => Response::with_body("application/json", Body::from(json)),
            Err(error) => HttpError::internal(error).into_response(),
        }
    }

    /// `200 OK` with a body streamed from `chunks` as they are produced (a task can feed it
    /// through a [`Queue`](crate::sync::Queue), say); an `Err` chunk ends the response
    /// abnormally, which the client sees as a broken body.
    pub fn stream<S, B>(content_type: &'static str, chunks: S) -> Response
    where
        S: Stream<Item = std::io::Result<B>> + 'static,
        B: Into<Bytes>,
    {
        Response::with_body(content_type, Body::from_stream(chunks))
    }

    /// A redirect with `status` (301, 302, 303, 307 or 308) to `location`.
    pub fn redirect(status: StatusCode, location: &str) -> Response {
        Response::new(status).header(LOCATION, location)
    }

    /// `303 See Other` to `location`: after a POST, "look over there with a GET".
    pub fn see_other(location: &str) -> Response {
        Response::redirect(StatusCode::SEE_OTHER, location)
    }

    /// `307 Temporary Redirect` to `location`, keeping the method and body.
    pub fn temporary_redirect(location: &str) -> Response {
        Response::redirect(StatusCode::TEMPORARY_REDIRECT, location)
    }

    /// `308 Permanent Redirect` to `location`, keeping the method and body.
    pub fn permanent_redirect(location: &str) -> Response {
        Response::redirect(StatusCode::PERMANENT_REDIRECT, location)
    }

    /// The plain-text response of `error`, which it keeps for the error renderer.
    pub(crate) fn from_error(error: HttpError) -> Response {
        let mut response = Response::text(error.message().to_string()).with_status(error.status());
        response.headers.extend(error.headers().clone());
        response.error = Some(Box::new(error));
        response
    }

    fn with_body(content_type: &'static str, body: Body) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        Response {
            status: StatusCode::OK,
            headers,
            body,
            trailers: None,
            upgrade: None,
            error: None,
        }
    }

    /// The response with another status.
    pub fn with_status(mut self, status: StatusCode) -> Response {
        self.status = status;
        if let Some(error) = &mut self.error {
            error.set_status(status);
        }
        self
    }

    /// The response with a header set (replacing any of the same name). A name or value that
    /// is not valid HTTP turns the response into a 500 that says which.
    pub fn header<N, V>(mut self, name: N, value: V) -> Response
    where
        N: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match header_pair(name, value) {
            Some((name, value)) => {
                self.headers.insert(name, value);
                self
            }
            None => HttpError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "a handler set an invalid header",
            )
            .into_response(),
        }
    }

    /// The response with `cookie` set on the client (a `Set-Cookie` header, added to any
    /// others): aiohttp's `response.set_cookie`. A cookie that cannot be set (an invalid
    /// name, value or attribute, too large, or breaking a rule browsers enforce) gives its
    /// [`CookieError`], which `?` in a handler makes a 500.
    ///
    /// ```
    /// use wasio::http::server::{Cookie, HttpError, Request, Response};
    ///
    /// async fn login(_request: Request) -> Result<Response, HttpError> {
    ///     let session = Cookie::new("session", "abc123").path("/").http_only(true);
    ///     Ok(Response::text("welcome").set_cookie(&session)?)
    /// }
    /// ```
    pub fn set_cookie(mut self, cookie: &Cookie) -> Result<Response, CookieError> {
        let header = cookie.to_header()?;
        let value = HeaderValue::try_from(header)
            .map_err(|_| CookieError::InvalidValue(cookie.value().to_string()))?;
        self.headers.append(SET_COOKIE, value);
        Ok(self)
    }

    /// The response with `cookie` removed from the client (aiohttp's `del_cookie`): the
    /// cookie of the same name, `Domain` and `Path`, expired (see [`Cookie::removal`]).
    pub fn remove_cookie(self, cookie: &Cookie) -> Result<Response, CookieError> {
        self.set_cookie(&cookie.removal())
    }

    /// The response with `body` in place of its own.
    pub fn with_body_of(mut self, body: impl Into<Body>) -> Response {
        self.body = body.into();
        self.error = None;
        self
    }

    /// The [`HttpError`] this response was made from, if it was (and its body has not been
    /// replaced since): what [`App::error_renderer`](super::App::error_renderer) renders.
    pub fn error(&self) -> Option<&HttpError> {
        self.error.as_deref()
    }

    /// The response made from an error, with the body (and content type) `render` gives it
    /// in place of the plain text one; the status and the other headers stay, but a header
    /// the renderer sets replaces one of the same name.
    pub(crate) fn render_error(mut self, render: &dyn Fn(&HttpError) -> Response) -> Response {
        let Some(error) = self.error.take() else {
            return self;
        };
        let rendered = render(&error);
        self.headers.remove(CONTENT_TYPE);
        self.headers.remove(CONTENT_LENGTH);
        self.headers.extend(rendered.headers);
        self.body = rendered.body;
        self
    }

    /// Trailers to send after the body, computed once it has been sent (a checksum, say).
    /// Over HTTP/1.1 they force chunked transfer coding.
    pub fn with_trailers<F>(mut self, trailers: F) -> Response
    where
        F: Future<Output = HeaderMap> + 'static,
    {
        self.trailers = Some(Box::pin(trailers));
        self
    }

    /// Switches protocols: with a `101 Switching Protocols` status (and the headers the new
    /// protocol needs), the server sends the head, then hands the connection to `on_upgrade`
    /// (WebSockets do this). Only wasio's own HTTP/1.1 server can: under `wasmtime serve` the
    /// host cannot upgrade, and the client gets 501 instead; so does a client of wasio's
    /// server over TLS, as [`Upgraded`] holds a TCP stream.
    pub fn with_upgrade<F, Fut>(mut self, on_upgrade: F) -> Response
    where
        F: FnOnce(Upgraded) -> Fut + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        self.upgrade = Some(OnUpgrade::Tcp(Box::new(move |upgraded| {
            Box::pin(on_upgrade(upgraded))
        })));
        self
    }

    /// [`with_upgrade`](Response::with_upgrade) for wasio's own protocols, over TCP or TLS:
    /// `on_upgrade` gets the stream and the bytes already read from it.
    pub(crate) fn with_stream_upgrade<F, Fut>(mut self, on_upgrade: F) -> Response
    where
        F: FnOnce(Connection, Bytes) -> Fut + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        self.upgrade = Some(OnUpgrade::Stream(Box::new(move |stream, read_ahead| {
            Box::pin(on_upgrade(stream, read_ahead))
        })));
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, to change them.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// Whether the response switches protocols (see [`Response::with_upgrade`]).
    pub(crate) fn is_upgrade(&self) -> bool {
        self.upgrade.is_some()
    }

    /// The body, taken out and left empty (for a middleware that changes it).
    pub(crate) fn take_body(&mut self) -> Body {
        std::mem::take(&mut self.body)
    }

    /// The body.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// The body, taken out (to read it in a test or a middleware).
    pub fn into_body(self) -> Body {
        self.body
    }

    /// The parts, for the code that sends the response. A status that has no body (204 No
    /// Content, 304 Not Modified) loses its body, content type and framing headers here,
    /// whatever the handler gave it.
    pub(crate) fn into_parts(mut self) -> Parts {
        if has_no_body(self.status) {
            self.headers.remove(CONTENT_TYPE);
            self.headers.remove(CONTENT_LENGTH);
            self.headers.remove(TRANSFER_ENCODING);
            self.body = Body::empty();
            self.trailers = None;
        }
        Parts {
            status: self.status,
            headers: self.headers,
            body: self.body,
            trailers: self.trailers,
            upgrade: self.upgrade,
        }
    }
}

/// `name` and `value` as a header, when both are valid HTTP.
pub(crate) fn header_pair<N, V>(name: N, value: V) -> Option<(HeaderName, HeaderValue)>
where
    N: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
{
    Some((name.try_into().ok()?, value.try_into().ok()?))
}

/// Adds `name` (a lower-case header name) to the `Vary` of `headers`, unless it is there (or
/// `*` is). The names end up in one field, `Vary: origin, accept-encoding`: a list field may
/// be split or joined (RFC 9110, 5.3), and some hosts (jco) keep only the last of repeated
/// fields.
pub(crate) fn add_vary(headers: &mut HeaderMap, name: &'static str) {
    let mut listed: Vec<String> = Vec::new();
    for value in headers.get_all(VARY) {
        let names = String::from_utf8_lossy(value.as_bytes());
        listed.extend(
            names
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from),
        );
    }
    if listed
        .iter()
        .any(|listed| listed == "*" || listed.eq_ignore_ascii_case(name))
    {
        return;
    }
    listed.push(name.to_owned());
    match HeaderValue::from_str(&listed.join(", ")) {
        Ok(value) => {
            headers.insert(VARY, value);
        }
        Err(_) => {
            headers.append(VARY, HeaderValue::from_static(name));
        }
    }
}

/// Whether responses with `status` carry no content: 204 No Content and 304 Not Modified
/// (RFC 9110, 15.3.5 and 15.4.5; a 1xx ends at its head anyway).
pub(crate) fn has_no_body(status: StatusCode) -> bool {
    status == StatusCode::NO_CONTENT || status == StatusCode::NOT_MODIFIED
}

/// A response taken apart to be sent.
pub(crate) struct Parts {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Body,
    pub(crate) trailers: Option<Trailers>,
    pub(crate) upgrade: Option<OnUpgrade>,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("trailers", &self.trailers.is_some())
            .field("upgrade", &self.upgrade.is_some())
            .field("error", &self.error.is_some())
            .finish()
    }
}

/// What a handler or middleware may return.
///
/// Implemented for [`Response`], text (`&'static str`, `String`), bytes, a [`StatusCode`],
/// `(StatusCode, impl IntoResponse)`, [`Json`], [`HttpError`], `()` (204) and
/// `Result<impl IntoResponse, impl IntoResponse>`, so handlers can use `?`.
pub trait IntoResponse {
    /// The response.
    fn into_response(self) -> Response;
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        Response::with_body(TEXT, Body::from_static(self.as_bytes()))
    }
}

impl IntoResponse for String {
    fn into_response(self) -> Response {
        Response::text(self)
    }
}

impl IntoResponse for Bytes {
    fn into_response(self) -> Response {
        Response::bytes(self)
    }
}

impl IntoResponse for Vec<u8> {
    fn into_response(self) -> Response {
        Response::bytes(self)
    }
}

impl IntoResponse for StatusCode {
    /// The status with its code and reason as text (`404 Not Found`), or with no body at
    /// all for 204 and 304.
    fn into_response(self) -> Response {
        if has_no_body(self) {
            return Response::new(self);
        }
        let reason = self.canonical_reason().unwrap_or("");
        Response::text(format!("{} {reason}", self.as_u16())).with_status(self)
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        Response::new(StatusCode::NO_CONTENT)
    }
}

impl<R: IntoResponse> IntoResponse for (StatusCode, R) {
    fn into_response(self) -> Response {
        self.1.into_response().with_status(self.0)
    }
}

impl<R: IntoResponse, E: IntoResponse> IntoResponse for Result<R, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(response) => response.into_response(),
            Err(error) => error.into_response(),
        }
    }
}

/// A value sent as JSON: `Json(value)` from a handler.
#[cfg(feature = "json")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Json<T>(pub T);

#[cfg(feature = "json")]
impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        Response::json(&self.0)
    }
}
