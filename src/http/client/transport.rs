//! One request through the host: what the client hands the host layer and gets back. The
//! code that moves the bytes is the host layer's (`sys::http::client`).

use std::time::Duration;

use http::{HeaderMap, Method, StatusCode};

use crate::http::incoming::Incoming;
use crate::runtime::AbortHandle;

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

/// Methods whose requests carry a `content-length`, even a zero one.
pub(crate) fn has_body_semantics(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH)
}

/// The request body's own source (a stream the caller gave) failed.
pub(crate) struct SourceFailed(pub(crate) std::io::Error);
