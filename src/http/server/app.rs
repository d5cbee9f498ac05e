//! `App` and `Router`: routes, sub-routers, middleware and shared state.

use std::fmt;
use std::future::Future;
use std::rc::Rc;

use http::StatusCode;
use http::header::ALLOW;

use super::error::HttpError;
use super::handler::{Handler, MethodRouter, Middleware, Next, ResponseFuture, get};
use super::lifecycle::{Hook, HookError, Lifecycle, hook};
use super::request::{Request, StateMap};
use super::response::{IntoResponse, Response};
use super::reverse::{RouteNames, UrlError};
use super::router::{Pattern, RouteError, Table};
use super::static_files::StaticFiles;
use crate::runtime::unwind::contain;

/// The request-body limit applications start with: 1 MiB, as aiohttp's `client_max_size`.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 1024 * 1024;

/// A web application (aiohttp's `web.Application`): routes, sub-routers mounted at a prefix,
/// middleware, and state shared by every handler.
///
/// Requests for a path no route matches get 404; for a method a route does not answer, 405
/// with an `allow` header. `HEAD` is answered by the `GET` handler, without the body.
///
/// ```
/// # wasio::run(async {
/// use wasio::http::server::{App, Next, Request, Response, Router, get};
///
/// struct Greeting(&'static str);
///
/// async fn hello(request: Request) -> String {
///     let greeting = request.state::<Greeting>().map_or("Hello", |g| g.0);
///     format!("{greeting}, {}!", request.param("name").unwrap_or("World"))
/// }
///
/// async fn powered_by(request: Request, next: Next) -> Response {
///     next.run(request).await.header("x-powered-by", "wasio")
/// }
///
/// let app = App::new()
///     .route("/", get(hello))
///     .route("/hello/{name}", get(hello))
///     .nest("/api", Router::new().route("/health", get(|_| async { "ok" })))
///     .middleware(powered_by)
///     .state(Greeting("Bonjour"));
///
/// // Servers run the frozen application; tests can call it directly.
/// let service = app.into_service().expect("the routes are valid");
/// let response = service.call(Request::builder("GET", "/hello/wasm").build()).await;
/// assert_eq!(response.headers()["x-powered-by"], "wasio");
/// let missing = service.call(Request::builder("GET", "/nope").build()).await;
/// assert_eq!(missing.status().as_u16(), 404);
/// # });
/// ```
pub struct App {
    routes: Table<MethodRouter>,
    middleware: Vec<Rc<dyn Middleware>>,
    state: StateMap,
    max_body_size: u64,
    render: Option<Rc<ErrorRenderer>>,
    errors: Vec<RouteError>,
    names: RouteNames,
    startup: Vec<Hook>,
    cleanup: Vec<Hook>,
}

/// What [`App::error_renderer`] keeps.
type ErrorRenderer = dyn Fn(&HttpError) -> Response;

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

