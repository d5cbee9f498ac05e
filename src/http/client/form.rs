//! `Form`: a multipart/form-data request body (aiohttp's `FormData`).

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_lite::Stream;
use http::HeaderValue;

use crate::http::body::{Body, BodyStream};
use crate::http::multipart::{quote, random_boundary};

/// A multipart/form-data body (aiohttp's `FormData`): text fields, files from memory, and
/// streamed parts that are sent as they are produced (a large file need not fit in memory).
/// Send it with [`RequestBuilder::multipart`](super::RequestBuilder::multipart), which sets the
/// `Content-Type` and its random boundary; it goes with a `Content-Length` when every part's
/// size is known, chunked otherwise.
///
/// ```no_run
/// # wasio::run(async {
/// use wasio::http::{Body, Client, Form, FormPart};
///
/// let form = Form::new()
///     .text("title", "holiday")
///     .part("photo", FormPart::bytes(vec![0xff, 0xd8]).file_name("a.jpg").mime("image/jpeg"))
///     .part("log", FormPart::stream(Body::from_reader(wasio::io::stdin())).file_name("log.txt"));
/// let response = Client::new().post("http://127.0.0.1:8080/upload").multipart(form).send().await?;
/// println!("{}", response.status());
/// # Ok::<(), wasio::http::Error>(())
/// # });
/// ```
pub struct Form {
    boundary: String,
    parts: Vec<(String, FormPart)>,
}

/// One part of a [`Form`]: its content, and optionally a file name and a content type.
pub struct FormPart {
    body: Body,
    file_name: Option<String>,
    mime: Option<String>,
}

impl Form {
    /// An empty form with a new random boundary.
    pub fn new() -> Form {
        Form {
            boundary: random_boundary(),
            parts: Vec::new(),
        }
    }

    /// Adds a text field.
    pub fn text(self, name: &str, value: impl Into<String>) -> Form {
        self.part(name, FormPart::bytes(value.into()))
    }

    /// Adds a part named `name`.
    pub fn part(mut self, name: &str, part: FormPart) -> Form {
        self.parts.push((name.to_string(), part));
        self
    }

    /// The boundary between the parts.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The `Content-Type` the body goes with: `multipart/form-data; boundary=...`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The body: complete bytes when every part is, a stream otherwise (with its length when
    /// every part's is known). `Err` names a part whose content type is not a valid header
    /// value.
    pub(crate) fn into_body(self) -> Result<Body, String> {
        let mut pieces = VecDeque::new();
        let mut len = Some(0u64);
        let mut streamed = false;
        for (name, part) in self.parts {
            let mut head = format!(
                "--{}\r\ncontent-disposition: form-data; name={}",
                self.boundary,
                quote(&name)
            );
            if let Some(file_name) = &part.file_name {
                head.push_str(&format!("; filename={}", quote(file_name)));
            }
            head.push_str("\r\n");
            if let Some(mime) = &part.mime {
                if HeaderValue::from_str(mime).is_err() {
                    return Err(name);
                }
                head.push_str(&format!("content-type: {mime}\r\n"));
            }
            head.push_str("\r\n");
            len = len.and_then(|len| Some(len + head.len() as u64 + part.body.len()? + 2));
            pieces.push_back(Piece::Bytes(Bytes::from(head)));
            match part.body.into_parts() {
                Ok(bytes) => pieces.push_back(Piece::Bytes(bytes)),
                Err(stream) => {
                    streamed = true;
                    pieces.push_back(Piece::Stream(stream));
                }
            }
            pieces.push_back(Piece::Bytes(Bytes::from_static(b"\r\n")));
        }
        let end = format!("--{}--\r\n", self.boundary);
        len = len.map(|len| len + end.len() as u64);
        pieces.push_back(Piece::Bytes(Bytes::from(end)));
        let stream = Pieces { pieces };
        Ok(match (streamed, len) {
            (false, _) => Body::from(stream.concat()),
            (true, Some(len)) => Body::from_stream_with_len(stream, len),
            (true, None) => Body::from_stream(stream),
        })
    }
}

impl Default for Form {
    fn default() -> Self {
        Form::new()
    }
}

impl FormPart {
    /// Content from memory (text converts too).
    pub fn bytes(content: impl Into<Bytes>) -> FormPart {
        FormPart::stream(Body::from(content.into()))
    }

    /// Content streamed from `body` ([`Body::from_stream`], [`Body::from_reader`]), sent as it
    /// is produced; its size is known when the body's is ([`Body::from_stream_with_len`]).
    pub fn stream(body: Body) -> FormPart {
        FormPart {
            body,
            file_name: None,
            mime: None,
        }
    }

    /// The part is a file named `name` (its `filename` parameter).
    pub fn file_name(mut self, name: &str) -> FormPart {
        self.file_name = Some(name.to_string());
        self
    }

    /// The part's `Content-Type` (`application/octet-stream`, `image/png`).
    pub fn mime(mut self, content_type: &str) -> FormPart {
        self.mime = Some(content_type.to_string());
        self
    }
}

impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Form")
            .field("boundary", &self.boundary)
            .field("parts", &self.parts)
            .finish()
    }
}

impl fmt::Debug for FormPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormPart")
            .field("body", &self.body)
            .field("file_name", &self.file_name)
            .field("mime", &self.mime)
            .finish()
    }
}

/// A piece of the body: bytes, or a part's stream.
enum Piece {
    Bytes(Bytes),
    Stream(BodyStream),
}

/// The pieces of the body, in order, as one stream.
struct Pieces {
    pieces: VecDeque<Piece>,
}

impl Pieces {
    /// Every piece's bytes, when none is a stream.
    fn concat(self) -> Bytes {
        let mut all = Vec::new();
        for piece in self.pieces {
            if let Piece::Bytes(bytes) = piece {
                all.extend_from_slice(&bytes);
            }
        }
        Bytes::from(all)
    }
}

impl Stream for Pieces {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match self.pieces.front_mut() {
                None => return Poll::Ready(None),
                Some(Piece::Bytes(bytes)) => {
                    let bytes = std::mem::take(bytes);
                    self.pieces.pop_front();
                    if !bytes.is_empty() {
                        return Poll::Ready(Some(Ok(bytes)));
                    }
                }
                Some(Piece::Stream(stream)) => {
                    match std::task::ready!(stream.as_mut().poll_next(cx)) {
                        Some(item) => return Poll::Ready(Some(item)),
                        None => {
                            self.pieces.pop_front();
                        }
                    }
                }
            }
        }
    }
}
