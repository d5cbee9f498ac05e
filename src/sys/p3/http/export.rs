//! Answering wasi:http 0.3 requests: the application built once per instance, an event loop
//! per request inside that request's component-model task, the response returned as soon as
//! its head is ready and its body written by a task of the request's loop.
//!
//! `wasmtime serve` reuses a WASI 0.3 instance for many requests (up to 128, 16 at a time, by
//! default). What an application can rely on:
//! - the expression given to [`export_http!`](crate::export_http) is evaluated once per
//!   instance, by its first request; the application's state (`App::state`) lives as long as
//!   the instance and is shared by every request it serves, in the order they run;
//! - each request has its own event loop: the tasks a handler spawns belong to its request,
//!   run concurrently with other requests, may outlive the response (they are awaited before
//!   the request's task ends), and are cancelled with it when the host cancels the request;
//! - nothing else carries from one request to the next, and how many requests an instance
//!   serves, and which, is the host's choice: state that must outlive an instance belongs in a
//!   store outside it.

use std::any::Any;
use std::cell::{Cell, OnceCell};
use std::convert::Infallible;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::task::{Context, Poll};

use futures_lite::StreamExt;
use http::{Method, StatusCode};
use pin_project_lite::pin_project;
use wasip3::http::types::{ErrorCode, Fields, Request as HostRequestHandle, Response as Outgoing};
use wasip3::{wit_future, wit_stream};
use wit_bindgen::{FutureWriter, StreamWriter};

use super::host::HostRequest;
use super::unfinished;
use crate::http::Body;
use crate::http::fields::{from_wasi_method, to_fields, to_fields_with_length};
use crate::http::server::HttpError;
use crate::http::server::Request;
use crate::http::server::answer::Answer;
use crate::http::server::export::{IntoService, host_parts};
use crate::http::server::response::{IntoResponse, Parts, Response};
use crate::io::{AsyncOutputStream, AsyncWriteExt};
use crate::runtime::Builder;
use crate::runtime::event_loop::EventLoop;
use crate::sys::driver::{Yield, drive};

thread_local! {
    /// What the instance keeps of its application (see [`IntoService::keep`]), made by its
    /// first request.
    static KEPT: OnceCell<Box<dyn Any>> = const { OnceCell::new() };
}

/// Answers one wasi:http request: called by the code [`export_http!`](crate::export_http)
/// generates, with the expression that makes the application (evaluated by the instance's
/// first request only).
///
/// The request runs on an event loop of its own inside this call's component-model task. The
/// response is returned once the handler has produced it; the loop keeps running in the same
/// task, writing the body and finishing every task the handler spawned.
pub async fn serve_request<S: IntoService + 'static>(
    make: impl FnOnce() -> S,
    request: HostRequestHandle,
) -> Result<Outgoing, ErrorCode> {
    let outcome = KEPT.with(|slot| {
        let kept = &**slot.get_or_init(|| make().keep());
        Box::pin(match to_request(request) {
            Ok(request) => Respond {
                head_only: request.method() == Method::HEAD,
                response: Answer::Later {
                    future: S::serve_kept(kept, request),
                },
            },
            Err(error) => Respond {
                head_only: false,
                response: Answer::now(error.into_response()),
            },
        })
    });
    serve::<Infallible>(outcome).await
}

pin_project! {
    /// The outcome of an application's request: its response, and whether it answers a
    /// `HEAD`. Its future is held once, in place (see `Answer`).
    struct Respond<R> {
        #[pin]
        response: R,
        head_only: bool,
    }
}

impl<R: Future<Output = Response>> Future for Respond<R> {
    type Output = Outcome<Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome<Infallible>> {
        let this = self.project();
        let head_only = *this.head_only;
        this.response
            .poll(cx)
            .map(|response| Outcome::Respond(response, head_only))
    }
}

