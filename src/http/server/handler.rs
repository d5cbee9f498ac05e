//! Handlers, middleware, and the per-method table of a route.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use http::Method;
use pin_project_lite::pin_project;

use super::request::Request;
use super::response::{IntoResponse, Response};

/// The future of a handler.
pub type ResponseFuture = Pin<Box<dyn Future<Output = Response>>>;

/// Something that answers a request: any `async fn(Request) -> impl IntoResponse` (or a
/// closure returning such a future).
pub trait Handler: 'static {
    /// Answers `request`.
    fn call(&self, request: Request) -> ResponseFuture;

    /// Answers `request` with a future of the handler's own type, not boxed: what a server
    /// that knows the handler's type calls (the wasi:http export of a single handler), so the
    /// whole request runs on direct calls.
    fn respond(&self, request: Request) -> impl Future<Output = Response> + use<Self>
    where
        Self: Sized,
    {
        self.call(request)
    }
}

impl<F, Fut, R> Handler for F
where
    F: Fn(Request) -> Fut + 'static,
    Fut: Future<Output = R> + 'static,
    R: IntoResponse + 'static,
{
    fn call(&self, request: Request) -> ResponseFuture {
        Box::pin(self.respond(request))
    }

    fn respond(&self, request: Request) -> impl Future<Output = Response> + use<F, Fut, R> {
        Responding {
            future: self(request),
        }
    }
}

pin_project! {
    /// A handler's future, its output made a [`Response`]: the future is held once, in place
    /// (an `async` block awaiting it would hold it twice, a request's size copied twice).
    struct Responding<Fut> {
        #[pin]
        future: Fut,
    }
}

impl<Fut: Future<Output = R>, R: IntoResponse> Future for Responding<Fut> {
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        self.project()
            .future
            .poll(cx)
            .map(IntoResponse::into_response)
    }
}

/// Code around every handler: any `async fn(Request, Next) -> impl IntoResponse` that calls
/// `next.run(request).await` (or answers by itself, to refuse a request, say).
///
/// Middleware run in the order they were added: the first added is the outermost, so it sees
/// the request first and the response last, as aiohttp's `middlewares` list. They run
/// before routing: they see the application's [state](super::App::state) but not the
/// route's parameters, and a `HEAD` request as `HEAD` (the route's `GET` handler answers it
/// later), so a method check lets `HEAD` through wherever it lets `GET`
/// ([`Method::is_safe`](http::Method::is_safe) does).
///
/// ```
/// use wasio::http::server::{Next, Request, Response};
///
/// async fn timing(request: Request, next: Next) -> Response {
///     let start = wasio::time::Instant::now();
///     let path = request.path().to_string();
///     let response = next.run(request).await;
///     eprintln!("{path}: {} in {:?}", response.status(), start.elapsed());
///     response
/// }
/// ```
pub trait Middleware: 'static {
    /// Handles `request`, usually by calling `next`.
    fn call(&self, request: Request, next: Next) -> ResponseFuture;
}

impl<F, Fut, R> Middleware for F
where
    F: Fn(Request, Next) -> Fut + 'static,
    Fut: Future<Output = R> + 'static,
    R: IntoResponse,
{
    fn call(&self, request: Request, next: Next) -> ResponseFuture {
        let future = self(request, next);
        Box::pin(async move { future.await.into_response() })
    }
}

/// The rest of the chain after a middleware: the middleware added after it, then the handler.
pub struct Next {
    chain: Rc<[Rc<dyn Middleware>]>,
    at: usize,
    endpoint: Rc<dyn Handler>,
}

impl Next {
    pub(crate) fn new(chain: Rc<[Rc<dyn Middleware>]>, endpoint: Rc<dyn Handler>) -> Next {
        Next {
            chain,
            at: 0,
            endpoint,
        }
    }

    /// Runs the rest of the chain on `request`.
    pub async fn run(mut self, request: Request) -> Response {
        match self.chain.get(self.at).cloned() {
            Some(middleware) => {
                self.at += 1;
                middleware.call(request, self).await
            }
            None => self.endpoint.call(request).await,
        }
    }
}

impl fmt::Debug for Next {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Next")
            .field("middleware_left", &(self.chain.len() - self.at))
            .finish()
    }
}

/// A handler with middleware around it, run as one handler.
pub(crate) struct Wrapped {
    pub(crate) chain: Rc<[Rc<dyn Middleware>]>,
    pub(crate) endpoint: Rc<dyn Handler>,
}

impl Handler for Wrapped {
    fn call(&self, request: Request) -> ResponseFuture {
        Box::pin(Next::new(self.chain.clone(), self.endpoint.clone()).run(request))
    }
}

/// The handlers of one route, by method: built with [`get`], [`post`], ... and chained, as
/// `get(list).post(create)`.
#[derive(Clone, Default)]
pub struct MethodRouter {
    handlers: Vec<(Method, Rc<dyn Handler>)>,
    any: Option<Rc<dyn Handler>>,
    name: Option<String>,
}

