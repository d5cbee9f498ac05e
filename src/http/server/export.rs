//! Exporting an application as the component's wasi:http handler: what
//! [`export_http!`](crate::export_http) can serve, and (under WASI 0.2) the bindings of the
//! `wasio:platform/middleware` world: the `incoming-handler` export, and the import a
//! middleware component forwards to (which a component that does not call it does not
//! import).

#[cfg(not(wasio_p3))]
wit_bindgen::generate!({
    path: "wit",
    world: "wasio:platform/middleware",
    with: {
        "wasi:cli/environment@0.2.12": wasip2::cli::environment,
        "wasi:cli/exit@0.2.12": wasip2::cli::exit,
        "wasi:cli/stdin@0.2.12": wasip2::cli::stdin,
        "wasi:cli/stdout@0.2.12": wasip2::cli::stdout,
        "wasi:cli/stderr@0.2.12": wasip2::cli::stderr,
        "wasi:cli/terminal-input@0.2.12": wasip2::cli::terminal_input,
        "wasi:cli/terminal-output@0.2.12": wasip2::cli::terminal_output,
        "wasi:cli/terminal-stdin@0.2.12": wasip2::cli::terminal_stdin,
        "wasi:cli/terminal-stdout@0.2.12": wasip2::cli::terminal_stdout,
        "wasi:cli/terminal-stderr@0.2.12": wasip2::cli::terminal_stderr,
        "wasi:clocks/monotonic-clock@0.2.12": wasip2::clocks::monotonic_clock,
        "wasi:clocks/wall-clock@0.2.12": wasip2::clocks::wall_clock,
        "wasi:filesystem/types@0.2.12": wasip2::filesystem::types,
        "wasi:filesystem/preopens@0.2.12": wasip2::filesystem::preopens,
        "wasi:io/error@0.2.12": wasip2::io::error,
        "wasi:io/poll@0.2.12": wasip2::io::poll,
        "wasi:io/streams@0.2.12": wasip2::io::streams,
        "wasi:random/random@0.2.12": wasip2::random::random,
        "wasi:random/insecure@0.2.12": wasip2::random::insecure,
        "wasi:random/insecure-seed@0.2.12": wasip2::random::insecure_seed,
        "wasi:sockets/network@0.2.12": wasip2::sockets::network,
        "wasi:sockets/instance-network@0.2.12": wasip2::sockets::instance_network,
        "wasi:sockets/udp@0.2.12": wasip2::sockets::udp,
        "wasi:sockets/udp-create-socket@0.2.12": wasip2::sockets::udp_create_socket,
        "wasi:sockets/tcp@0.2.12": wasip2::sockets::tcp,
        "wasi:sockets/tcp-create-socket@0.2.12": wasip2::sockets::tcp_create_socket,
        "wasi:sockets/ip-name-lookup@0.2.12": wasip2::sockets::ip_name_lookup,
        "wasi:http/types@0.2.12": wasip2::http::types,
        "wasi:http/outgoing-handler@0.2.12": wasip2::http::outgoing_handler,
        "wasi:http/incoming-handler@0.2.12": generate,
    },
    pub_export_macro: true,
    export_macro_name: "__export_wasio_proxy",
    default_bindings_module: "::wasio::http::server::export",
    runtime_path: "::wasio::__private::wit_bindgen::rt",
});

#[cfg(wasio_p3)]
use std::any::Any;
use std::future::Future;

#[cfg(wasio_p3)]
use super::answer::Answer;
use super::app::{Service, panicked};
use super::request::Request;
use crate::runtime::unwind::contain;
use http::StatusCode;

use super::error::HttpError;
use super::response::{CANNOT_UPGRADE, IntoResponse, Parts, Response, has_no_body};
use super::{App, Handler, RouteError};

pub use crate::sys::http::export::serve_request;
#[cfg(feature = "middleware")]
pub use crate::sys::http::middleware::serve_middleware;