/// What a request comes to: a response made here (and whether it answers a `HEAD`), or a
/// request forwarded as it is (by a middleware, to the handler it imports).
pub(super) enum Outcome<F> {
    Respond(Response, bool),
    // Made only by a middleware component's export.
    #[cfg_attr(not(feature = "middleware"), allow(dead_code))]
    Forward(F),
}

/// A request to forward, and where to. An application forwards nothing (`Infallible`), so
/// its component does not import a handler.
pub(super) trait Forward: 'static {
    /// The response of the handler forwarded to.
    fn forward(self) -> impl Future<Output = Result<Outgoing, ErrorCode>>;
}

impl Forward for Infallible {
    async fn forward(self) -> Result<Outgoing, ErrorCode> {
        match self {}
    }
}

/// Runs `outcome` on an event loop of the request's own and returns the response the host
/// gets: see [`serve_request`].
///
/// The outcome comes boxed: the futures here hold it by pointer, and stay small enough to be
/// moved (into their boxes, to the host) cheaply.
pub(super) async fn serve<F: Forward>(
    mut outcome: Pin<Box<impl Future<Output = Outcome<F>> + 'static>>,
) -> Result<Outgoing, ErrorCode> {
    let response: Rc<Cell<Option<Result<Outgoing, ErrorCode>>>> = Rc::default();
    let answer = response.clone();
    let mut serving = Box::pin(async move {
        let root = pin!(async move {
            let (response, head_only) = match outcome.as_mut().await {
                Outcome::Respond(response, head_only) => (response, head_only),
                Outcome::Forward(request) => {
                    answer.set(Some(request.forward().await));
                    return;
                }
            };
            match respond(response, head_only) {
                Ok((outgoing, rest)) => {
                    answer.set(Some(Ok(outgoing)));
                    // The body goes once the host has the response. Complete bytes need
                    // nothing of the loop: they go beside it, so that a loop with nothing
                    // else to do ends now instead of waiting for the client to read them.
                    // A streamed body (or trailers) comes from the loop's tasks: its writing
                    // is the loop's root future.
                    match rest {
                        Some(rest) if rest.ending.is_none() => {
                            wit_bindgen::spawn_local(rest.send())
                        }
                        Some(rest) => Box::pin(rest.send()).await,
                        None => {}
                    }
                }
                Err(code) => answer.set(Some(Err(code))),
            }
        });
        let mut event_loop = EventLoop::new(&Builder::new().finish_tasks(true), root);
        drive(&mut event_loop, Yield::ToWitBindgen).await;
        event_loop.shutdown();
    });
    // The loop runs inside this call until the response is ready (looked for after every
    // poll, so that handing it over takes no wake-up), then in the same component-model task
    // after the call has returned it. Its wakers go through the loop, which takes the waker
    // of whoever polls it next.
    let (response, ended) = poll_fn(|cx| {
        let ended = serving.as_mut().poll(cx).is_ready();
        match response.take() {
            Some(response) => Poll::Ready((response, ended)),
            None if ended => Poll::Ready((
                Err(ErrorCode::InternalError(Some(
                    "the request's event loop ended without a response".into(),
                ))),
                true,
            )),
            None => Poll::Pending,
        }
    })
    .await;
    if !ended {
        wit_bindgen::spawn_local(serving);
    }
    response
}

/// A wasi:http request as a [`Request`]: the method now, the rest when asked for.
pub(super) fn to_request(request: HostRequestHandle) -> Result<Request, HttpError> {
    let method = from_wasi_method(request.get_method())
        .ok_or_else(|| HttpError::bad_request("the method is not valid"))?;
    Ok(Request::from_host(method, HostRequest::new(request)))
}

