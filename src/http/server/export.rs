//! Exporting an application as the component's `wasi:http/incoming-handler`.

wit_bindgen::generate!({
    path: "wit",
    world: "wasio:platform/proxy",
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
    },
    pub_export_macro: true,
    export_macro_name: "__export_wasio_proxy",
    default_bindings_module: "::wasio::http::server::export",
    runtime_path: "::wasio::__private::wit_bindgen::rt",
});

use std::future::Future;

use futures_lite::StreamExt;
use http::header::CONTENT_LENGTH;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use wasip2::http::types::{
    IncomingRequest, Method as WasiMethod, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

use super::app::Service;
use super::host::HostRequest;
use super::leftovers;
use super::request::Request;
use super::response::{CANNOT_UPGRADE, HttpError, IntoResponse, Parts, Response};
use super::{App, Handler, RouteError};
use crate::http::Body;
use crate::http::fields::{FieldError, to_fields};
use crate::io::{AsyncOutputStream, AsyncWriteExt};

/// What [`export_http!`](crate::export_http) can serve: an [`App`], a [`Service`], or a single
/// handler answering every request.
pub trait IntoService {
    /// The service, or the first invalid route.
    fn into_service(self) -> Result<Service, RouteError>;

    /// Answers one request, as the wasi:http export does: an [`App`] or a [`Service`] through
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
}

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
        self.respond(request)
    }
}

/// Answers one wasi:http request with `app`: called by the code
/// [`export_http!`](crate::export_http) generates. Runs an event loop until the response is
/// sent and every task the handler spawned has finished.
pub fn serve_request(app: impl IntoService, request: IncomingRequest, out: ResponseOutparam) {
    crate::runtime::Builder::new()
        .finish_tasks(true)
        .run(async move {
            let (response, head_only) = match to_request(request) {
                Ok(request) => {
                    let head_only = request.method() == Method::HEAD;
                    (app.serve(request).await, head_only)
                }
                Err(error) => (error.into_response(), false),
            };
            send(response, out, head_only).await;
        });
}

/// A wasi:http request as a [`Request`]: the method and path now, the rest when asked for.
fn to_request(request: IncomingRequest) -> Result<Request, HttpError> {
    let method = match request.method() {
        WasiMethod::Get => Method::GET,
        WasiMethod::Head => Method::HEAD,
        WasiMethod::Post => Method::POST,
        WasiMethod::Put => Method::PUT,
        WasiMethod::Delete => Method::DELETE,
        WasiMethod::Connect => Method::CONNECT,
        WasiMethod::Options => Method::OPTIONS,
        WasiMethod::Trace => Method::TRACE,
        WasiMethod::Patch => Method::PATCH,
        WasiMethod::Other(other) => Method::from_bytes(other.as_bytes())
            .map_err(|_| HttpError::bad_request("the method is not valid"))?,
    };
    let path = request.path_with_query();
    Ok(Request::from_host(method, path, HostRequest::new(request)))
}

/// Sends `response` through the host: status and headers first, then the body and trailers.
/// A body that fails mid-stream is left unfinished, which the host reports as an error.
async fn send(response: Response, out: ResponseOutparam, head_only: bool) {
    let Parts {
        status,
        mut headers,
        body,
        trailers,
        upgrade,
    } = response.into_parts();
    if upgrade.is_some() {
        let refusal = HttpError::new(StatusCode::NOT_IMPLEMENTED, CANNOT_UPGRADE);
        return Box::pin(send(refusal.into_response(), out, head_only)).await;
    }
    if let Some(len) = body.len().filter(|_| !head_only) {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    }
    let (outgoing, body_handle) = match respond(status, &headers) {
        Ok(parts) => parts,
        Err(error) => {
            // The handler's response cannot be sent as it is (a header wasi:http forbids, say).
            let fallback = HttpError::internal(error).into_response().into_parts();
            match respond(fallback.status, &fallback.headers) {
                Ok((outgoing, body_handle)) => {
                    ResponseOutparam::set(out, Ok(outgoing));
                    let _ = OutgoingBody::finish(body_handle, None);
                }
                Err(_) => ResponseOutparam::set(
                    out,
                    Err(wasip2::http::types::ErrorCode::InternalError(None)),
                ),
            }
            return;
        }
    };
    ResponseOutparam::set(out, Ok(outgoing));
    leftovers::keep_headers(headers);
    if !head_only && !write_body(&body_handle, body).await {
        // Left unfinished: the host reports the response as failed.
        return;
    }
    let trailers = match trailers {
        Some(trailers) => match to_fields(&trailers.await) {
            Ok(fields) => Some(fields),
            Err(error) => {
                eprintln!("wasio: the response trailers cannot be sent: {error}");
                return;
            }
        },
        None => None,
    };
    if let Err(code) = OutgoingBody::finish(body_handle, trailers) {
        let why = match code {
            wasip2::http::types::ErrorCode::HttpResponseBodySize(_) => {
                "its length differs from its content-length"
            }
            _ => "the host refused its end or its trailers",
        };
        eprintln!("wasio: the response body could not be finished: {why}");
    }
}

/// The largest body written in one blocking host call (the most `blocking-write-and-flush`
/// takes).
const BLOCKING_WRITE_MAX: usize = 4096;

/// Writes `body` to the host; whether all of it went.
async fn write_body(handle: &OutgoingBody, body: Body) -> bool {
    let Ok(stream) = handle.write() else {
        return false;
    };
    // The stream is the body's child: it is dropped before this returns.
    match body.into_parts() {
        // A small body goes in one host call, which waits only for room in the host's buffer,
        // as an async write would, but without the calls that ask how much room there is.
        Ok(bytes) if bytes.len() <= BLOCKING_WRITE_MAX => {
            let written = bytes.is_empty() || stream.blocking_write_and_flush(&bytes).is_ok();
            leftovers::keep_body(bytes);
            written
        }
        // A large body is freed at once: writing it costs more than an indirect call, and
        // keeping it would hold its memory through the next request of a reused instance.
        Ok(bytes) => {
            let mut writer = AsyncOutputStream::new(stream);
            writer.write_all(&bytes).await.is_ok() && writer.flush().await.is_ok()
        }
        Err(mut chunks) => {
            let mut writer = AsyncOutputStream::new(stream);
            while let Some(chunk) = chunks.next().await {
                let written = match chunk {
                    Ok(chunk) => writer.write_all(&chunk).await,
                    Err(error) => {
                        eprintln!("wasio: the response body failed: {error}");
                        return false;
                    }
                };
                if written.is_err() {
                    return false;
                }
            }
            writer.flush().await.is_ok()
        }
    }
}

/// The host's response and its body, with `status` and `headers`.
fn respond(
    status: StatusCode,
    headers: &HeaderMap,
) -> Result<(OutgoingResponse, OutgoingBody), FieldError> {
    let outgoing = OutgoingResponse::new(to_fields(headers)?);
    if status != StatusCode::OK {
        outgoing
            .set_status_code(status.as_u16())
            .map_err(|()| FieldError {
                name: format!(":status {}", status.as_u16()),
                forbidden: false,
            })?;
    }
    let body = outgoing.body().map_err(|()| FieldError {
        name: "(the response body)".into(),
        forbidden: false,
    })?;
    Ok((outgoing, body))
}
