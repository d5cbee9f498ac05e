//! `RequestBuilder`: one request, built step by step, then sent.

use std::fmt;
use std::time::Duration;

use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use http::{Method, Uri};

use super::{Client, Prepared, compressor, header, url};
use crate::http::coding::Coding;
use crate::http::{Body, ClientResponse, Error};

/// A request being built by a [`Client`]; [`send`](RequestBuilder::send) sends it. A step
/// that fails (a bad header, a body that does not serialize) is reported by `send`.
///
/// ```no_run
/// # wasio::run(async {
/// use std::time::Duration;
/// use wasio::http::Client;
///
/// let response = Client::new()
///     .post("http://127.0.0.1:8080/items")
///     .header("x-request-id", "42")
///     .json(&serde_json::json!({"name": "thing"}))
///     .timeout(Duration::from_secs(5))
///     .send()
///     .await?;
/// println!("{}", response.status());
/// # Ok::<(), wasio::http::Error>(())
/// # }).unwrap();
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder {
    client: Client,
    request: Result<Prepared, Error>,
}

impl RequestBuilder {
    pub(crate) fn new(client: Client, method: Method, url: Result<Uri, Error>) -> Self {
        let config = &client.config;
        let request = url.map(|url| Prepared {
            method,
            url,
            headers: config.headers.clone(),
            body: Body::empty(),
            timeouts: config.timeouts,
            total: config.total,
            max_body_size: config.max_body_size,
            decompress: config.decompress,
            compress: None,
        });
        RequestBuilder { client, request }
    }

    fn map(mut self, step: impl FnOnce(&mut Prepared) -> Result<(), Error>) -> Self {
        if let Ok(request) = &mut self.request {
            if let Err(error) = step(request) {
                self.request = Err(error);
            }
        }
        self
    }

    /// Sets a header (replacing the client's default of the same name).
    pub fn header(self, name: &str, value: &str) -> Self {
        self.map(|request| {
            let (name, value) = header(name, value)?;
            request.headers.insert(name, value);
            Ok(())
        })
    }

    /// Sets several headers, every value of each (replacing a default of the same name).
    pub fn headers(self, headers: HeaderMap) -> Self {
        self.map(|request| {
            super::merge_headers(&mut request.headers, headers);
            Ok(())
        })
    }

    /// Adds a value to a header, keeping those it has (for repeated headers).
    pub fn append_header(self, name: &str, value: &str) -> Self {
        self.map(|request| {
            let (name, value) = header(name, value)?;
            request.headers.append(name, value);
            Ok(())
        })
    }

    /// Adds query parameters, URL-encoded: `&[("q", "rust wasm"), ("page", "2")]` or any
    /// `Serialize` struct or map.
    pub fn query<T: serde::Serialize + ?Sized>(self, query: &T) -> Self {
        self.map(|request| {
            let encoded =
                serde_urlencoded::to_string(query).map_err(|error| Error::InvalidUrl {
                    url: request.url.to_string(),
                    reason: leak_reason(error),
                })?;
            request.url =
                url::with_query(&request.url, &encoded).map_err(|url::UrlError(reason)| {
                    Error::InvalidUrl {
                        url: request.url.to_string(),
                        reason,
                    }
                })?;
            Ok(())
        })
    }

    /// The body, from anything that converts into a [`Body`] (bytes, text, a stream).
    pub fn body(self, body: impl Into<Body>) -> Self {
        self.map(|request| {
            request.body = body.into();
            Ok(())
        })
    }

    /// A JSON body, with `content-type: application/json`.
    #[cfg(feature = "json")]
    pub fn json<T: serde::Serialize + ?Sized>(self, value: &T) -> Self {
        self.map(|request| {
            request.body = Body::json(value).map_err(|error| Error::Decode {
                what: "JSON",
                detail: error.to_string(),
            })?;
            request
                .headers
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            Ok(())
        })
    }

    /// A form body (`application/x-www-form-urlencoded`).
    pub fn form<T: serde::Serialize + ?Sized>(self, form: &T) -> Self {
        self.map(|request| {
            let encoded = serde_urlencoded::to_string(form).map_err(|error| Error::Decode {
                what: "form",
                detail: error.to_string(),
            })?;
            request.body = Body::from(encoded);
            request.headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
            Ok(())
        })
    }

