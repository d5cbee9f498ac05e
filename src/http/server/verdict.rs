//! `Verdict` and `Gate`: what a middleware component decides about a request.

use std::future::Future;

use super::request::Request;
use super::response::{IntoResponse, Response};

/// What a middleware component ([`export_middleware!`](crate::export_middleware)) does with
/// a request: answer it itself, or forward it to the component it wraps.
///
/// Under WASI 0.2 a forwarded request goes on exactly as the host gave it (a guest cannot
/// make an `incoming-request`), and the wrapped component answers the client directly (nor
/// can a guest make the `response-outparam` it would need to see the answer). So a WASI 0.2
/// middleware can read the method, the URL and the headers, do any work of its own first
/// (log, count, ask another service with [`Client`](crate::http::Client)), and refuse or
/// answer; it cannot change the request, read its body and still forward it, or see or
/// change the response.
///
/// WASI 0.3 lets a guest make requests and responses, so a middleware there could change
/// both; `Verdict` does not offer that yet: under WASI 0.3 too it forwards the request as it
/// came, and the wrapped component's response goes back to the client as it is.
#[derive(Debug)]
pub struct Verdict(pub(crate) Decision);

/// What a [`Verdict`] says.
#[derive(Debug)]
pub(crate) enum Decision {
    /// Answer with this response; the wrapped component never sees the request.
    Answer(Response),
    /// Pass the request on, unchanged, to the wrapped component.
    Forward(Box<Request>),
}

impl Verdict {
    /// Answers with `response`: the wrapped component never sees the request.
    pub fn answer(response: impl IntoResponse) -> Verdict {
        Verdict(Decision::Answer(response.into_response()))
    }

    /// Forwards `request`, unchanged, to the wrapped component. A request whose body was
    /// read cannot be: the client gets a 500 instead.
    pub fn forward(request: Request) -> Verdict {
        Verdict(Decision::Forward(Box::new(request)))
    }
}

/// `Err(error)` answers with the error's response, so a gate can use `?`.
impl<E: IntoResponse> From<Result<Verdict, E>> for Verdict {
    fn from(result: Result<Verdict, E>) -> Verdict {
        result.unwrap_or_else(Verdict::answer)
    }
}

/// What [`export_middleware!`](crate::export_middleware) runs: any `async fn(Request) ->
/// Verdict` (or `-> Result<Verdict, HttpError>`).
pub trait Gate: 'static {
    /// Decides about `request`.
    fn decide(&self, request: Request) -> impl Future<Output = Verdict>;
}

impl<F, Fut, V> Gate for F
where
    F: Fn(Request) -> Fut + 'static,
    Fut: Future<Output = V>,
    V: Into<Verdict>,
{
    fn decide(&self, request: Request) -> impl Future<Output = Verdict> {
        let future = self(request);
        async move { future.await.into() }
    }
}