impl App {
    /// An application with no routes.
    pub fn new() -> App {
        App {
            routes: Table::default(),
            middleware: Vec::new(),
            state: StateMap::default(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            render: None,
            errors: Vec::new(),
            names: RouteNames::default(),
            startup: Vec::new(),
            cleanup: Vec::new(),
        }
    }

    /// Answers requests for `path` with `handlers`: `/users/{id}` binds a parameter,
    /// `/static/{*path}` the rest of the path. Routing the same path again adds methods.
    /// A route [named](MethodRouter::name) can be found again by [`App::url_for`] and
    /// [`Request::url_for`].
    pub fn route(mut self, path: &str, handlers: MethodRouter) -> App {
        self.add_route(path, handlers);
        self
    }

    /// Serves the files under `dir` (a guest path in a preopened directory) at
    /// `prefix/{*path}` (aiohttp's `add_static(prefix, path)`): a [`StaticFiles`] route for
    /// `GET` and `HEAD`.
    ///
    /// ```
    /// use wasio::http::server::App;
    ///
    /// // Under `wasmtime run --dir examples/static::/static ...`:
    /// let app = App::new().static_files("/static", "/static");
    /// ```
    pub fn static_files(self, prefix: &str, dir: &str) -> App {
        self.route(&static_route(prefix), get(StaticFiles::new(dir)))
    }

    /// The path of the route named `name` (see [`MethodRouter::name`]) with its parameters
    /// given by `params`, each value percent-encoded (aiohttp's `url_for`): every parameter
    /// the route has, and no other; a `{*tail}` keeps its `/`s. Handlers use
    /// [`Request::url_for`].
    ///
    /// ```
    /// use wasio::http::server::{App, UrlError, get};
    ///
    /// let app = App::new()
    ///     .route("/users/{id}", get(|_| async { "a user" }).name("user"))
    ///     .route("/files/{*path}", get(|_| async { "a file" }).name("file"));
    /// assert_eq!(app.url_for("user", &[("id", "a b")]).unwrap(), "/users/a%20b");
    /// assert_eq!(app.url_for("file", &[("path", "docs/é.txt")]).unwrap(), "/files/docs/%C3%A9.txt");
    /// assert!(matches!(app.url_for("user", &[]), Err(UrlError::MissingParam { .. })));
    /// assert!(matches!(app.url_for("nobody", &[]), Err(UrlError::UnknownRoute(_))));
    /// ```
    pub fn url_for(&self, name: &str, params: &[(&str, &str)]) -> Result<String, UrlError> {
        self.names.url_for(name, params)
    }

    /// Runs `hook` before the application answers its first request (aiohttp's
    /// `on_startup`): to open a connection or fill a cache that the state holds, say. Hooks
    /// run once, in the order they were added, and the first that fails stops the others;
    /// the application then does not serve. What "first" means depends on the host:
    ///
    /// | served by | startup hooks run | cleanup hooks run |
    /// |---|---|---|
    /// | [`Server::run`](super::Server::run), [`run_until`](super::Server::run_until) (`wasmtime run`) | once, before the server accepts a connection; one that fails ends `run` with [`ServeError::Startup`](super::ServeError::Startup) (after the cleanup hooks) | once, after the graceful shutdown (or after a failed startup); one that fails ends `run_until` with [`ServeError::Cleanup`](super::ServeError::Cleanup) |
    /// | [`export_http!`](crate::export_http), WASI 0.2 (`wasmtime serve`) | before every request: each request is a fresh instance, which makes the application anew | never: the host drops an instance without a word |
    /// | `export_http!`, WASI 0.3 | once per instance, with its first request; requests arriving meanwhile wait for them | never |
    /// | [`Service::call`] (tests) | with the first call; [`Service::startup`] runs them by itself | with [`Service::cleanup`] |
    ///
    /// Where the startup failed, every request the application gets is answered 500 (the
    /// hook's error logged, not shown). So under `wasmtime serve`, where no cleanup runs, a
    /// hook acquires nothing that must be given back.
    ///
    /// ```
    /// # wasio::run(async {
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use wasio::http::server::{App, Request, get};
    ///
    /// let ready = Rc::new(Cell::new(false));
    /// let (flag, seen) = (ready.clone(), ready.clone());
    /// let app = App::new()
    ///     .route("/", get(move |_: Request| {
    ///         let answer = if seen.get() { "ready" } else { "not ready" };
    ///         async move { answer }
    ///     }))
    ///     .on_startup(move || async move {
    ///         flag.set(true);
    ///         Ok::<(), std::io::Error>(())
    ///     });
    /// let service = app.into_service()?;
    /// let response = service.call(Request::builder("GET", "/").build()).await;
    /// assert_eq!(response.into_body().bytes().await?, "ready");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub fn on_startup<F, Fut, E>(mut self, hook_fn: F) -> App
    where
        F: FnOnce() -> Fut + 'static,
        Fut: Future<Output = Result<(), E>> + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.startup.push(hook(hook_fn));
        self
    }

