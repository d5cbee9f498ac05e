//! `HttpError`: an error a handler returns, answered with its status, message and headers.

use std::any::{Any, type_name};
use std::cell::RefCell;
use std::fmt;

use http::StatusCode;
use http::header::{HeaderMap, HeaderName, HeaderValue};

use super::response::{IntoResponse, Response, header_pair};
use crate::http::multipart::MultipartError;

/// An error a handler returns, sent as a response with its status (aiohttp's
/// `web.HTTPException`s), its message as the body, and any headers it carries.
///
/// Any `std::error::Error` converts into a 500 with `?`: its message goes to standard error,
/// not to the client, which sees only "500 Internal Server Error" (but a
/// [`MultipartError`] keeps its own status: 413, 415 or 400). An
/// [`App::error_renderer`](super::App::error_renderer) gives every error another body (JSON,
/// say).
///
/// ```
/// use wasio::http::server::{HttpError, Request};
///
/// async fn user(request: Request) -> Result<String, HttpError> {
///     let id: u32 = request
///         .param("id")
///         .unwrap_or_default()
///         .parse()
///         .map_err(|_| HttpError::bad_request("the id is a number"))?;
///     if id == 0 {
///         return Err(HttpError::not_found("no user 0"));
///     }
///     Ok(format!("user {id}"))
/// }
///
/// async fn admin(request: Request) -> Result<&'static str, HttpError> {
///     if request.header("authorization") != Some("Bearer secret") {
///         return Err(HttpError::unauthorized("a token is needed")
///             .with_header("www-authenticate", "Bearer"));
///     }
///     Ok("welcome")
/// }
/// ```
#[derive(Clone)]
pub struct HttpError {
    status: StatusCode,
    message: String,
    headers: HeaderMap,
    /// What went wrong, for the log, when it is not for the client to see.
    cause: Option<String>,
    /// The cause is a mistake in the application that every request would repeat: it is
    /// logged the first time only.
    log_once: bool,
}

impl HttpError {
    /// An error with `status` whose body is `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> HttpError {
        HttpError {
            status,
            message: message.into(),
            headers: HeaderMap::new(),
            cause: None,
            log_once: false,
        }
    }

    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<String>) -> HttpError {
        HttpError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401 Unauthorized (add the `www-authenticate` challenge with
    /// [`with_header`](HttpError::with_header)).
    pub fn unauthorized(message: impl Into<String>) -> HttpError {
        HttpError::new(StatusCode::UNAUTHORIZED, message)
    }

    /// 403 Forbidden.
    pub fn forbidden(message: impl Into<String>) -> HttpError {
        HttpError::new(StatusCode::FORBIDDEN, message)
    }

    /// 404 Not Found.
    pub fn not_found(message: impl Into<String>) -> HttpError {
        HttpError::new(StatusCode::NOT_FOUND, message)
    }

    /// 413 Content Too Large.
    pub fn payload_too_large(limit: u64) -> HttpError {
        HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than {limit} bytes"),
        )
    }

    /// 429 Too Many Requests (add `retry-after` with [`with_header`](HttpError::with_header)).
    pub fn too_many_requests(message: impl Into<String>) -> HttpError {
        HttpError::new(StatusCode::TOO_MANY_REQUESTS, message)
    }

    /// 500 Internal Server Error, logging `cause` but not showing it to the client.
    pub fn internal(cause: impl fmt::Display) -> HttpError {
        HttpError {
            cause: Some(cause.to_string()),
            ..HttpError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "500 Internal Server Error",
            )
        }
    }

    /// 503 Service Unavailable (add `retry-after` with
    /// [`with_header`](HttpError::with_header)).
    pub fn service_unavailable(message: impl Into<String>) -> HttpError {
        HttpError::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    /// The 500 of [`Request::state`](super::Request::state) for a type the application never
    /// registered: a mistake every request would repeat, so it is logged once per instance
    /// (under WASI 0.2's `wasmtime serve`, an instance is one request).
    pub(crate) fn missing_state<T>() -> HttpError {
        HttpError {
            log_once: true,
            ..HttpError::internal(format_args!(
                "the application has no state of type `{}` (add it with App::state)",
                type_name::<T>()
            ))
        }
    }

    /// The error with a header to send with it (replacing any of the same name):
    /// `www-authenticate` on a 401, `retry-after` on a 429 or 503, `allow` on a 405. A name
    /// or value that is not valid HTTP turns the error into a 500 that says which.
    pub fn with_header<N, V>(mut self, name: N, value: V) -> HttpError
    where
        N: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match header_pair(name, value) {
            Some((name, value)) => {
                self.headers.insert(name, value);
                self
            }
            None => HttpError::internal(format_args!(
                "an HttpError {} was given an invalid header",
                self.status.as_u16()
            )),
        }
    }

    /// The error answered with another status (a middleware mapping 404 to 410, say).
    pub(crate) fn set_status(&mut self, status: StatusCode) {
        self.status = status;
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message the client sees.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The headers sent with the error.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// What went wrong, as logged to standard error, when the client is not told (a 500's
    /// cause).
    pub fn cause(&self) -> Option<&str> {
        self.cause.as_deref()
    }

    /// Writes the cause to standard error, unless it is one logged before that is to be
    /// logged once.
    fn log(&self) {
        let Some(cause) = &self.cause else { return };
        if self.log_once && !first_time(cause) {
            return;
        }
        eprintln!("wasio: {} {}", self.status.as_u16(), cause);
    }
}

thread_local! {
    /// The causes logged once, so far.
    static LOGGED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Whether `cause` is seen for the first time (and remembers it).
fn first_time(cause: &str) -> bool {
    LOGGED.with(|logged| {
        let mut logged = logged.borrow_mut();
        let first = !logged.iter().any(|seen| seen == cause);
        if first {
            logged.push(cause.to_string());
        }
        first
    })
}

/// A [`MultipartError`] keeps its status (413, 415, 400); any other error is a 500.
impl<E: std::error::Error + 'static> From<E> for HttpError {
    fn from(error: E) -> HttpError {
        match (&error as &dyn Any).downcast_ref::<MultipartError>() {
            Some(multipart) => multipart.to_http_error(),
            None => HttpError::internal(error),
        }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        self.log();
        Response::from_error(self)
    }
}

impl fmt::Debug for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpError")
            .field("status", &self.status)
            .field("message", &self.message)
            .field("headers", &self.headers)
            .field("cause", &self.cause)
            .finish()
    }
}

/// What the client may see: `404 no such user` (a message that starts with its own code,
/// `500 Internal Server Error`, is not given it twice). The cause is not shown: it is for
/// the log ([`HttpError::cause`]).
impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.status.as_str();
        if !self.message.starts_with(code) {
            write!(f, "{code} ")?;
        }
        f.write_str(&self.message)
    }
}
