//! `MultipartLimits`: how much a multipart body may hold.

/// The limits a multipart body is read within. Every field is public; start from
/// [`MultipartLimits::default`]. Past a limit, reading fails with a
/// [`MultipartError`](super::MultipartError) that answers 413 Content Too Large. The
/// request's own body limit ([`Request::max_body_size`](crate::http::server::Request::max_body_size))
/// applies as well: the smaller of the two bounds the body.
///
/// ```
/// use wasio::http::multipart::MultipartLimits;
///
/// let mut limits = MultipartLimits::default();
/// limits.max_parts = 10;
/// limits.max_part_size = 64 * 1024 * 1024;
/// assert_eq!(limits.max_header_size, 8 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MultipartLimits {
    /// The most parts a body may have (default 1 000, as Starlette's `max_fields`).
    pub max_parts: usize,
    /// The largest header block of one part: its header lines with their CRLFs, without the
    /// blank line that ends them (default 8 KiB).
    pub max_header_size: usize,
    /// The largest content of one part, in bytes (default 16 MiB).
    pub max_part_size: u64,
    /// The largest whole body, delimiters and headers included, in bytes (default 64 MiB).
    pub max_size: u64,
}

impl Default for MultipartLimits {
    fn default() -> Self {
        MultipartLimits {
            max_parts: 1000,
            max_header_size: 8 * 1024,
            max_part_size: 16 * 1024 * 1024,
            max_size: 64 * 1024 * 1024,
        }
    }
}
