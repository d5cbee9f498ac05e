//! One request over `wasi:http/client@0.3.0`: the only code in the client that moves bytes.

use futures_lite::StreamExt;
use http::header::HeaderMap;
use http::{Method, StatusCode, Uri};
use wasip3::http::client;
use wasip3::http::types::{ErrorCode, Fields, Request, Response};
use wasip3::{wit_future, wit_stream};
use wit_bindgen::{FutureWriter, StreamWriter};

use super::incoming::Incoming;
use super::unfinished;
use crate::http::client::transport::{
    AbortOnDrop, Head, HostTimeouts, SourceFailed, add_length, failed, options, set_target,
};
use crate::http::fields::{from_fields, to_fields};
use crate::http::{Body, Error};
use crate::io::{AsyncOutputStream, AsyncWriteExt};

/// The future a body ends with: its trailers, or why it broke off.
type Trailers = FutureWriter<Result<Option<Fields>, ErrorCode>>;

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
    let fields = to_fields(&headers)?;
    let (contents, writer) = match body.len() {
        Some(0) => (None, None),
        _ => {
            let (writer, reader) = wit_stream::new();
            (Some(reader), Some(writer))
        }
    };
    // The body's end: "no trailers" for no body; for a body, a failure unless the writer says
    // otherwise, so that a body cut short (its task aborted) never looks complete.
    let (trailers, trailers_reader) = if writer.is_some() {
        wit_future::new(unfinished)
    } else {
        wit_future::new(|| Ok(None))
    };
    let (request, _transmitted) =
        Request::new(fields, contents, trailers_reader, Some(options(timeouts)));
    set_target(&request, method, url)?;

    // An empty body ends at once (the trailers' writer, dropped, says "none"); any other is
    // written by a task of its own, which stops if the exchange is given up.
    let writer = writer.map(|writer| crate::spawn(write_body(writer, trailers, body)));
    let upload = writer.as_ref().map(|w| AbortOnDrop(w.abort_handle()));
    let response = match client::send(request).await {
        Ok(response) => response,
        Err(code) => return Err(failed(url, code, writer).await),
    };
    let mut head = head(url, response)?;
    head.upload = upload.filter(|_| writer.is_some_and(|w| !w.is_finished()));
    Ok(head)
}

fn head(url: &Uri, response: Response) -> Result<Head, Error> {
    let status = StatusCode::from_u16(response.get_status_code()).map_err(|_| Error::Http {
        url: url.clone(),
        code: ErrorCode::HttpProtocolError,
    })?;
    let headers = from_fields(response.get_headers());
    let (handled, handled_reader) = Incoming::handled();
    let body = Incoming::new(Response::consume_body(response, handled_reader), handled);
    Ok(Head {
        status,
        headers,
        body,
        upload: None,
    })
}

/// Writes the request body, then ends it. When the body's own source fails, the trailers
/// carry an error, which makes the host abandon the request, and the failure is reported;
/// when writing to the host fails, the response says why.
async fn write_body(
    writer: StreamWriter<u8>,
    trailers: Trailers,
    body: Body,
) -> Result<(), SourceFailed> {
    let mut out = AsyncOutputStream::new(writer);
    let written = match body.into_parts() {
        Ok(bytes) => out.write_all(&bytes).await.is_ok(),
        Err(mut chunks) => loop {
            match chunks.next().await {
                Some(Ok(chunk)) => {
                    if out.write_all(&chunk).await.is_err() {
                        break false;
                    }
                }
                Some(Err(error)) => {
                    let why = ErrorCode::InternalError(Some(error.to_string()));
                    drop(out);
                    let _ = trailers.write(Err(why)).await;
                    return Err(SourceFailed(error));
                }
                None => break true,
            }
        },
    };
    if written && out.close().await.is_ok() {
        // The end of the body, without trailers.
        let _ = trailers.write(Ok(None)).await;
    } else {
        drop(out);
        let why = ErrorCode::InternalError(Some("the request body could not be written".into()));
        let _ = trailers.write(Err(why)).await;
    }
    Ok(())
}
