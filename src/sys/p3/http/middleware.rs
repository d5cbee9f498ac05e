//! A middleware component over wasi:http 0.3: a gate decides on each request, which is then
//! answered here or handed, as the host gave it, to the imported `wasi:http/handler`, whose
//! response goes back to the host as it is.

use http::Method;
use wasip3::http::types::{ErrorCode, Request as HostRequestHandle, Response as Outgoing};

use super::export::{Forward, Outcome, serve, to_request};
use crate::http::server::app::panicked;
use crate::http::server::verdict::{Decision, Verdict};
use crate::http::server::{Gate, HttpError, IntoResponse};
use crate::runtime::unwind::contain;

wit_bindgen::generate!({
    path: "wit/p3",
    world: "wasio:platform/forward-p3",
    with: {
        "wasi:http/types@0.3.0": wasip3::http::types,
        "wasi:clocks/types@0.3.0": wasip3::clocks::types,
        "wasi:http/handler@0.3.0": generate,
    },
});

/// Decides on one wasi:http request with the gate `make` gives: called by the code
/// [`export_middleware!`](crate::export_middleware) generates. The gate runs on an event
/// loop of the request's own; a forwarded request's response is the wrapped component's.
pub async fn serve_middleware<G: Gate>(
    make: impl FnOnce() -> G,
    request: HostRequestHandle,
) -> Result<Outgoing, ErrorCode> {
    let gate = make();
    serve(Box::pin(async move {
        let request = match to_request(request) {
            Ok(request) => request,
            Err(error) => return Outcome::Respond(error.into_response(), false),
        };
        let head_only = request.method() == Method::HEAD;
        match contain(gate.decide(request), |why| Verdict::answer(panicked(why)))
            .await
            .0
        {
            Decision::Answer(response) => Outcome::Respond(response, head_only),
            Decision::Forward(request) => match request.into_host().and_then(|h| h.into_inner()) {
                Some(request) => Outcome::Forward(ToWrapped(request)),
                None => Outcome::Respond(
                    HttpError::internal(
                        "a middleware cannot forward a request whose body it has read",
                    )
                    .into_response(),
                    head_only,
                ),
            },
        }
    }))
    .await
}

/// A request for the wrapped component.
struct ToWrapped(HostRequestHandle);

impl Forward for ToWrapped {
    async fn forward(self) -> Result<Outgoing, ErrorCode> {
        wasi::http0_3_0::handler::handle(self.0).await
    }
}
