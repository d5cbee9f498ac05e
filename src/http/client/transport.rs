//! One request through the host: what the client hands the host layer and gets back. The
//! code that moves the bytes is the host layer's (`sys::http::client`).

use std::time::Duration;

use http::header::{CONTENT_LENGTH, HeaderValue};
use http::{HeaderMap, Method, StatusCode, Uri};

use crate::http::fields::to_wasi_method;
use crate::http::incoming::Incoming;
use crate::http::{Body, Error, ErrorCode, TimeoutKind};
use crate::runtime::{AbortHandle, JoinHandle};
use crate::sys::http::wasi::{OutgoingRequest, RequestOptions, Scheme};

pub(crate) use crate::sys::http::client::send;

/// The deadlines the host enforces for each request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct HostTimeouts {
    pub(crate) connect: Option<Duration>,
    pub(crate) first_byte: Option<Duration>,
    pub(crate) between_bytes: Option<Duration>,
}

/// The status line and headers of a response, and its body still to be read.
pub(crate) struct Head {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Incoming,
    /// The task still writing the request body, if any.
    pub(crate) upload: Option<AbortOnDrop>,
}

/// Aborts a task when dropped: the request-body writer lives no longer than its exchange.
pub(crate) struct AbortOnDrop(pub(crate) AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Gives `headers` the body's `content-length` when the body is complete bytes (and not
/// empty, unless the method is one that has a body).
pub(crate) fn add_length(method: &Method, headers: &mut HeaderMap, body: &Body) {
    let has_body = matches!(*method, Method::POST | Method::PUT | Method::PATCH);
    if let Some(len) = body.len().filter(|&len| len > 0 || has_body) {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
    }
}

/// Sets the method, scheme, authority and path of the host's `request` from `url`.
pub(crate) fn set_target(
    request: &OutgoingRequest,
    method: &Method,
    url: &Uri,
) -> Result<(), Error> {
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
        .map_err(|()| invalid("the host refused the path"))
}

/// The host's options for a request with `timeouts`.
pub(crate) fn options(timeouts: HostTimeouts) -> RequestOptions {
    let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    let options = RequestOptions::new();
    // A host that does not support a timeout refuses it; the total deadline still applies.
    let _ = options.set_connect_timeout(timeouts.connect.map(nanos));
    let _ = options.set_first_byte_timeout(timeouts.first_byte.map(nanos));
    let _ = options.set_between_bytes_timeout(timeouts.between_bytes.map(nanos));
    options
}

/// The request body's own source (a stream the caller gave) failed.
pub(crate) struct SourceFailed(pub(crate) std::io::Error);

/// The error of a request the host failed with `code`: a body whose source failed (its
/// writer is done, with that failure) explains it better than the host does.
pub(crate) async fn failed(
    url: &Uri,
    code: ErrorCode,
    writer: Option<JoinHandle<Result<(), SourceFailed>>>,
) -> Error {
    if let Some(writer) = writer.filter(|w| w.is_finished()) {
        if let Ok(Err(SourceFailed(source))) = writer.await {
            return Error::Body {
                url: url.clone(),
                source,
            };
        }
    }
    Error::from_code(url, code, TimeoutKind::FirstByte)
}
