//! `Multipart`: a request's multipart body read part by part, each part's content streamed.

use std::fmt;

use bytes::{Bytes, BytesMut};
use http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, HeaderMap};

use super::request::Request;
use crate::http::multipart::{
    Event, MultipartError, MultipartLimits, Parser, boundary, ext_value, param,
};

/// A multipart body being read (aiohttp's `MultipartReader`), from
/// [`Request::multipart`]: [`next_part`](Multipart::next_part) gives each [`Part`] in turn,
/// whose content streams from the request as it is read (what a part leaves unread is
/// skipped). At most a boundary's worth of content and one part's headers are held, within
/// the [`MultipartLimits`] and the request's body limit.
///
/// ```
/// use wasio::http::multipart::MultipartError;
/// use wasio::http::server::Request;
///
/// /// Answers each part's name and size.
/// async fn upload(mut request: Request) -> Result<String, MultipartError> {
///     let mut multipart = request.multipart()?;
///     let mut sizes = String::new();
///     while let Some(mut part) = multipart.next_part().await? {
///         let name = part.name().unwrap_or_default().to_string();
///         let mut size = 0;
///         while let Some(chunk) = part.chunk().await? {
///             size += chunk.len();
///         }
///         sizes.push_str(&format!("{name}: {size}\n"));
///     }
///     Ok(sizes)
/// }
/// ```
pub struct Multipart<'r> {
    request: &'r mut Request,
    reader: Reader,
}

/// The reading state a [`Part`] shares with its [`Multipart`].
struct Reader {
    parser: Parser,
    /// A part has begun and its end has not been read yet.
    in_part: bool,
    /// The first error, given again to every later call.
    failed: Option<MultipartError>,
}

impl Request {
    /// The body as multipart (aiohttp's `request.multipart()`), within the default
    /// [`MultipartLimits`] and the request's [`max_body_size`](Request::max_body_size): a
    /// [`MultipartError`] when the `Content-Type` is not `multipart/*` (415) or has no valid
    /// boundary (400).
    pub fn multipart(&mut self) -> Result<Multipart<'_>, MultipartError> {
        self.multipart_with(MultipartLimits::default())
    }

    /// The body as multipart, within `limits`.
    ///
    /// ```
    /// use wasio::http::multipart::{MultipartError, MultipartLimits};
    /// use wasio::http::server::Request;
    ///
    /// async fn avatar(mut request: Request) -> Result<String, MultipartError> {
    ///     let mut limits = MultipartLimits::default();
    ///     limits.max_parts = 1;
    ///     limits.max_part_size = 256 * 1024;
    ///     let mut multipart = request.multipart_with(limits)?;
    ///     let part = multipart.next_part().await?;
    ///     let size = match part {
    ///         Some(mut part) => part.bytes().await?.len(),
    ///         None => 0,
    ///     };
    ///     Ok(format!("{size} bytes"))
    /// }
    /// ```
    pub fn multipart_with(
        &mut self,
        limits: MultipartLimits,
    ) -> Result<Multipart<'_>, MultipartError> {
        let content_type = self
            .header(CONTENT_TYPE.as_str())
            .ok_or(MultipartError::NotMultipart)?;
        let parser = Parser::new(&boundary(content_type)?, limits);
        Ok(Multipart {
            request: self,
            reader: Reader {
                parser,
                in_part: false,
                failed: None,
            },
        })
    }
}

impl Multipart<'_> {
    /// The next part, the rest of the one before skipped; `None` after the last.
    pub async fn next_part(&mut self) -> Result<Option<Part<'_>>, MultipartError> {
        loop {
            match self.reader.next_event(self.request).await? {
                Event::Part(headers) => {
                    self.reader.in_part = true;
                    return Ok(Some(Part::new(headers, self.request, &mut self.reader)));
                }
                Event::End => return Ok(None),
                Event::Data(_) | Event::PartEnd => {}
            }
        }
    }

    /// Every part, its content whole in memory (aiohttp's `request.post()`), within the
    /// limits.
    pub async fn read_fields(mut self) -> Result<Vec<Field>, MultipartError> {
        let mut fields = Vec::new();
        while let Some(mut part) = self.next_part().await? {
            let data = part.bytes().await?;
            fields.push(Field {
                headers: part.headers,
                name: part.name,
                filename: part.filename,
                data,
            });
        }
        Ok(fields)
    }
}

