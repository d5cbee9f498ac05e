//! `MultipartError`: why a multipart body was refused.

use std::fmt;

use http::StatusCode;

use crate::http::server::{HttpError, IntoResponse, Response};

/// Why a multipart body could not be read. Returned from a handler (or turned into an
/// [`HttpError`] by `?`), it answers its [`status`](MultipartError::status): 413 past a
/// limit, 415 for a body that is not multipart, 400 for a malformed one, and for a body that
/// could not be read, the status that says why.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum MultipartError {
    /// The request's `Content-Type` is not `multipart/*` (415).
    NotMultipart,
    /// The `boundary` parameter is missing, empty, longer than 70 characters or has a
    /// character RFC 2046 does not allow (400).
    InvalidBoundary,
    /// The body has more parts than [`MultipartLimits::max_parts`](super::MultipartLimits) (413).
    TooManyParts {
        /// The limit.
        limit: usize,
    },
    /// A part's header block is larger than
    /// [`MultipartLimits::max_header_size`](super::MultipartLimits) (413).
    HeadersTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A part's content is larger than
    /// [`MultipartLimits::max_part_size`](super::MultipartLimits) (413).
    PartTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The whole body is larger than [`MultipartLimits::max_size`](super::MultipartLimits) (413).
    BodyTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// The body breaks the multipart syntax: a part header that is not `name: value`, or a
    /// boundary line followed by something else than a line end (400).
    Malformed(&'static str),
    /// The body ended before its closing boundary (400).
    Truncated,
    /// A part read as text is not UTF-8 (400).
    NotUtf8,
    /// The request body could not be read (its own size limit, a broken chunked coding, a
    /// stall): the error that says so.
    Body(HttpError),
}

impl MultipartError {
    /// The status the error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            MultipartError::NotMultipart => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            MultipartError::TooManyParts { .. }
            | MultipartError::HeadersTooLarge { .. }
            | MultipartError::PartTooLarge { .. }
            | MultipartError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            MultipartError::InvalidBoundary
            | MultipartError::Malformed(_)
            | MultipartError::Truncated
            | MultipartError::NotUtf8 => StatusCode::BAD_REQUEST,
            MultipartError::Body(error) => error.status(),
        }
    }

    /// The error as the [`HttpError`] it answers with.
    pub fn to_http_error(&self) -> HttpError {
        match self {
            MultipartError::Body(error) => error.clone(),
            other => HttpError::new(other.status(), other.to_string()),
        }
    }
}

impl fmt::Display for MultipartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MultipartError::NotMultipart => f.write_str("the request body is not multipart"),
            MultipartError::InvalidBoundary => {
                f.write_str("the multipart content type has no valid boundary")
            }
            MultipartError::TooManyParts { limit } => {
                write!(f, "the multipart body has more than {limit} parts")
            }
            MultipartError::HeadersTooLarge { limit } => {
                write!(f, "a part's headers are larger than {limit} bytes")
            }
            MultipartError::PartTooLarge { limit } => {
                write!(f, "a part is larger than {limit} bytes")
            }
            MultipartError::BodyTooLarge { limit } => {
                write!(f, "the multipart body is larger than {limit} bytes")
            }
            MultipartError::Malformed(what) => write!(f, "malformed multipart body: {what}"),
            MultipartError::Truncated => {
                f.write_str("the multipart body ended before its closing boundary")
            }
            MultipartError::NotUtf8 => f.write_str("a part is not valid UTF-8"),
            MultipartError::Body(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl std::error::Error for MultipartError {}

/// The answer of [`MultipartError::status`], with the error's message.
impl IntoResponse for MultipartError {
    fn into_response(self) -> Response {
        self.to_http_error().into_response()
    }
}
