//! HTTP for components: the client (aiohttp's `ClientSession`) over wasi:http.
//!
//! The vocabulary is the [`http`] crate's ([`Method`], [`StatusCode`], [`HeaderMap`],
//! [`Uri`], [`Request`]), re-exported here. A [`Body`] is complete bytes or a stream.
//!
//! | aiohttp | wasio |
//! |---|---|
//! | `aiohttp.ClientSession(base_url=..., headers=..., timeout=...)` | [`Client::builder`] |
//! | `session.get(url, params=..., headers=...)` | [`Client::get`]`(url).query(..).header(..).send()` |
//! | `json=`, `data=` (form), a streaming `data=` | [`RequestBuilder::json`], [`RequestBuilder::form`], [`RequestBuilder::body`] |
//! | `data=FormData()`, `form.add_field(name, value, filename=..., content_type=...)` | [`RequestBuilder::multipart`], [`Form`], [`FormPart`] |
//! | `await resp.text()`, `.read()`, `.json()` | [`ClientResponse::text`], [`ClientResponse::bytes`], [`ClientResponse::json`] |
//! | `resp.content.iter_chunked(n)` | [`ClientResponse::chunk`], [`ClientResponse::chunks`] |
//! | `resp.raise_for_status()` | [`ClientResponse::error_for_status`] |
//! | `ClientTimeout(total, connect, sock_read)` | `timeout`, `connect_timeout`, `first_byte_timeout`, `between_bytes_timeout` |
//! | `CookieJar` | [`CookieJar`], [`ClientBuilder::cookie_store`] |
//! | `TCPConnector(limit=n)` | [`ClientBuilder::max_concurrency`] |
//! | `auto_decompress=` (gzip, deflate, br) | [`ClientBuilder::auto_decompress`], [`RequestBuilder::auto_decompress`] (on by default) |
//! | `compress=` on a request | [`RequestBuilder::compress`] |
//! | `zlib`, `ZLibCompressor`, `ZLibDecompressor` | [`coding`] |
//! | `aiohttp.ClientError` and subclasses | [`Error`] |

mod body;
pub(crate) mod client;
pub mod coding;
mod error;
mod error_code;
pub(crate) mod fields;
pub(crate) mod incoming;
pub mod multipart;
mod percent;
pub mod server;

pub use body::{Body, BodyStream};
pub use client::{
    Chunks, Client, ClientBuilder, ClientResponse, CookieJar, DEFAULT_MAX_BODY_SIZE,
    DEFAULT_TIMEOUT, Form, FormPart, MAX_COOKIE_SIZE, MAX_COOKIES, MAX_COOKIES_PER_DOMAIN,
    Redirect, RequestBuilder,
};
pub use error::{Error, ErrorCode, TimeoutKind};
pub use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, Uri, header};
