//! `FileResponse`: a response that streams a file, with validators, conditional requests
//! and byte ranges.

use std::io;

use bytes::Bytes;
use http::header::{
    ACCEPT_RANGES, CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE,
    LAST_MODIFIED, RANGE,
};
use http::{HeaderValue, Method, StatusCode};

use super::conditional::Validators;
use super::mime::content_type;
use super::range::{Ranged, ranged};
use crate::fs::{self, ErrorKind, File};
use crate::http::Body;
use crate::http::server::{HttpError, IntoResponse, Request, Response};

/// A response streaming the file at a path in a preopened directory (aiohttp's
/// `web.FileResponse`): its `Content-Type` from its extension, `Content-Length`, a strong
/// `ETag` (from size and modification time), `Last-Modified` and `Accept-Ranges: bytes`.
///
/// [`respond`](FileResponse::respond) answers the request it is given:
/// - `If-None-Match` (which wins when both are sent) or `If-Modified-Since` matching: 304;
/// - one `Range: bytes=` range (`0-99`, `100-`, `-100`): 206 with `Content-Range`, unless an
///   `If-Range` names another version; a range past the end: 416 with
///   `Content-Range: bytes */<size>`; several ranges: the whole file, 200 (RFC 9110 lets a
///   server ignore `Range`; wasio sends no `multipart/byteranges`);
/// - `HEAD`: the same headers, no body;
/// - a missing file: 404; a directory or a path the host refuses: 403.
///
/// The file is read a chunk (64 KiB) at a time as the client takes it, never whole. Under
/// `wasmtime serve` with WASI 0.2 the host moves each chunk from the file to the response
/// itself (`blocking-splice`), so the bytes do not pass through the component; the request's
/// event loop waits during each such call (for the file, and for the host to take the chunk).
///
/// ```no_run
/// use wasio::http::server::{App, FileResponse, Request, get};
///
/// let app = App::new().route(
///     "/report",
///     get(|request: Request| async move {
///         FileResponse::new("/data/report.pdf").respond(&request).await
///     }),
/// );
/// ```
#[derive(Debug, Clone)]
pub struct FileResponse {
    path: String,
    content_type: Option<HeaderValue>,
}

impl FileResponse {
    /// A response for the file at `path` (a guest path: `/static/logo.png` under
    /// `wasmtime run --dir www::/static`).
    pub fn new(path: impl Into<String>) -> FileResponse {
        FileResponse {
            path: path.into(),
            content_type: None,
        }
    }

    /// Sends `content_type` instead of the one its extension gives.
    pub fn content_type(mut self, content_type: HeaderValue) -> FileResponse {
        self.content_type = Some(content_type);
        self
    }

    /// The answer to `request`: the file, part of it, 304, 416, or an error response.
    pub async fn respond(self, request: &Request) -> Response {
        match self.answer(request).await {
            Ok(response) => response,
            Err(error) => refusal(&error).into_response(),
        }
    }

    /// The answer, or why the file cannot be read.
    pub(crate) async fn answer(self, request: &Request) -> Result<Response, fs::Error> {
        let file = File::open(&self.path).await?;
        let metadata = file.metadata().await?;
        let size = metadata.len();
        let validators = Validators::new(size, metadata.modified());
        let content_type = self
            .content_type
            .unwrap_or_else(|| HeaderValue::from_static(content_type(&self.path)));
        let mut response = Response::new(StatusCode::OK)
            .header(ETAG, validators.etag.as_str())
            .header(ACCEPT_RANGES, "bytes");
        if let Some(date) = validators.last_modified() {
            response = response.header(LAST_MODIFIED, date);
        }
        let if_none_match = request.header(IF_NONE_MATCH.as_str());
        if validators.not_modified(if_none_match, request.header(IF_MODIFIED_SINCE.as_str())) {
            return Ok(response.with_status(StatusCode::NOT_MODIFIED));
        }
        let head = *request.method() == Method::HEAD;
        let range = match (
            request.header(RANGE.as_str()),
            request.header(IF_RANGE.as_str()),
        ) {
            (Some(_), _) if head => Ranged::Whole,
            (Some(_), Some(if_range)) if !validators.range_applies(if_range) => Ranged::Whole,
            (Some(range), _) => ranged(range, size),
            (None, _) => Ranged::Whole,
        };
        let (start, len) = match range {
            Ranged::Whole => (0, size),
            Ranged::Part { start, end } => {
                response = response
                    .with_status(StatusCode::PARTIAL_CONTENT)
                    .header(CONTENT_RANGE, format!("bytes {start}-{end}/{size}"));
                (start, end - start + 1)
            }
            Ranged::Unsatisfiable => {
                return Ok(response
                    .with_status(StatusCode::RANGE_NOT_SATISFIABLE)
                    .header(CONTENT_RANGE, format!("bytes */{size}")));
            }
        };
        let body = if head {
            Body::from_stream_with_len(futures_lite::stream::empty::<io::Result<Bytes>>(), len)
        } else {
            Body::from_file(file.read_range(start, len)?, len)
        };
        Ok(response
            .with_body_of(body)
            .header(CONTENT_TYPE, content_type))
    }
}

/// The error response for a file that cannot be served: 404 for what is not there, 403 for
/// what may not be read (a directory, a path out of the sandbox), 500 for the rest.
pub(crate) fn refusal(error: &fs::Error) -> HttpError {
    match error.kind() {
        ErrorKind::NotFound
        | ErrorKind::NotADirectory
        | ErrorKind::NoPreopen
        | ErrorKind::InvalidPath => HttpError::not_found("Not Found"),
        ErrorKind::PermissionDenied | ErrorKind::OutsideSandbox | ErrorKind::IsADirectory => {
            HttpError::forbidden("Forbidden")
        }
        _ => HttpError::internal(error),
    }
}
