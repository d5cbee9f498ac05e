//! HTTP servers: aiohttp.web applications, exported as wasi:http `incoming-handler` (run by
//! `wasmtime serve`) or served on wasio's own sockets.
//!
//! | aiohttp.web | wasio |
//! |---|---|
//! | `web.Application()`, `app.router.add_get(path, h)` | [`App::new`]`.route(path, `[`get`]`(h))` |
//! | `/users/{id}`, `request.match_info["id"]` | `/users/{id}`, [`Request::param`] |
//! | `/static/{tail:.*}` | `/static/{*tail}` |
//! | `app.add_subapp("/api", sub)` | [`App::nest`]`("/api", `[`Router`]`)` |
//! | `@web.middleware` | [`App::middleware`] (an `async fn(Request, Next)`) |
//! | `app["db"] = db`, `request.app["db"]` | [`App::state`], [`Request::state`] (an `Rc`, or a 500 for `?`) |
//! | `await request.json()`, `.post()`, `.text()`, `request.query` | [`Request::json`], [`Request::form`], [`Request::text`], [`Request::query`] |
//! | `web.Response(text=...)`, `web.json_response(...)` | [`Response::text`], [`Response::json`] |
//! | `web.StreamResponse`, SSE | [`Response::stream`], [`Response::sse`], [`Sse`] |
//! | `raise web.HTTPNotFound()`, `HTTPUnauthorized(headers=...)` | `return Err(`[`HttpError::not_found`]`(..))`, [`HttpError::with_header`] |
//! | an error middleware rendering JSON | [`App::error_renderer`] |
//! | `response.enable_compression()`, for every route | [`App::middleware`]`(`[`Compression::new`]`())` |
//! | a request body in gzip or deflate (decoded by aiohttp's parser) | [`Request::decompress`] |
//! | `request.query.get("q")` | [`Request::query_param`] |
//! | `web.run_app(app)` under `wasmtime serve` | [`export_http!`](crate::export_http) |
//!
//! Handlers are `async fn(Request) -> impl IntoResponse`. An error a handler returns becomes
//! its status (500 for anything but an [`HttpError`]), and nothing a client sends makes wasio
//! panic. A handler's own panic aborts the instance, whatever the host, unless the component
//! is built so that panics unwind: then it is a 500 (see [`Server`] and
//! [`export_http!`](crate::export_http)).

#[cfg(wasio_p3)]
pub(crate) mod answer;
pub(crate) mod app;
mod compress;
mod error;
#[doc(hidden)]
pub mod export;
mod handler;
mod http1;
mod lazy;
mod request;
pub(crate) mod response;
mod router;
mod sse;
#[cfg(feature = "middleware")]
pub(crate) mod verdict;

pub use app::{App, DEFAULT_MAX_BODY_SIZE, Router, Service};
pub use compress::Compression;
pub use error::HttpError;
pub use export::IntoService;
pub use handler::{
    Handler, MethodRouter, Middleware, Next, ResponseFuture, any, delete, get, head, options,
    patch, post, put,
};
pub use http1::{ServeError, Server, ServerConfig, serve};
pub use request::{Request, RequestBuilder};
#[cfg(feature = "json")]
pub use response::Json;
pub use response::{IntoResponse, Response, Upgraded};
pub use router::{Params, RouteError};
pub use sse::{Event, Sse};
#[cfg(feature = "middleware")]
pub use verdict::{Gate, Verdict};