    /// Runs `hook` once the application has stopped serving (aiohttp's `on_cleanup`): after
    /// [`Server::run_until`](super::Server::run_until)'s graceful shutdown, or
    /// [`Service::cleanup`]. Every cleanup hook runs, in the order they were added, even
    /// when one fails. Under `wasmtime serve` they never run: see [`App::on_startup`].
    pub fn on_cleanup<F, Fut, E>(mut self, hook_fn: F) -> App
    where
        F: FnOnce() -> Fut + 'static,
        Fut: Future<Output = Result<(), E>> + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.cleanup.push(hook(hook_fn));
        self
    }

    fn add_route(&mut self, path: &str, mut handlers: MethodRouter) {
        if let Some(name) = handlers.take_name() {
            if let Err(error) = self.names.add(&name, path) {
                self.errors.push(error);
            }
        }
        add_route(&mut self.routes, &mut self.errors, path, handlers);
    }

    /// Mounts `router` under `prefix` (`/api` + `/users` answers `/api/users`), with the
    /// router's own middleware inside the application's.
    pub fn nest(mut self, prefix: &str, router: Router) -> App {
        let prefix = prefix.trim_end_matches('/');
        let chain: Rc<[Rc<dyn Middleware>]> = router.middleware.into();
        for (path, handlers) in router.routes {
            let full = if path == "/" && !prefix.is_empty() {
                prefix.to_string()
            } else {
                format!("{prefix}{path}")
            };
            self.add_route(&full, handlers.wrap(&chain));
        }
        self.errors.extend(router.errors);
        self
    }

    /// Adds a middleware; the first added runs outermost.
    pub fn middleware(mut self, middleware: impl Middleware) -> App {
        self.middleware.push(Rc::new(middleware));
        self
    }

    /// Shares `value` with every middleware and handler, which get it as an `Rc<T>` from
    /// [`Request::state::<T>()`](Request::state). One value per type; keep what changes in a
    /// `Cell`, a `RefCell` or a [`sync`](crate::sync) type.
    ///
    /// The state lives as long as the application, and what that means depends on the host:
    ///
    /// | served by | the application lives | so the state is |
    /// |---|---|---|
    /// | [`Server`](super::Server) (`wasmtime run`) | as long as the server | shared by every request and connection, WebSockets included |
    /// | [`export_http!`](crate::export_http), WASI 0.2 (`wasmtime serve`) | one request: every request gets a fresh instance | new for each request: what one request stores, the next does not see, and a [`broadcast`](crate::sync::broadcast) reaches only the request that sent it |
    /// | `export_http!`, WASI 0.3 (`wasmtime serve`, `--features p3`) | one instance: up to 128 requests, 16 at once by default, and the host runs several instances side by side | shared by the requests of one instance only |
    ///
    /// So under `wasmtime serve` state is a cache, never the only copy of anything: data that
    /// must last goes to a store outside the component (reached with
    /// [`Client`](crate::http::Client); `examples/http_server.rs` does this with
    /// `ITEMS_UPSTREAM`). wasio cannot warn when such state is changed, as it cannot see
    /// inside a `Cell` or a `RefCell`, and under WASI 0.2 a warning "once per instance"
    /// would be a warning on every request.
    pub fn state<T: 'static>(mut self, value: T) -> App {
        self.state.insert(value);
        self
    }

    /// Renders every [`HttpError`] that reaches the edge of the application (a handler's or
    /// a middleware's, and the 404, 405 and 413 wasio answers) with `render` in place of the
    /// plain text body: JSON errors for an API, say. The response's status and headers stay
    /// (a header `render` sets replaces one of the same name); the body and content type are
    /// `render`'s. It renders after every middleware, so a middleware that replaces an
    /// error's body has the last word. Not rendered: a plain [`StatusCode`] a handler
    /// returns (not an `HttpError`), and what is refused before the application sees the
    /// request (the own server's 400, 408, 414 and 431, a wasi:http request with an invalid
    /// method, the 501 for a WebSocket under `wasmtime serve`).
    ///
    /// ```
    /// # wasio::run(async {
    /// use wasio::http::server::{App, HttpError, Request, Response, get};
    ///
    /// let app = App::new()
    ///     .route("/", get(|_| async { Err::<(), _>(HttpError::forbidden("no entry")) }))
    ///     .error_renderer(|error: &HttpError| {
    ///         Response::json(&serde_json::json!({
    ///             "status": error.status().as_u16(),
    ///             "error": error.message(),
    ///         }))
    ///     });
    /// let service = app.into_service()?;
    /// let response = service.call(Request::builder("GET", "/").build()).await;
    /// assert_eq!(response.status().as_u16(), 403);
    /// assert_eq!(response.headers()["content-type"], "application/json");
    /// let missing = service.call(Request::builder("GET", "/nope").build()).await;
    /// let body = missing.into_body().bytes().await?;
    /// assert_eq!(body, r#"{"error":"404 Not Found","status":404}"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub fn error_renderer(mut self, render: impl Fn(&HttpError) -> Response + 'static) -> App {
        self.render = Some(Rc::new(render));
        self
    }

    /// The request-body limit (default [`DEFAULT_MAX_BODY_SIZE`]); reading past it gives 413.
    pub fn max_body_size(mut self, limit: u64) -> App {
        self.max_body_size = limit;
        self
    }

    /// Every route is valid: the routes, sub-routers and patterns were all accepted. Servers
    /// check this before serving.
    pub fn check(&self) -> Result<(), RouteError> {
        match self.errors.first() {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }

    /// The application, frozen for serving: cheap to clone, one per connection or request.
    pub fn into_service(self) -> Result<Service, RouteError> {
        self.check()?;
        let hooked = !(self.startup.is_empty() && self.cleanup.is_empty());
        let shared = Rc::new(Shared {
            state: Rc::new(self.state),
            max_body_size: self.max_body_size,
            render: self.render,
            names: Rc::new(self.names),
            lifecycle: hooked.then(|| Lifecycle::new(self.startup, self.cleanup)),
        });
        let dispatch: Rc<dyn Handler> = Rc::new(Dispatch {
            routes: self.routes,
            shared: shared.clone(),
        });
        Ok(Service {
            chain: self.middleware.into(),
            dispatch,
            shared: Some(shared),
        })
    }
}