    /// A multipart/form-data body (aiohttp's `data=FormData(...)`), with its `content-type`
    /// and boundary; see [`Form`](super::Form).
    pub fn multipart(self, form: super::Form) -> Self {
        self.map(|request| {
            let content_type =
                HeaderValue::try_from(form.content_type()).map_err(|_| Error::InvalidHeader {
                    name: "content-type".into(),
                })?;
            request.body = form.into_body().map_err(|part| Error::InvalidHeader {
                name: format!("content-type of the part {part:?}"),
            })?;
            request.headers.insert(CONTENT_TYPE, content_type);
            Ok(())
        })
    }

    /// Basic authentication (`authorization: Basic ...`).
    pub fn basic_auth(self, user: &str, password: Option<&str>) -> Self {
        let value = basic_auth_value(user, password);
        self.header(AUTHORIZATION.as_str(), &value)
    }

    /// Bearer-token authentication.
    pub fn bearer_auth(self, token: &str) -> Self {
        self.header(AUTHORIZATION.as_str(), &format!("Bearer {token}"))
    }

    /// A deadline for this whole request (see [`ClientBuilder::timeout`](super::ClientBuilder::timeout)).
    pub fn timeout(self, total: Duration) -> Self {
        self.map(|request| {
            request.total = Some(total);
            Ok(())
        })
    }

    /// How long connecting may take, for this request.
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        self.map(|request| {
            request.timeouts.connect = Some(timeout);
            Ok(())
        })
    }

    /// How long the response head may take, for this request.
    pub fn first_byte_timeout(self, timeout: Duration) -> Self {
        self.map(|request| {
            request.timeouts.first_byte = Some(timeout);
            Ok(())
        })
    }

    /// How long the body may pause between chunks, for this request.
    pub fn between_bytes_timeout(self, timeout: Duration) -> Self {
        self.map(|request| {
            request.timeouts.between_bytes = Some(timeout);
            Ok(())
        })
    }

    /// The most response-body bytes read, for this request.
    pub fn max_body_size(self, limit: u64) -> Self {
        self.map(|request| {
            request.max_body_size = limit;
            Ok(())
        })
    }

    /// Whether this response is decoded (see [`ClientBuilder::auto_decompress`](
    /// super::ClientBuilder::auto_decompress)): off, its body comes as the server sent it.
    pub fn auto_decompress(self, on: bool) -> Self {
        self.map(|request| {
            request.decompress = on;
            Ok(())
        })
    }

    /// Sends the body compressed in `coding` (gzip or deflate), with its `content-encoding`
    /// (aiohttp's `compress=`): complete bytes at once, a stream chunk by chunk. Only for a
    /// server known to take it: HTTP has no way to ask first. Brotli, which wasio only
    /// decodes, fails the request with [`Error::Decode`].
    ///
    /// ```no_run
    /// # wasio::run(async {
    /// use wasio::http::Client;
    /// use wasio::http::coding::Coding;
    ///
    /// let logs = "GET / 200\n".repeat(10_000);
    /// Client::new()
    ///     .post("http://127.0.0.1:8080/logs")
    ///     .body(logs)
    ///     .compress(Coding::Gzip)
    ///     .send()
    ///     .await?;
    /// # Ok::<(), wasio::http::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn compress(self, coding: Coding) -> Self {
        self.map(|request| {
            request.compress = Some(compressor(coding));
            Ok(())
        })
    }

    /// Sends the request and waits for the response head (status and headers); the body is
    /// read from the [`ClientResponse`].
    pub async fn send(self) -> Result<ClientResponse, Error> {
        self.client.send(self.request?).await
    }
}

/// The reason a query did not encode (serde_urlencoded's errors are not `'static` strings).
fn leak_reason(_error: serde_urlencoded::ser::Error) -> &'static str {
    "the query parameters cannot be URL-encoded (use pairs, or a flat struct or map)"
}

/// `Basic base64(user:password)`.
pub(crate) fn basic_auth_value(user: &str, password: Option<&str>) -> String {
    let credentials = format!("{user}:{}", password.unwrap_or_default());
    format!("Basic {}", crate::base64::encode(credentials.as_bytes()))
}

impl fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.request {
            Ok(request) => f
                .debug_struct("RequestBuilder")
                .field("method", &request.method)
                .field("url", &request.url)
                .finish(),
            Err(error) => f.debug_tuple("RequestBuilder").field(error).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_base64_of_user_colon_password() {
        assert_eq!(
            basic_auth_value("Aladdin", Some("open sesame")),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }
}
