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
//! | `await request.multipart()`, `reader.next()`, `part.read_chunk()`; `.post()` of a multipart body | [`Request::multipart`], [`Multipart::next_part`], [`Part::chunk`]; [`Multipart::read_fields`] |
//! | `web.Response(text=...)`, `web.json_response(...)` | [`Response::text`], [`Response::json`] |
//! | `web.StreamResponse`, SSE | [`Response::stream`], [`Response::sse`], [`Sse`] |
//! | `raise web.HTTPNotFound()`, `HTTPUnauthorized(headers=...)` | `return Err(`[`HttpError::not_found`]`(..))`, [`HttpError::with_header`] |
//! | an error middleware rendering JSON | [`App::error_renderer`] |
//! | `response.enable_compression()`, for every route | [`App::middleware`]`(`[`Compression::new`]`())` |
//! | aiohttp_cors | [`App::middleware`]`(`[`Cors::new`]`()...)` |
//! | the access log, `access_log_format` | [`App::middleware`]`(`[`AccessLog::new`]`())`, [`AccessLog::with_format`] |
//! | a request id middleware | [`App::middleware`]`(`[`RequestId::new`]`())` |
//! | a request body in gzip or deflate (decoded by aiohttp's parser) | [`Request::decompress`] |
//! | `request.query.get("q")` | [`Request::query_param`] |
//! | `request.cookies["name"]`, `response.set_cookie(...)`, `del_cookie` | [`Request::cookie`], [`Response::set_cookie`], [`Response::remove_cookie`] with a [`Cookie`] |
//! | `web.run_app(app)` under `wasmtime serve` | [`export_http!`](crate::export_http) |
//! | `app.on_startup.append(f)`, `app.on_cleanup.append(f)` | [`App::on_startup`], [`App::on_cleanup`] |
//! | `add_get(path, h, name="user")`, `request.app.router["user"].url_for(id=...)` | `get(h).`[`name`](MethodRouter::name)`("user")`, [`Request::url_for`], [`App::url_for`] |
//!
//! Handlers are `async fn(Request) -> impl IntoResponse`. An error a handler returns becomes
//! its status (500 for anything but an [`HttpError`]), and nothing a client sends makes wasio
//! panic. A handler's own panic aborts the instance, whatever the host, unless the component
//! is built so that panics unwind: then it is a 500 (see [`Server`] and
//! [`export_http!`](crate::export_http)).

mod access_log;
#[cfg(wasio_p3)]
pub(crate) mod answer;
pub(crate) mod app;
mod compress;
mod cookies;
mod cors;
mod error;
#[doc(hidden)]
pub mod export;
mod handler;
mod http1;
mod lazy;
mod lifecycle;
mod multipart;
mod request;
mod request_id;
pub(crate) mod response;
mod reverse;
mod router;
mod sse;
mod static_files;
#[cfg(feature = "middleware")]
pub(crate) mod verdict;

pub use access_log::{AccessLog, DEFAULT_ACCESS_LOG_FORMAT, LogFormatError, MAX_ACCESS_LOG_FORMAT};
pub use app::{App, DEFAULT_MAX_BODY_SIZE, Router, Service};
pub use compress::Compression;
pub use cookies::{Cookie, CookieError, MAX_ATTRIBUTE_SIZE, MAX_SET_COOKIE_SIZE, SameSite};
pub use cors::Cors;
pub use error::HttpError;
pub use export::IntoService;
pub use handler::{
    Handler, MethodRouter, Middleware, Next, ResponseFuture, any, delete, get, head, options,
    patch, post, put,
};
pub use http1::{ServeError, Server, ServerConfig, serve};
pub use lifecycle::{HookError, Stage};
pub use multipart::{Field, Multipart, Part};
pub use request::{Request, RequestBuilder};
pub use request_id::{DEFAULT_MAX_REQUEST_ID, RequestId};
#[cfg(feature = "json")]
pub use response::Json;
pub use response::{IntoResponse, Response, Upgraded};
pub use reverse::UrlError;
pub use router::{Params, RouteError};
pub use sse::{Event, Sse};
pub use static_files::{FileResponse, StaticFiles};
#[cfg(feature = "middleware")]
pub use verdict::{Gate, Verdict};