fn add_route(
    routes: &mut Table<MethodRouter>,
    errors: &mut Vec<RouteError>,
    path: &str,
    handlers: MethodRouter,
) {
    match Pattern::parse(path) {
        Ok(pattern) => match routes.get_mut(&pattern) {
            Some(existing) => existing.merge(handlers),
            None => routes.insert(pattern, handlers),
        },
        Err(error) => errors.push(error),
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("middleware", &self.middleware.len())
            .field("errors", &self.errors)
            .finish_non_exhaustive()
    }
}

/// Routes collected to be mounted with [`App::nest`], with middleware of their own.
#[derive(Default)]
pub struct Router {
    routes: Vec<(String, MethodRouter)>,
    middleware: Vec<Rc<dyn Middleware>>,
    errors: Vec<RouteError>,
}

impl Router {
    /// A router with no routes.
    pub fn new() -> Router {
        Router::default()
    }

    /// Answers `path` (relative to where the router is mounted) with `handlers`.
    pub fn route(mut self, path: &str, handlers: MethodRouter) -> Router {
        if path.starts_with('/') {
            self.routes.push((path.to_string(), handlers));
        } else {
            self.errors
                .push(RouteError::new(path, "a route starts with /"));
        }
        self
    }

    /// Serves the files under `dir` at `prefix/{*path}`, as [`App::static_files`].
    pub fn static_files(self, prefix: &str, dir: &str) -> Router {
        self.route(&static_route(prefix), get(StaticFiles::new(dir)))
    }

    /// Adds a middleware around this router's routes only.
    pub fn middleware(mut self, middleware: impl Middleware) -> Router {
        self.middleware.push(Rc::new(middleware));
        self
    }
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Router")
            .field("routes", &self.routes.len())
            .finish_non_exhaustive()
    }
}

/// A frozen [`App`]: what the servers run.
#[derive(Clone)]
pub struct Service {
    chain: Rc<[Rc<dyn Middleware>]>,
    dispatch: Rc<dyn Handler>,
    /// What every request of an [`App`] shares; `None` for a single handler.
    shared: Option<Rc<Shared>>,
}

