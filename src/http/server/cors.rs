//! `Cors`: the middleware that lets pages of other origins call the application (the Fetch
//! standard's CORS protocol: preflights and the headers of actual responses).

use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, HeaderMap, HeaderName,
    HeaderValue, ORIGIN,
};
use http::{Method, StatusCode};

use super::handler::{Middleware, Next, ResponseFuture};
use super::request::Request;
use super::response::{Response, add_vary};

/// The request headers a page may always send, which a preflight need not ask for (the
/// Fetch standard's CORS-safelisted request headers).
const SAFELISTED: [&str; 4] = [
    "accept",
    "accept-language",
    "content-language",
    "content-type",
];

/// Answers cross-origin requests for the origins it allows (aiohttp_cors, for every route):
/// a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered by
/// the middleware itself, 204 with what it allows or 403 with why not; an actual request from
/// an allowed origin goes on to the application, and its response gets
/// `Access-Control-Allow-Origin` (and `-Allow-Credentials`, `-Expose-Headers`). A request
/// from an origin it does not allow is served as usual, without those headers, so the
/// browser keeps the response from the page.
///
/// Every response whose CORS headers depend on the request's origin says `Vary: Origin`
/// (all of them, unless any origin is allowed without credentials, where the answer is `*`
/// for everyone). A method or header the application takes must be allowed here too for
/// pages to send it: by default `GET`, `HEAD` and `POST`, and only the safelisted headers
/// (`Accept`, `Accept-Language`, `Content-Language`, `Content-Type`).
///
/// ```
/// # wasio::run(async {
/// use std::time::Duration;
/// use wasio::http::Method;
/// use wasio::http::server::{App, Cors, Request, get};
///
/// let cors = Cors::new()
///     .allow_origin("https://app.example")
///     .allow_methods([Method::GET, Method::PUT])
///     .allow_headers(["x-token"])
///     .expose_headers(["x-request-id"])
///     .allow_credentials(true)
///     .max_age(Duration::from_secs(600));
/// let service = App::new()
///     .middleware(cors)
///     .route("/", get(|_| async { "hi" }))
///     .into_service()?;
/// let preflight = Request::builder("OPTIONS", "/")
///     .header("origin", "https://app.example")
///     .header("access-control-request-method", "PUT")
///     .header("access-control-request-headers", "X-Token")
///     .build();
/// let response = service.call(preflight).await;
/// assert_eq!(response.status().as_u16(), 204);
/// assert_eq!(response.headers()["access-control-allow-origin"], "https://app.example");
/// assert_eq!(response.headers()["access-control-allow-methods"], "GET, PUT");
/// assert_eq!(response.headers()["access-control-max-age"], "600");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct Cors {
    config: Rc<Config>,
}

#[derive(Clone, Default)]
struct Config {
    /// `None`: any origin.
    origins: Option<Vec<String>>,
    methods: Vec<Method>,
    /// Lower case.
    headers: Vec<String>,
    expose: Vec<String>,
    credentials: bool,
    max_age: Option<Duration>,
}

/// Why a preflight was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    Origin,
    Method(String),
    Header(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Origin => write!(f, "CORS: the origin is not allowed"),
            Refusal::Method(method) => write!(f, "CORS: the method {method} is not allowed"),
            Refusal::Header(header) => write!(f, "CORS: the header {header} is not allowed"),
        }
    }
}

impl Cors {
    /// Allows no origin yet, and `GET`, `HEAD` and `POST`, the safelisted headers, no
    /// credentials and no `Access-Control-Max-Age` (browsers then cache a preflight for 5 s).
    pub fn new() -> Cors {
        Cors {
            config: Rc::new(Config {
                origins: Some(Vec::new()),
                methods: vec![Method::GET, Method::HEAD, Method::POST],
                ..Config::default()
            }),
        }
    }

    fn with(mut self, change: impl FnOnce(&mut Config)) -> Cors {
        change(Rc::make_mut(&mut self.config));
        self
    }

    /// Allows pages of `origin` (`https://app.example`, scheme, host and port as the browser
    /// sends them; compared without regard to case). After
    /// [`allow_any_origin`](Cors::allow_any_origin) it changes nothing.
    pub fn allow_origin(self, origin: &str) -> Cors {
        let origin = origin.trim_end_matches('/').to_ascii_lowercase();
        self.with(|c| {
            if let Some(origins) = &mut c.origins {
                origins.push(origin);
            }
        })
    }

    /// Allows pages of every origin. Without credentials the responses say
    /// `Access-Control-Allow-Origin: *`; with them, the request's origin.
    pub fn allow_any_origin(self) -> Cors {
        self.with(|c| c.origins = None)
    }