/// What [`export_http!`](crate::export_http) can serve: an [`App`], a [`Service`], or a single
/// handler answering every request.
pub trait IntoService {
    /// The service, or the first invalid route.
    fn into_service(self) -> Result<Service, RouteError>;

    /// Answers one request, as the WASI 0.2 wasi:http export does (the WASI 0.3 one makes the
    /// service once per instance and calls it): an [`App`] or a [`Service`] through
    /// its middleware and routes, a single handler through its own type (with
    /// [`Handler::respond`]: no boxed future and no dynamic call on the way).
    fn serve(self, request: Request) -> impl Future<Output = Response>
    where
        Self: Sized,
    {
        async move {
            match self.into_service() {
                Ok(service) => service.call(request).await,
                Err(error) => HttpError::internal(error).into_response(),
            }
        }
    }

    /// What a WASI 0.3 instance keeps of this between its requests, made by its first: the
    /// service (or why there is none), or a single handler itself.
    #[cfg(wasio_p3)]
    #[doc(hidden)]
    fn keep(self) -> Box<dyn Any>
    where
        Self: Sized + 'static,
    {
        Box::new(self.into_service())
    }

    /// Answers one request with what [`keep`](IntoService::keep) made, as the WASI 0.3
    /// export does: an [`App`] or a [`Service`] through its middleware and routes, a single
    /// handler through its own type (no boxed future and no dynamic call on the way).
    #[cfg(wasio_p3)]
    #[doc(hidden)]
    fn serve_kept(kept: &dyn Any, request: Request) -> impl Future<Output = Response> + use<Self>
    where
        Self: Sized,
    {
        match kept.downcast_ref::<Result<Service, RouteError>>() {
            Some(Ok(service)) => {
                let service = service.clone();
                Answer::Later {
                    future: async move { service.call(request).await },
                }
            }
            Some(Err(error)) => Answer::now(HttpError::internal(error.clone()).into_response()),
            None => Answer::now(HttpError::internal(NOT_KEPT).into_response()),
        }
    }
}

/// Why a WASI 0.3 instance has no application to answer with: what it keeps is not of the
/// type its export serves (which one component with one export cannot come to).
#[cfg(wasio_p3)]
const NOT_KEPT: &str = "the instance keeps no application of the exported type";

impl IntoService for App {
    fn into_service(self) -> Result<Service, RouteError> {
        App::into_service(self)
    }
}

impl IntoService for Service {
    fn into_service(self) -> Result<Service, RouteError> {
        Ok(self)
    }
}

impl<H: Handler> IntoService for H {
    fn into_service(self) -> Result<Service, RouteError> {
        Ok(Service::from_handler(self))
    }

    fn serve(self, request: Request) -> impl Future<Output = Response> {
        contain(self.respond(request), panicked)
    }

    #[cfg(wasio_p3)]
    fn keep(self) -> Box<dyn Any> {
        Box::new(self)
    }

    #[cfg(wasio_p3)]
    fn serve_kept(kept: &dyn Any, request: Request) -> impl Future<Output = Response> + use<H> {
        match kept.downcast_ref::<H>() {
            Some(handler) => Answer::Later {
                future: contain(handler.respond(request), panicked),
            },
            None => Answer::now(HttpError::internal(NOT_KEPT).into_response()),
        }
    }
}

/// `response` as a wasi:http host sends it, and the `content-length` to send with its
/// headers: a WebSocket upgrade (which such a host cannot make) becomes a 501 that says why,
/// and a body of complete bytes gets its length (unless the request was a HEAD, whose answer
/// has no body, or the status has no content).
pub(crate) fn host_parts(response: Response, head_only: bool) -> (Parts, Option<u64>) {
    let mut parts = response.into_parts();
    if parts.upgrade.is_some() {
        let refusal = HttpError::new(StatusCode::NOT_IMPLEMENTED, CANNOT_UPGRADE);
        parts = refusal.into_response().into_parts();
    }
    let length = parts
        .body
        .len()
        .filter(|_| !head_only && !has_no_body(parts.status));
    (parts, length)
}