impl Reader {
    /// The parser's next event, the request's body read as it needs.
    async fn next_event(&mut self, request: &mut Request) -> Result<Event, MultipartError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let event = self.read_event(request).await;
        if let Err(error) = &event {
            self.failed = Some(error.clone());
        }
        event
    }

    async fn read_event(&mut self, request: &mut Request) -> Result<Event, MultipartError> {
        loop {
            if let Some(event) = self.parser.next_event()? {
                return Ok(event);
            }
            match request.chunk().await.map_err(MultipartError::Body)? {
                Some(bytes) => self.parser.feed(&bytes)?,
                None => self.parser.finish(),
            }
        }
    }
}

/// One part of a multipart body: its headers, and its content read as a stream
/// ([`chunk`](Part::chunk)) or whole ([`bytes`](Part::bytes), [`text`](Part::text)).
pub struct Part<'a> {
    headers: HeaderMap,
    name: Option<String>,
    filename: Option<String>,
    request: &'a mut Request,
    reader: &'a mut Reader,
}

impl<'a> Part<'a> {
    fn new(headers: HeaderMap, request: &'a mut Request, reader: &'a mut Reader) -> Part<'a> {
        let disposition = headers.get(CONTENT_DISPOSITION).map(|value| {
            // Browsers send names and file names as UTF-8.
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        });
        let param_of = |name| {
            disposition
                .as_deref()
                .and_then(|value| param(value, name))
                .map(|value| value.into_owned())
        };
        // RFC 6266: `filename*` (RFC 8187, any charset) wins over `filename` where it decodes.
        let extended = param_of("filename*").and_then(|value| ext_value(&value));
        Part {
            name: param_of("name"),
            filename: extended.or_else(|| param_of("filename")),
            headers,
            request,
            reader,
        }
    }

    /// The part's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `name` of its `Content-Disposition`: the form field's name.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The `filename` of its `Content-Disposition`: a file's name as the client gave it (not
    /// a path to trust). A `filename*` (RFC 8187: `filename*=UTF-8''na%C3%AFve.txt`, in UTF-8
    /// or ISO-8859-1) is preferred to it, as RFC 6266 says, when it decodes.
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// Its `Content-Type`, when it has one (a form field without one is `text/plain`).
    pub fn content_type(&self) -> Option<&str> {
        content_type(&self.headers)
    }

    /// The next chunk of the part's content; `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, MultipartError> {
        if !self.reader.in_part {
            return Ok(None);
        }
        match self.reader.next_event(self.request).await? {
            Event::Data(bytes) => Ok(Some(bytes)),
            Event::PartEnd | Event::Part(_) | Event::End => {
                self.reader.in_part = false;
                Ok(None)
            }
        }
    }

    /// The rest of the part's content.
    pub async fn bytes(&mut self) -> Result<Bytes, MultipartError> {
        let Some(first) = self.chunk().await? else {
            return Ok(Bytes::new());
        };
        let Some(second) = self.chunk().await? else {
            return Ok(first);
        };
        let mut all = BytesMut::from(&first[..]);
        all.extend_from_slice(&second);
        while let Some(chunk) = self.chunk().await? {
            all.extend_from_slice(&chunk);
        }
        Ok(all.freeze())
    }

    /// The rest of the part's content as UTF-8 text.
    pub async fn text(&mut self) -> Result<String, MultipartError> {
        let bytes = self.bytes().await?;
        String::from_utf8(bytes.into()).map_err(|_| MultipartError::NotUtf8)
    }
}

/// A part read whole, by [`Multipart::read_fields`].
#[derive(Debug, Clone)]
pub struct Field {
    headers: HeaderMap,
    name: Option<String>,
    filename: Option<String>,
    data: Bytes,
}

impl Field {
    /// The part's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The form field's name.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The file's name, for a file.
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// Its `Content-Type`, when it has one.
    pub fn content_type(&self) -> Option<&str> {
        content_type(&self.headers)
    }

    /// The content.
    pub fn bytes(&self) -> &Bytes {
        &self.data
    }

    /// The content as UTF-8 text.
    pub fn text(&self) -> Result<&str, MultipartError> {
        std::str::from_utf8(&self.data).map_err(|_| MultipartError::NotUtf8)
    }
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers.get(CONTENT_TYPE)?.to_str().ok()
}

impl fmt::Debug for Multipart<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart")
            .field("parser", &self.reader.parser)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Part<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part")
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}