macro_rules! methods {
    ($($name:ident $method:ident),*) => {
        $(
            #[doc = concat!("A route answering `", stringify!($method), "` with `handler`.")]
            pub fn $name(handler: impl Handler) -> MethodRouter {
                MethodRouter::default().on(Method::$method, handler)
            }
        )*
        impl MethodRouter {
            $(
                #[doc = concat!("Also answers `", stringify!($method), "` with `handler`.")]
                pub fn $name(self, handler: impl Handler) -> MethodRouter {
                    self.on(Method::$method, handler)
                }
            )*
        }
    };
}

methods!(get GET, post POST, put PUT, patch PATCH, delete DELETE, head HEAD, options OPTIONS);

/// A route answering every method with `handler`.
pub fn any(handler: impl Handler) -> MethodRouter {
    MethodRouter {
        handlers: Vec::new(),
        any: Some(Rc::new(handler)),
        name: None,
    }
}

impl MethodRouter {
    /// Answers `method` with `handler` (replacing an earlier handler for it).
    pub fn on(mut self, method: Method, handler: impl Handler) -> MethodRouter {
        self.handlers.retain(|(m, _)| *m != method);
        self.handlers.push((method, Rc::new(handler)));
        self
    }

    /// Names the route, so that [`App::url_for`](super::App::url_for) and
    /// [`Request::url_for`](super::Request::url_for) can build its URL (aiohttp's
    /// `add_get(path, handler, name=...)`). A name given to two routes makes the
    /// application invalid ([`App::check`](super::App::check)).
    ///
    /// ```
    /// use wasio::http::server::{App, get};
    ///
    /// let app = App::new().route("/users/{id}", get(|_| async { "a user" }).name("user"));
    /// assert_eq!(app.url_for("user", &[("id", "ada lovelace")]).unwrap(), "/users/ada%20lovelace");
    /// ```
    pub fn name(mut self, name: &str) -> MethodRouter {
        self.name = Some(name.to_string());
        self
    }

    /// The route's name, taken out (to be registered by the application).
    pub(crate) fn take_name(&mut self) -> Option<String> {
        self.name.take()
    }

    /// Adds every handler of `other` (its handlers win for methods both have).
    pub(crate) fn merge(&mut self, other: MethodRouter) {
        for (method, handler) in other.handlers {
            self.handlers.retain(|(m, _)| *m != method);
            self.handlers.push((method, handler));
        }
        if other.any.is_some() {
            self.any = other.any;
        }
    }

    /// Wraps every handler in `chain`.
    pub(crate) fn wrap(self, chain: &Rc<[Rc<dyn Middleware>]>) -> MethodRouter {
        if chain.is_empty() {
            return self;
        }
        let wrap = |endpoint: Rc<dyn Handler>| -> Rc<dyn Handler> {
            Rc::new(Wrapped {
                chain: chain.clone(),
                endpoint,
            })
        };
        MethodRouter {
            handlers: self
                .handlers
                .into_iter()
                .map(|(m, h)| (m, wrap(h)))
                .collect(),
            any: self.any.map(wrap),
            name: self.name,
        }
    }

    /// The handler for `method`; `HEAD` falls back to `GET`.
    pub(crate) fn find(&self, method: &Method) -> Option<&Rc<dyn Handler>> {
        let exact = |m: &Method| self.handlers.iter().find(|(h, _)| h == m).map(|(_, h)| h);
        exact(method)
            .or_else(|| {
                (*method == Method::HEAD)
                    .then(|| exact(&Method::GET))
                    .flatten()
            })
            .or(self.any.as_ref())
    }

    /// The methods answered, for an `allow` header (`HEAD` wherever `GET` is): the standard
    /// ones in alphabetical order, then any others in the order they were added.
    pub(crate) fn allowed(&self) -> String {
        const STANDARD: [Method; 9] = [
            Method::CONNECT,
            Method::DELETE,
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PATCH,
            Method::POST,
            Method::PUT,
            Method::TRACE,
        ];
        let answers = |method: &Method| self.handlers.iter().any(|(m, _)| m == method);
        let standard = STANDARD.iter().filter(|&method| {
            answers(method) || (*method == Method::HEAD && answers(&Method::GET))
        });
        let others = self
            .handlers
            .iter()
            .map(|(m, _)| m)
            .filter(|m| !STANDARD.contains(m));
        let mut allow = String::new();
        for method in standard.chain(others) {
            if !allow.is_empty() {
                allow.push_str(", ");
            }
            allow.push_str(method.as_str());
        }
        allow
    }
}

impl fmt::Debug for MethodRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MethodRouter")
            .field("methods", &self.allowed())
            .field("any", &self.any.is_some())
            .finish()
    }
}