    /// The methods a page may use (in place of `GET`, `HEAD` and `POST`).
    pub fn allow_methods(self, methods: impl IntoIterator<Item = Method>) -> Cors {
        let methods = methods.into_iter().collect();
        self.with(|c| c.methods = methods)
    }

    /// Request headers a page may send besides the safelisted ones.
    pub fn allow_headers<'a>(self, headers: impl IntoIterator<Item = &'a str>) -> Cors {
        let headers: Vec<String> = headers.into_iter().map(str::to_ascii_lowercase).collect();
        self.with(|c| c.headers.extend(headers))
    }

    /// Response headers a page may read besides the safelisted ones
    /// (`Access-Control-Expose-Headers`).
    pub fn expose_headers<'a>(self, headers: impl IntoIterator<Item = &'a str>) -> Cors {
        let headers: Vec<String> = headers.into_iter().map(str::to_ascii_lowercase).collect();
        self.with(|c| c.expose.extend(headers))
    }

    /// Whether pages may send cookies and credentials (`Access-Control-Allow-Credentials`).
    pub fn allow_credentials(self, allow: bool) -> Cors {
        self.with(|c| c.credentials = allow)
    }

    /// How long a browser may cache a preflight's answer (`Access-Control-Max-Age`, whole
    /// seconds; browsers cap it, Chrome at 2 hours).
    pub fn max_age(self, max_age: Duration) -> Cors {
        self.with(|c| c.max_age = Some(max_age))
    }
}

impl Config {
    /// The `Access-Control-Allow-Origin` value for `origin`, if it is allowed.
    fn allow_origin(&self, origin: &str) -> Option<String> {
        match &self.origins {
            None if !self.credentials => Some("*".to_string()),
            None => Some(origin.to_string()),
            Some(origins) => origins
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(origin))
                .then(|| origin.to_string()),
        }
    }

    /// Whether the answer depends on the request's origin.
    fn varies(&self) -> bool {
        self.origins.is_some() || self.credentials
    }

    /// The headers of the answer to a preflight from `origin` for `method` and
    /// `request_headers` (a comma-separated list), or why it is refused.
    fn preflight(
        &self,
        origin: &str,
        method: &str,
        request_headers: Option<&str>,
    ) -> Result<Vec<(HeaderName, String)>, Refusal> {
        let allow_origin = self.allow_origin(origin).ok_or(Refusal::Origin)?;
        if !self.methods.iter().any(|m| m.as_str() == method) {
            return Err(Refusal::Method(method.to_string()));
        }
        let requested = request_headers
            .unwrap_or_default()
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty());
        for header in requested {
            if !(SAFELISTED.contains(&header.as_str()) || self.headers.contains(&header)) {
                return Err(Refusal::Header(header));
            }
        }
        let methods: Vec<&str> = self.methods.iter().map(Method::as_str).collect();
        let mut headers = vec![
            (ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin),
            (ACCESS_CONTROL_ALLOW_METHODS, methods.join(", ")),
        ];
        if !self.headers.is_empty() {
            headers.push((ACCESS_CONTROL_ALLOW_HEADERS, self.headers.join(", ")));
        }
        if self.credentials {
            headers.push((ACCESS_CONTROL_ALLOW_CREDENTIALS, "true".to_string()));
        }
        if let Some(max_age) = self.max_age {
            headers.push((ACCESS_CONTROL_MAX_AGE, max_age.as_secs().to_string()));
        }
        Ok(headers)
    }

    /// The headers an actual response to `origin` gets; none for an origin not allowed.
    fn actual(&self, origin: &str) -> Vec<(HeaderName, String)> {
        let Some(allow_origin) = self.allow_origin(origin) else {
            return Vec::new();
        };
        let mut headers = vec![(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin)];
        if self.credentials {
            headers.push((ACCESS_CONTROL_ALLOW_CREDENTIALS, "true".to_string()));
        }
        if !self.expose.is_empty() {
            headers.push((ACCESS_CONTROL_EXPOSE_HEADERS, self.expose.join(", ")));
        }
        headers
    }
}

impl Default for Cors {
    fn default() -> Self {
        Cors::new()
    }
}

impl fmt::Debug for Cors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        f.debug_struct("Cors")
            .field("origins", &c.origins)
            .field("methods", &c.methods)
            .field("headers", &c.headers)
            .field("expose", &c.expose)
            .field("credentials", &c.credentials)
            .field("max_age", &c.max_age)
            .finish()
    }
}

