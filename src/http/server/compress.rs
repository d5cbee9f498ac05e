//! `Compression`: the middleware that compresses responses for the clients that take it.

use std::fmt;

use http::header::{
    ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG,
    HeaderValue,
};
use http::{Method, StatusCode};

use super::error::HttpError;
use super::handler::{Middleware, Next, ResponseFuture};
use super::request::Request;
use super::response::{IntoResponse, Response, add_vary, has_no_body};
use crate::http::coding::{Coding, Encoder, encode_body, preferred};

/// Compresses responses in gzip or deflate for clients whose `Accept-Encoding` takes one
/// (aiohttp's `enable_compression`, for every route), by the client's q-values (gzip first on
/// a tie). A middleware: `App::new().middleware(Compression::new())`, on wasio's own server
/// and under `wasmtime serve` alike.
///
/// A response is left as it is when it already has a `Content-Encoding`, has no body (a
/// `HEAD`, 204, 304), is part of a resource (206, or any response with a `Content-Range`:
/// its bytes are counted in the uncompressed resource), is smaller than [`min_size`](Compression::min_size), is of a type that
/// is compressed already (images but SVG, audio, video, fonts, archives), is an error (its
/// body may yet be rendered), or is a WebSocket upgrade. Every response that could be
/// compressed says `Vary: Accept-Encoding`, compressed or not, and a compressed one's strong
/// `ETag` becomes weak (it names other bytes now). A streamed body (server-sent events
/// included) is compressed chunk by chunk, each flushed as it goes: its client gets every
/// chunk when it would have uncompressed.
///
/// ```
/// use wasio::http::server::{App, Compression, get};
///
/// let app = App::new()
///     .middleware(Compression::new().min_size(512).level(5))
///     .route("/", get(|_| async { "Hello, World! ".repeat(100) }));
/// ```
#[derive(Clone)]
pub struct Compression {
    level: u32,
    min_size: u64,
}

impl Compression {
    /// Level 6 (zlib's default), bodies of 1 KiB and more (complete bodies only: a stream's
    /// size is not known, and streams are compressed).
    pub fn new() -> Compression {
        Compression {
            level: 6,
            min_size: 1024,
        }
    }

    /// The compression level, from 1 (fastest) to 9 (smallest); 0 stores.
    pub fn level(mut self, level: u32) -> Compression {
        self.level = level.min(9);
        self
    }

    /// The smallest complete body compressed, in bytes: smaller ones would gain little.
    pub fn min_size(mut self, bytes: u64) -> Compression {
        self.min_size = bytes;
        self
    }

    /// `response` compressed for a client that accepts `accept_encoding`.
    fn apply(&self, mut response: Response, accept_encoding: Option<&str>) -> Response {
        if !self.compressible(&response) {
            return response;
        }
        add_vary(response.headers_mut(), "accept-encoding");
        let Some(coding) =
            accept_encoding.and_then(|a| preferred(a, &[Coding::Gzip, Coding::Deflate]))
        else {
            return response;
        };
        let Some(encoder) = Encoder::new(coding, self.level) else {
            return response;
        };
        let body = response.take_body();
        let body = match encode_body(body, encoder) {
            Ok(body) => body,
            Err(error) => {
                eprintln!("wasio: the response could not be compressed: {error}");
                return HttpError::internal(error).into_response();
            }
        };
        let headers = response.headers_mut();
        headers.remove(CONTENT_LENGTH);
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static(coding.as_str()));
        if let Some(etag) = headers.get(ETAG).and_then(|e| e.to_str().ok()) {
            if !etag.starts_with("W/") {
                if let Ok(weak) = HeaderValue::try_from(format!("W/{etag}")) {
                    headers.insert(ETAG, weak);
                }
            }
        }
        response.with_body_of(body)
    }

    /// Whether compressing `response` could help at all, whatever the client takes.
    fn compressible(&self, response: &Response) -> bool {
        let headers = response.headers();
        let small = response.body().len().is_some_and(|len| len < self.min_size);
        !(small
            || response.is_upgrade()
            || response.error().is_some()
            || has_no_body(response.status())
            || response.status() == StatusCode::PARTIAL_CONTENT
            || headers.contains_key(CONTENT_RANGE)
            || response.status() == StatusCode::SWITCHING_PROTOCOLS
            || headers.contains_key(CONTENT_ENCODING)
            || headers
                .get(CONTENT_TYPE)
                .and_then(|t| t.to_str().ok())
                .is_some_and(compressed_already))
    }
}

impl Default for Compression {
    fn default() -> Self {
        Compression::new()
    }
}

impl fmt::Debug for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compression")
            .field("level", &self.level)
            .field("min_size", &self.min_size)
            .finish()
    }
}

impl Middleware for Compression {
    fn call(&self, request: Request, next: Next) -> ResponseFuture {
        // A HEAD's answer has no body to compress; its headers stay those of a GET's
        // uncompressed answer, which is what it would get without this middleware.
        let accept_encoding = (request.method() != Method::HEAD)
            .then(|| request.header(ACCEPT_ENCODING.as_str()).map(str::to_owned))
            .flatten();
        let compression = self.clone();
        Box::pin(async move {
            let response = next.run(request).await;
            compression.apply(response, accept_encoding.as_deref())
        })
    }
}

/// Whether a body of `content_type` is compressed already.
fn compressed_already(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (kind, subtype) = essence.split_once('/').unwrap_or((&essence, ""));
    match kind {
        "image" => subtype != "svg+xml",
        "audio" | "video" | "font" => true,
        "application" => matches!(
            subtype,
            "zip"
                | "gzip"
                | "x-gzip"
                | "zstd"
                | "x-bzip2"
                | "x-xz"
                | "x-7z-compressed"
                | "x-rar-compressed"
                | "vnd.rar"
                | "pdf"
                | "wasm"
                | "font-woff"
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_compressed_already_are_known_by_their_essence() {
        for t in [
            "image/png",
            "IMAGE/JPEG",
            "video/mp4",
            "font/woff2",
            "application/zip; x=1",
            "application/wasm",
        ] {
            assert!(compressed_already(t), "{t}");
        }
        for t in [
            "image/svg+xml",
            "text/html; charset=utf-8",
            "application/json",
            "text/event-stream",
            "",
        ] {
            assert!(!compressed_already(t), "{t}");
        }
    }
}