/// The host's response for `response`, its status and headers set, and what is still to be
/// sent of it (its body and trailers, unless it has neither). A response that cannot be sent
/// as it is (a header wasi:http forbids, say) becomes a 500.
fn respond(response: Response, head_only: bool) -> Result<(Outgoing, Option<Rest>), ErrorCode> {
    let (
        Parts {
            status,
            headers,
            body,
            trailers,
            ..
        },
        length,
    ) = host_parts(response, head_only);
    let fields = match to_fields_with_length(&headers, length) {
        Ok(fields) => fields,
        Err(error) => {
            let fallback = HttpError::internal(error).into_response();
            return respond(fallback, head_only);
        }
    };
    let has_body = !head_only && !body.is_empty();
    let (writer, contents) = wit_stream::new();
    // A response without a body still gets a stream, ended at once: jco's WASI 0.3 server
    // (preview3-shim 0.7) cannot send a response whose body is `none`, and never answers it.
    let writer = has_body.then_some(writer);
    // A body of complete bytes can only break off if the client goes away, which the host
    // knows: without trailers, its end is settled now (the writer, dropped, says "none"),
    // before the host holds the reader. A streamed body (or one with trailers) keeps its end,
    // which says "failed" unless it is written: a body cut short never looks complete.
    let (ending, ending_reader) = if trailers.is_some() || !body.is_complete() {
        let (ending, reader) = wit_future::new(unfinished);
        (Some(ending), reader)
    } else {
        (None, wit_future::new(|| Ok(None)).1)
    };
    let (outgoing, _transmitted) = Outgoing::new(fields, Some(contents), ending_reader);
    if status != StatusCode::OK && outgoing.set_status_code(status.as_u16()).is_err() {
        return Err(ErrorCode::InternalError(Some(format!(
            "the host refused the status {status}"
        ))));
    }
    let rest = Rest {
        body: writer.map(|writer| (writer, body)),
        trailers,
        ending,
    };
    let rest = (rest.body.is_some() || rest.ending.is_some()).then_some(rest);
    Ok((outgoing, rest))
}

/// What is sent of a response after its head: the body, then its end (its trailers, or why it
/// broke off), unless that was settled with the head.
struct Rest {
    body: Option<(StreamWriter<u8>, Body)>,
    trailers: Option<crate::http::server::response::Trailers>,
    ending: Option<FutureWriter<Result<Option<Fields>, ErrorCode>>>,
}

impl Rest {
    /// Writes the body, then ends it with its trailers. A body that fails mid-stream (its
    /// source failed, or the client went away) ends with an error, which the host reports;
    /// dropping the body's stream there cancels whatever produced it.
    async fn send(self) {
        let Rest {
            body,
            trailers,
            ending,
        } = self;
        if let Some((writer, body)) = body {
            if let Err(why) = write_body(writer, body).await {
                if let Some(ending) = ending {
                    let _ = ending.write(Err(ErrorCode::InternalError(Some(why)))).await;
                }
                return;
            }
        }
        let Some(ending) = ending else {
            return;
        };
        let Some(trailers) = trailers else {
            let _ = ending.write(Ok(None)).await;
            return;
        };
        match to_fields(&trailers.await) {
            Ok(fields) => {
                let _ = ending.write(Ok(Some(fields))).await;
            }
            Err(error) => {
                eprintln!("wasio: the response trailers cannot be sent: {error}");
                let why = format!("the response trailers cannot be sent: {error}");
                let _ = ending.write(Err(ErrorCode::InternalError(Some(why)))).await;
            }
        }
    }
}

/// Writes `body` to the host and ends the stream; why not, when it could not.
async fn write_body(mut writer: StreamWriter<u8>, body: Body) -> Result<(), String> {
    match body.into_parts() {
        // Complete bytes go in one host write.
        Ok(bytes) => match writer.write_all(Vec::from(bytes)).await {
            unwritten if unwritten.is_empty() => Ok(()),
            _ => Err("the client went away".into()),
        },
        Err(mut chunks) => {
            let mut out = AsyncOutputStream::new(writer);
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(|error| {
                    eprintln!("wasio: the response body failed: {error}");
                    error.to_string()
                })?;
                out.write_all(&chunk).await.map_err(|e| e.to_string())?;
            }
            out.close().await.map_err(|e| e.to_string())
        }
    }
}
