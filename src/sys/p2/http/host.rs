//! The wasi:http request behind a [`Request`](super::Request) under `wasmtime serve`. Every
//! question to the host is a call across the component boundary, so only the method is asked
//! up front; the path, the origin, the headers and the body only when a handler wants them.

use wasip2::http::types::{IncomingRequest, Scheme};

use crate::http::incoming::Incoming;

pub(crate) struct HostRequest(IncomingRequest);

impl HostRequest {
    pub(crate) fn new(request: IncomingRequest) -> HostRequest {
        HostRequest(request)
    }

    /// The path and query.
    pub(crate) fn path_with_query(&self) -> Option<String> {
        self.0.path_with_query()
    }

    /// `scheme://authority`, when the host knows the authority.
    pub(crate) fn origin(&self) -> Option<String> {
        let authority = self.0.authority()?;
        let scheme = match self.0.scheme() {
            Some(Scheme::Https) => "https",
            _ => "http",
        };
        Some(format!("{scheme}://{authority}"))
    }

    /// The header fields, as the host gives them.
    pub(crate) fn header_entries(&self) -> Vec<(String, Vec<u8>)> {
        // The fields are the request's child: gone before the request is.
        self.0.headers().entries()
    }

    #[cfg(feature = "middleware")]
    /// The host's request, to be passed on to another handler.
    pub(crate) fn into_inner(self) -> IncomingRequest {
        self.0
    }

    /// The body, the first time it is asked for.
    pub(crate) fn body(&self) -> Option<Incoming> {
        self.0.consume().ok().map(Incoming::new)
    }
}
