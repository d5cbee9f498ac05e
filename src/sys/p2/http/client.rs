//! One request over `wasi:http/outgoing-handler`: the only code in the client that moves bytes.

use futures_lite::StreamExt;
use http::header::HeaderMap;
use http::{Method, StatusCode, Uri};
use wasip2::http::outgoing_handler::handle;
use wasip2::http::types::{IncomingResponse, OutgoingBody, OutgoingRequest};

use crate::http::client::transport::{
    AbortOnDrop, Head, HostTimeouts, SourceFailed, add_length, failed, options, set_target,
};
use crate::http::fields::{from_fields, to_fields};
use crate::http::incoming::Incoming;
use crate::http::{Body, Error, TimeoutKind};
use crate::io::{AsyncOutputStream, AsyncWriteExt};
use crate::sys::pollable::AsyncPollable;

/// Sends one request and waits for the response head. The body is written by a task of its
/// own while the response is awaited, so a large upload streams and a server may answer
/// before it has read everything.
pub(crate) async fn send(
    method: &Method,
    url: &Uri,
    mut headers: HeaderMap,
    body: Body,
    timeouts: HostTimeouts,
) -> Result<Head, Error> {
    add_length(method, &mut headers, &body);
    let request = OutgoingRequest::new(to_fields(&headers)?);
    set_target(&request, method, url)?;
    let outgoing = request.body().map_err(|()| Error::InvalidUrl {
        url: url.to_string(),
        reason: "the host gave no request body",
    })?;

    let future = handle(request, Some(options(timeouts)))
        .map_err(|code| Error::from_code(url, code, TimeoutKind::FirstByte))?;
    // An empty body is finished at once; any other is written by a task of its own, which
    // stops if the exchange is given up.
    let writer = match body.len() {
        Some(0) => {
            let _ = OutgoingBody::finish(outgoing, None);
            None
        }
        _ => Some(crate::spawn(write_body(outgoing, body))),
    };
    let upload = writer.as_ref().map(|w| AbortOnDrop(w.abort_handle()));
    let ready = AsyncPollable::new(future.subscribe());
    ready.wait_not_ready().await;
    drop(ready);
    let response = match future.get() {
        Some(Ok(Ok(response))) => response,
        Some(Ok(Err(code))) => {
            return Err(failed(url, code, writer).await);
        }
        Some(Err(())) | None => unreachable!("the response future is ready and read once"),
    };
    let mut head = head(url, response)?;
    head.upload = upload.filter(|_| writer.is_some_and(|w| !w.is_finished()));
    Ok(head)
}

fn head(url: &Uri, response: IncomingResponse) -> Result<Head, Error> {
    let status = StatusCode::from_u16(response.status()).map_err(|_| Error::Http {
        url: url.clone(),
        code: wasip2::http::types::ErrorCode::HttpProtocolError,
    })?;
    let headers = from_fields(response.headers());
    let body = response.consume().map_err(|()| Error::Http {
        url: url.clone(),
        code: wasip2::http::types::ErrorCode::InternalError(Some("no response body".into())),
    })?;
    drop(response);
    Ok(Head {
        status,
        headers,
        body: Incoming::new(body),
        upload: None,
    })
}

/// Writes the request body, then finishes it; on a failure the body is dropped unfinished,
/// which makes the host abandon the request. Only a failure of the body's source is
/// reported: when writing to the host fails, the response says why.
async fn write_body(outgoing: OutgoingBody, body: Body) -> Result<(), SourceFailed> {
    let Ok(stream) = outgoing.write() else {
        return Ok(());
    };
    let mut out = AsyncOutputStream::new(stream);
    let written = match body.into_parts() {
        Ok(bytes) => out.write_all(&bytes).await.is_ok(),
        Err(mut chunks) => loop {
            match chunks.next().await {
                Some(Ok(chunk)) => {
                    if out.write_all(&chunk).await.is_err() {
                        break false;
                    }
                }
                Some(Err(error)) => return Err(SourceFailed(error)),
                None => break true,
            }
        },
    };
    if written && out.flush().await.is_ok() {
        // The stream is the body's child: it goes first.
        drop(out);
        let _ = OutgoingBody::finish(outgoing, None);
    }
    Ok(())
}
