//! One request over `wasi:http/outgoing-handler`: the only code in the client that moves bytes.

use std::time::Duration;

use futures_lite::StreamExt;
use http::header::{CONTENT_LENGTH, HeaderMap, HeaderValue};
use http::{Method, StatusCode, Uri};
use wasip2::http::outgoing_handler::handle;
use wasip2::http::types::{
    IncomingResponse, OutgoingBody, OutgoingRequest, RequestOptions, Scheme,
};

use crate::http::client::transport::{
    AbortOnDrop, Head, HostTimeouts, SourceFailed, has_body_semantics,
};
use crate::http::fields::{from_fields, to_fields, to_wasi_method};
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
    if let Some(len) = body
        .len()
        .filter(|&len| len > 0 || has_body_semantics(method))
    {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    }
    let request = OutgoingRequest::new(to_fields(&headers)?);
    let invalid = |reason| Error::InvalidUrl {
        url: url.to_string(),
        reason,
    };
    request
        .set_method(&to_wasi_method(method))
        .map_err(|()| invalid("the host refused the method"))?;
    let scheme = match url.scheme_str() {
        Some("https") => Scheme::Https,
        _ => Scheme::Http,
    };
    request
        .set_scheme(Some(&scheme))
        .map_err(|()| invalid("the host refused the scheme"))?;
    request
        .set_authority(url.authority().map(|a| a.as_str()))
        .map_err(|()| invalid("the host refused the authority"))?;
    request
        .set_path_with_query(Some(url.path_and_query().map_or("/", |p| p.as_str())))
        .map_err(|()| invalid("the host refused the path"))?;
    let outgoing = request
        .body()
        .map_err(|()| invalid("the host gave no request body"))?;

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
            // A body whose source failed explains the failure better than the host does.
            if let Some(writer) = writer.filter(|w| w.is_finished()) {
                if let Ok(Err(SourceFailed(source))) = writer.await {
                    return Err(Error::Body {
                        url: url.clone(),
                        source,
                    });
                }
            }
            return Err(Error::from_code(url, code, TimeoutKind::FirstByte));
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

fn options(timeouts: HostTimeouts) -> RequestOptions {
    let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    let options = RequestOptions::new();
    // A host that does not support a timeout refuses it; the total deadline still applies.
    let _ = options.set_connect_timeout(timeouts.connect.map(nanos));
    let _ = options.set_first_byte_timeout(timeouts.first_byte.map(nanos));
    let _ = options.set_between_bytes_timeout(timeouts.between_bytes.map(nanos));
    options
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