impl Middleware for Cors {
    fn call(&self, request: Request, next: Next) -> ResponseFuture {
        let config = self.config.clone();
        let origin = request.header(ORIGIN.as_str()).map(str::to_owned);
        let asked_method = request
            .header(ACCESS_CONTROL_REQUEST_METHOD.as_str())
            .map(str::to_owned);
        let preflight = request.method() == Method::OPTIONS && asked_method.is_some();
        if let (true, Some(origin), Some(method)) = (preflight, &origin, &asked_method) {
            let asked_headers = request.header(ACCESS_CONTROL_REQUEST_HEADERS.as_str());
            let mut response = match config.preflight(origin, method, asked_headers) {
                Ok(headers) => with_headers(Response::new(StatusCode::NO_CONTENT), headers),
                Err(refusal) => {
                    Response::text(refusal.to_string()).with_status(StatusCode::FORBIDDEN)
                }
            };
            vary(&config, response.headers_mut());
            return Box::pin(async move { response });
        }
        Box::pin(async move {
            let response = next.run(request).await;
            let headers = origin.map(|o| config.actual(&o)).unwrap_or_default();
            let mut response = with_headers(response, headers);
            vary(&config, response.headers_mut());
            response
        })
    }
}

fn with_headers(mut response: Response, headers: Vec<(HeaderName, String)>) -> Response {
    for (name, value) in headers {
        // An origin the browser sent is a valid header value; one that is not is left out.
        if let Ok(value) = HeaderValue::try_from(value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn vary(config: &Config, headers: &mut HeaderMap) {
    if config.varies() {
        add_vary(headers, "origin");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(cors: Cors) -> Config {
        (*cors.config).clone()
    }

    fn names(headers: &[(HeaderName, String)]) -> Vec<(&str, &str)> {
        headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn a_preflight_is_answered_with_what_is_allowed() {
        let c = config(
            Cors::new()
                .allow_origin("https://A.example/")
                .allow_methods([Method::GET, Method::DELETE])
                .allow_headers(["X-Token"])
                .allow_credentials(true)
                .max_age(Duration::from_secs(90)),
        );
        let headers = c
            .preflight("https://a.example", "DELETE", Some("x-token, Content-Type"))
            .unwrap();
        assert_eq!(
            names(&headers),
            [
                ("access-control-allow-origin", "https://a.example"),
                ("access-control-allow-methods", "GET, DELETE"),
                ("access-control-allow-headers", "x-token"),
                ("access-control-allow-credentials", "true"),
                ("access-control-max-age", "90"),
            ]
        );
        assert!(c.varies());
    }

    #[test]
    fn a_preflight_is_refused_for_what_is_not_allowed() {
        let c = config(Cors::new().allow_origin("https://a.example"));
        assert_eq!(
            c.preflight("https://b.example", "GET", None),
            Err(Refusal::Origin)
        );
        assert_eq!(
            c.preflight("https://a.example", "PUT", None),
            Err(Refusal::Method("PUT".into()))
        );
        assert_eq!(
            c.preflight("https://a.example", "POST", Some("accept, x-secret")),
            Err(Refusal::Header("x-secret".into()))
        );
        assert!(
            c.preflight("https://a.example", "POST", Some("Accept,,"))
                .is_ok()
        );
    }

    #[test]
    fn any_origin_is_a_star_unless_credentials_are_allowed() {
        let open = config(Cors::new().allow_any_origin().expose_headers(["X-Id"]));
        assert_eq!(
            names(&open.actual("https://x.example")),
            [
                ("access-control-allow-origin", "*"),
                ("access-control-expose-headers", "x-id"),
            ]
        );
        assert!(!open.varies());
        let with_credentials = config(Cors::new().allow_any_origin().allow_credentials(true));
        assert_eq!(
            names(&with_credentials.actual("https://x.example")),
            [
                ("access-control-allow-origin", "https://x.example"),
                ("access-control-allow-credentials", "true"),
            ]
        );
        assert!(with_credentials.varies());
    }

    #[test]
    fn no_origin_is_allowed_until_one_is() {
        let c = config(Cors::new());
        assert!(c.actual("https://a.example").is_empty());
        assert_eq!(
            c.preflight("https://a.example", "GET", None),
            Err(Refusal::Origin)
        );
        let any = config(
            Cors::new()
                .allow_any_origin()
                .allow_origin("https://a.example"),
        );
        assert_eq!(
            names(&any.actual("https://b.example")),
            [("access-control-allow-origin", "*")]
        );
    }

    #[test]
    fn an_origin_not_allowed_gets_no_header() {
        let c = config(Cors::new().allow_origin("https://a.example"));
        assert!(c.actual("https://evil.example").is_empty());
        assert!(c.actual("null").is_empty());
        assert_eq!(c.actual("https://a.example").len(), 1);
    }
}
