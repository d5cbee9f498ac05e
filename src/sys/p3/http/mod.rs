//! HTTP over wasi:http 0.3: the client's requests, bodies as `stream<u8>` with their trailers
//! as futures, and the `wasi:http/handler` export.

pub(crate) mod client;
pub(crate) mod export;
mod host;
mod incoming;
#[cfg(feature = "middleware")]
pub(crate) mod middleware;

pub(crate) use host::HostRequest;
pub(crate) use incoming::Incoming;
pub use wasip3::http::types::ErrorCode;

/// What the end of a body (its trailers' future) says when nothing was written to it: that
/// the body failed, so that one cut short never looks complete.
fn unfinished() -> Result<Option<wasip3::http::types::Fields>, ErrorCode> {
    Err(ErrorCode::InternalError(Some(
        "the body was not finished".into(),
    )))
}

/// The header, method and request types, spelt as WASI 0.2 spells them too.
pub(crate) mod wasi {
    pub(crate) use wasip3::http::types::{
        Fields, HeaderError, Method, Request as OutgoingRequest, RequestOptions, Scheme,
    };

    /// Every field, as name and value pairs.
    pub(crate) fn entries(fields: &Fields) -> Vec<(String, Vec<u8>)> {
        fields.copy_all()
    }
}
