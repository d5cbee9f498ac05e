//! A middleware component over wasi:http 0.2: a gate decides on each request, which is then
//! answered here or handed, as the host gave it, to the imported `incoming-handler`.

use http::Method;
use wasip2::http::types::{IncomingRequest, ResponseOutparam};

use super::export::{send, to_request};
use crate::http::server::app::panicked;
use crate::http::server::export::wasi::http::incoming_handler;
use crate::http::server::verdict::{Decision, Verdict};
use crate::http::server::{Gate, HttpError, IntoResponse};
use crate::runtime::unwind::contain;

/// Decides on one wasi:http request with `gate`: called by the code
/// [`export_middleware!`](crate::export_middleware) generates. The gate runs on an event
/// loop of its own, with every task it spawns; a forwarded request is handed to the wrapped
/// component after that, and that component answers the client.
pub fn serve_middleware(gate: impl Gate, request: IncomingRequest, out: ResponseOutparam) {
    let forward = crate::runtime::Builder::new()
        .finish_tasks(true)
        .run(async move {
            let request = match to_request(request) {
                Ok(request) => request,
                Err(error) => {
                    send(error.into_response(), out, false).await;
                    return None;
                }
            };
            let head_only = request.method() == Method::HEAD;
            let response = match contain(gate.decide(request), |why| Verdict::answer(panicked(why)))
                .await
                .0
            {
                Decision::Forward(request) => match request.into_host() {
                    Some(host) => return Some((host.into_inner(), out)),
                    None => HttpError::internal(
                        "a middleware cannot forward a request whose body it has read",
                    )
                    .into_response(),
                },
                Decision::Answer(response) => response,
            };
            send(response, out, head_only).await;
            None
        });
    if let Some((request, out)) = forward {
        incoming_handler::handle(request, out);
    }
}
