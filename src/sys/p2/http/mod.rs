//! HTTP over wasi:http 0.2: the client's requests, bodies, and the `incoming-handler` export.

pub(crate) mod client;
pub(crate) mod export;
mod host;
mod incoming;
mod leftovers;
#[cfg(feature = "middleware")]
pub(crate) mod middleware;

pub(crate) use host::HostRequest;
pub(crate) use incoming::Incoming;
pub use wasip2::http::types::ErrorCode;

/// The header, method and request types, spelt as WASI 0.3 spells them too.
pub(crate) mod wasi {
    pub(crate) use wasip2::http::types::{
        Fields, HeaderError, Method, OutgoingRequest, RequestOptions, Scheme,
    };

    /// Every field, as name and value pairs.
    pub(crate) fn entries(fields: &Fields) -> Vec<(String, Vec<u8>)> {
        fields.entries()
    }
}
