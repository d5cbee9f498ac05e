//! Answering wasi:http 0.2 requests: a fresh event loop per request, the response and its
//! body written through the host's resources.

use futures_lite::StreamExt;
use http::{HeaderMap, Method, StatusCode};
use wasip2::http::types::{IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam};

use super::host::HostRequest;
use super::leftovers;
use crate::http::Body;
use crate::http::fields::{FieldError, from_wasi_method, to_fields, to_fields_with_length};
use crate::http::server::HttpError;
use crate::http::server::Request;
use crate::http::server::export::{IntoService, host_parts};
use crate::http::server::response::{IntoResponse, Parts, Response};
use crate::io::{AsyncOutputStream, AsyncWriteExt};
use crate::sys::io::BLOCKING_WRITE_MAX;

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

/// A wasi:http request as a [`Request`]: the method now, the rest when asked for.
pub(super) fn to_request(request: IncomingRequest) -> Result<Request, HttpError> {
    let method = from_wasi_method(request.method())
        .ok_or_else(|| HttpError::bad_request("the method is not valid"))?;
    Ok(Request::from_host(method, HostRequest::new(request)))
}

/// Sends `response` through the host: status and headers first, then the body and trailers.
/// A body that fails mid-stream is left unfinished, which the host reports as an error.
pub(super) async fn send(response: Response, out: ResponseOutparam, head_only: bool) {
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
    let (outgoing, body_handle) = match respond(status, &headers, length) {
        Ok(parts) => parts,
        Err(error) => {
            // The handler's response cannot be sent as it is (a header wasi:http forbids, say).
            let fallback = HttpError::internal(error).into_response().into_parts();
            match respond(fallback.status, &fallback.headers, None) {
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

/// Writes `body` to the host; whether all of it went.
async fn write_body(handle: &OutgoingBody, body: Body) -> bool {
    let Ok(stream) = handle.write() else {
        return false;
    };
    // The stream is the body's child: it is dropped before this returns.
    match body.into_complete() {
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
        Err(body) => {
            let mut writer = AsyncOutputStream::new(stream);
            let mut chunks = match body.into_file() {
                // A file's bytes go from the file to the body inside the host.
                Ok((file, len)) => {
                    return match file.splice_to(&mut writer, len).await {
                        Ok(()) => true,
                        Err(error) => {
                            eprintln!("wasio: the response body failed: {error}");
                            false
                        }
                    };
                }
                Err(body) => body.into_stream(),
            };
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

/// The host's response and its body, with `status`, `headers` and the `content-length` to
/// send.
fn respond(
    status: StatusCode,
    headers: &HeaderMap,
    length: Option<u64>,
) -> Result<(OutgoingResponse, OutgoingBody), FieldError> {
    let outgoing = OutgoingResponse::new(to_fields_with_length(headers, length)?);
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
