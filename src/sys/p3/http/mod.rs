//! HTTP over wasi:http 0.3: the client's requests, bodies as `stream<u8>` with their trailers
//! as futures, and the `wasi:http/handler` export.

pub(crate) mod client;
pub(crate) mod export;
mod host;
mod incoming;

pub(crate) use host::HostRequest;
pub(crate) use incoming::Incoming;
pub use wasip3::http::types::ErrorCode;

/// The header and method types, spelt as WASI 0.2 spells them too.
pub(crate) mod wasi {
    pub(crate) use wasip3::http::types::{Fields, HeaderError, Method};

    /// Every field, as name and value pairs.
    pub(crate) fn entries(fields: &Fields) -> Vec<(String, Vec<u8>)> {
        fields.copy_all()
    }
}
