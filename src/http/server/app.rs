//! `App` and `Router`: routes, sub-routers, middleware and shared state.

use std::fmt;
use std::rc::Rc;

use http::StatusCode;
use http::header::ALLOW;

use super::handler::{Handler, MethodRouter, Middleware, Next, ResponseFuture};
use super::request::{Request, StateMap};
use super::response::{HttpError, IntoResponse, Response};
use super::router::{Pattern, RouteError, Table};

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
    errors: Vec<RouteError>,
}

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
            errors: Vec::new(),
        }
    }

    /// Answers requests for `path` with `handlers`: `/users/{id}` binds a parameter,
    /// `/static/{*path}` the rest of the path. Routing the same path again adds methods.
    pub fn route(mut self, path: &str, handlers: MethodRouter) -> App {
        add_route(&mut self.routes, &mut self.errors, path, handlers);
        self
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
            add_route(
                &mut self.routes,
                &mut self.errors,
                &full,
                handlers.wrap(&chain),
            );
        }
        self.errors.extend(router.errors);
        self
    }

    /// Adds a middleware; the first added runs outermost.
    pub fn middleware(mut self, middleware: impl Middleware) -> App {
        self.middleware.push(Rc::new(middleware));
        self
    }

    /// Shares `value` with every handler, which reads it with
    /// [`Request::state::<T>()`](Request::state). One value per type.
    pub fn state<T: 'static>(mut self, value: T) -> App {
        self.state.insert(value);
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
        let dispatch: Rc<dyn Handler> = Rc::new(Dispatch {
            routes: self.routes,
            state: Rc::new(self.state),
            max_body_size: self.max_body_size,
        });
        Ok(Service {
            chain: self.middleware.into(),
            dispatch,
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
}

impl Service {
    /// A service that answers every request with `handler`.
    pub(crate) fn from_handler(handler: impl Handler) -> Service {
        Service {
            chain: Rc::from(Vec::new()),
            dispatch: Rc::new(handler),
        }
    }

    /// Answers one request, through the middleware and routes, as a server does; tests call
    /// it directly with a [`Request::builder`] request.
    pub async fn call(&self, request: Request) -> Response {
        Next::new(self.chain.clone(), self.dispatch.clone())
            .run(request)
            .await
    }
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service").finish_non_exhaustive()
    }
}

/// The innermost handler: finds the route and calls it, or answers 404 or 405.
struct Dispatch {
    routes: Table<MethodRouter>,
    state: Rc<StateMap>,
    max_body_size: u64,
}

impl Handler for Dispatch {
    fn call(&self, mut request: Request) -> ResponseFuture {
        let found = match self.routes.find(request.path()) {
            Err(_) => return ready(HttpError::bad_request("the path is not validly encoded")),
            Ok(None) => return ready(StatusCode::NOT_FOUND),
            Ok(Some(found)) => found,
        };
        let (handlers, params) = found;
        let Some(handler) = handlers.find(request.method()).cloned() else {
            let allow = handlers.allowed();
            return ready(
                StatusCode::METHOD_NOT_ALLOWED
                    .into_response()
                    .header(ALLOW, allow),
            );
        };
        request.route(params, self.state.clone(), self.max_body_size);
        handler.call(request)
    }
}

fn ready(response: impl IntoResponse) -> ResponseFuture {
    let response = response.into_response();
    Box::pin(async move { response })
}
