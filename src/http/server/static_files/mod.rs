//! Static files: [`FileResponse`] (one file, with validators, conditional requests and byte
//! ranges) and [`StaticFiles`] (a directory under a route). The protocol's parts are pure
//! functions over strings: `range` (the `Range` header), `conditional` (`ETag`,
//! `Last-Modified`, `If-None-Match`, `If-Modified-Since`, `If-Range`), `mime` (types by
//! extension) and `safe_path` (what may be looked up); `file_response` and `handler` read
//! the files through [`crate::fs`].

mod conditional;
mod file_response;
mod handler;
mod mime;
mod range;
mod safe_path;

pub use file_response::FileResponse;
pub use handler::StaticFiles;