/// The parts of an [`App`] every request sees.
struct Shared {
    state: Rc<StateMap>,
    max_body_size: u64,
    render: Option<Rc<ErrorRenderer>>,
    names: Rc<RouteNames>,
    /// The startup and cleanup hooks, if there are any.
    lifecycle: Option<Lifecycle>,
}

impl Shared {
    fn admit(&self, request: &mut Request) {
        request.enter(self.state.clone(), self.max_body_size, self.names.clone());
    }
}

impl Service {
    /// A service that answers every request with `handler`.
    pub(crate) fn from_handler(handler: impl Handler) -> Service {
        Service {
            chain: Rc::from(Vec::new()),
            dispatch: Rc::new(handler),
            shared: None,
        }
    }

    /// Answers one request, through the middleware and routes, as a server does; tests call
    /// it directly with a [`Request::builder`] request.
    pub async fn call(&self, mut request: Request) -> Response {
        if let Some(shared) = &self.shared {
            if let Some(lifecycle) = &shared.lifecycle {
                if let Err(error) = lifecycle.startup().await {
                    return HttpError::internal(format_args!(
                        "the application did not start: {error}"
                    ))
                    .into_response();
                }
            }
            shared.admit(&mut request);
        }
        // Without middleware the routes are called directly, without a `Next` on the way.
        let response = match self.chain.is_empty() {
            true => contain(self.dispatch.call(request), panicked).await,
            false => {
                let next = Next::new(self.chain.clone(), self.dispatch.clone());
                contain(next.run(request), panicked).await
            }
        };
        match self
            .shared
            .as_ref()
            .and_then(|shared| shared.render.as_ref())
        {
            Some(render) => response.render_error(&**render),
            None => response,
        }
    }
}

impl Service {
    /// Runs the application's startup hooks (see [`App::on_startup`]), unless they have run
    /// (or are running: this waits for them); their outcome.
    pub async fn startup(&self) -> Result<(), HookError> {
        match self.lifecycle() {
            Some(lifecycle) => lifecycle.startup().await,
            None => Ok(()),
        }
    }

    /// Runs the application's cleanup hooks (see [`App::on_cleanup`]), unless they have run:
    /// every one, and the first failure is the outcome.
    pub async fn cleanup(&self) -> Result<(), HookError> {
        match self.lifecycle() {
            Some(lifecycle) => lifecycle.cleanup().await,
            None => Ok(()),
        }
    }

    fn lifecycle(&self) -> Option<&Lifecycle> {
        self.shared.as_ref()?.lifecycle.as_ref()
    }
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service").finish_non_exhaustive()
    }
}

/// The answer to a request whose handler (or middleware) panicked, where panics unwind.
pub(crate) fn panicked(message: String) -> Response {
    HttpError::internal(format!("the handler panicked: {message}")).into_response()
}

/// The innermost handler: finds the route and calls it, or answers 404 or 405.
struct Dispatch {
    routes: Table<MethodRouter>,
    /// For a request a middleware built anew, which has not entered the application yet.
    shared: Rc<Shared>,
}

impl Handler for Dispatch {
    fn call(&self, mut request: Request) -> ResponseFuture {
        let found = match self.routes.find(request.path()) {
            Err(_) => return ready(HttpError::bad_request("the path is not validly encoded")),
            Ok(None) => {
                return ready(HttpError::new(StatusCode::NOT_FOUND, "404 Not Found"));
            }
            Ok(Some(found)) => found,
        };
        let (handlers, params) = found;
        let Some(handler) = handlers.find(request.method()).cloned() else {
            let allow = handlers.allowed();
            return ready(
                HttpError::new(StatusCode::METHOD_NOT_ALLOWED, "405 Method Not Allowed")
                    .with_header(ALLOW, allow),
            );
        };
        request.route(params);
        if !request.has_entered() {
            self.shared.admit(&mut request);
        }
        handler.call(request)
    }
}

fn ready(response: impl IntoResponse) -> ResponseFuture {
    let response = response.into_response();
    Box::pin(async move { response })
}

/// The route of static files under `prefix`: `prefix/{*path}`.
fn static_route(prefix: &str) -> String {
    format!("{}/{{*path}}", prefix.trim_end_matches('/'))
}
