//! `Parser`: the multipart syntax without I/O, bytes in and events out.

use bytes::{Bytes, BytesMut};
use http::header::{HeaderMap, HeaderName, HeaderValue};
use memchr::memmem::Finder;

use super::error::MultipartError;
use super::limits::MultipartLimits;

/// What the parser found next in a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A part begins: its headers.
    Part(HeaderMap),
    /// Some of the current part's content (a part's content may come in any number of these).
    Data(Bytes),
    /// The current part ended.
    PartEnd,
    /// The closing boundary: the body has no more parts (what follows it is ignored). The
    /// parser gives this again if asked again.
    End,
}

/// Where the parser is in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first boundary.
    Preamble,
    /// Just after a boundary: `--` (the last) or a line end (a part follows).
    AfterBoundary,
    /// In a part's header block.
    Headers,
    /// In a part's content.
    Content,
    /// After the closing boundary.
    Done,
}

/// A multipart body parser without I/O (RFC 7578 and RFC 2046): [`feed`](Parser::feed) it the
/// body's bytes as they come, in chunks of any size, and take [`Event`]s from
/// [`next_event`](Parser::next_event) until it needs more. Once the events of what it was fed
/// are taken, it keeps at most a boundary's worth of a part's content, or one header block
/// within [`MultipartLimits::max_header_size`].
///
/// ```
/// use wasio::http::multipart::{Event, MultipartLimits, Parser};
///
/// let mut parser = Parser::new("xyz", MultipartLimits::default());
/// parser.feed(b"--xyz\r\ncontent-disposition: form-data; name=\"a\"\r\n\r\nhel").unwrap();
/// assert!(matches!(parser.next_event(), Ok(Some(Event::Part(_)))));
/// assert_eq!(parser.next_event().unwrap(), Some(Event::Data("hel".into())));
/// assert_eq!(parser.next_event().unwrap(), None); // it needs more bytes
/// parser.feed(b"lo\r\n--xyz--\r\n").unwrap();
/// parser.finish();
/// assert_eq!(parser.next_event().unwrap(), Some(Event::Data("lo".into())));
/// assert_eq!(parser.next_event().unwrap(), Some(Event::PartEnd));
/// assert_eq!(parser.next_event().unwrap(), Some(Event::End));
/// ```
#[derive(Debug)]
pub struct Parser {
    /// `CRLF--boundary`.
    delimiter: Finder<'static>,
    /// The bytes fed and not given out yet; a virtual CRLF starts it, so that the first
    /// boundary (which has none before it) is found like every other.
    buffer: BytesMut,
    state: State,
    limits: MultipartLimits,
    /// Parts begun so far.
    parts: usize,
    /// The current part's content so far.
    part_size: u64,
    /// Bytes fed so far.
    received: u64,
    /// The body has no more bytes.
    finished: bool,
}

impl Parser {
    /// A parser of a body whose boundary is `boundary` (as [`boundary`](super::boundary)
    /// reads it from the `Content-Type`).
    pub fn new(boundary: &str, limits: MultipartLimits) -> Parser {
        let mut delimiter = b"\r\n--".to_vec();
        delimiter.extend_from_slice(boundary.as_bytes());
        Parser {
            delimiter: Finder::new(&delimiter).into_owned(),
            buffer: BytesMut::from(&b"\r\n"[..]),
            state: State::Preamble,
            limits,
            parts: 0,
            part_size: 0,
            received: 0,
            finished: false,
        }
    }

    /// More of the body; past [`MultipartLimits::max_size`], an error.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), MultipartError> {
        self.received += bytes.len() as u64;
        if self.received > self.limits.max_size {
            return Err(MultipartError::BodyTooLarge {
                limit: self.limits.max_size,
            });
        }
        self.buffer.extend_from_slice(bytes);
        Ok(())
    }

    /// The body has ended: what it lacks now is an error ([`MultipartError::Truncated`]).
    pub fn finish(&mut self) {
        self.finished = true;
    }

    /// The next event, or `None` when the parser needs more of the body to tell.
    pub fn next_event(&mut self) -> Result<Option<Event>, MultipartError> {
        let event = match self.state {
            State::Preamble => self.preamble(),
            State::AfterBoundary => self.after_boundary(),
            State::Headers => self.headers(),
            State::Content => self.content(),
            State::Done => {
                self.buffer.clear();
                return Ok(Some(Event::End));
            }
        }?;
        if event.is_none() && self.finished {
            return Err(MultipartError::Truncated);
        }
        Ok(event)
    }

    fn delimiter_len(&self) -> usize {
        self.delimiter.needle().len()
    }

    /// Skips what comes before the first boundary.
    fn preamble(&mut self) -> Result<Option<Event>, MultipartError> {
        match self.delimiter.find(&self.buffer) {
            Some(at) => {
                let _ = self.buffer.split_to(at + self.delimiter_len());
                self.state = State::AfterBoundary;
                self.after_boundary()
            }
            None => {
                let keep = self.delimiter_len() - 1;
                let skip = self.buffer.len().saturating_sub(keep);
                let _ = self.buffer.split_to(skip);
                Ok(None)
            }
        }
    }

    /// After a boundary: `--` ends the body; optional spaces then CRLF begin a part.
    fn after_boundary(&mut self) -> Result<Option<Event>, MultipartError> {
        let padding = self
            .buffer
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        if padding == 0 && self.buffer.starts_with(b"--") {
            self.state = State::Done;
            self.buffer.clear();
            return Ok(Some(Event::End));
        }
        let _ = self.buffer.split_to(padding);
        if self.buffer.len() < 2 {
            return Ok(None);
        }
        if !self.buffer.starts_with(b"\r\n") {
            return Err(MultipartError::Malformed(
                "a boundary is not followed by a line end",
            ));
        }
        let _ = self.buffer.split_to(2);
        self.parts += 1;
        if self.parts > self.limits.max_parts {
            return Err(MultipartError::TooManyParts {
                limit: self.limits.max_parts,
            });
        }
        self.state = State::Headers;
        self.headers()
    }

    /// A part's header block, once it has all come.
    fn headers(&mut self) -> Result<Option<Event>, MultipartError> {
        let limit = self.limits.max_header_size;
        // The header lines with their CRLFs: up to the CRLF of the blank line that ends them.
        let size = if self.buffer.starts_with(b"\r\n") {
            0
        } else {
            match memchr::memmem::find(&self.buffer, b"\r\n\r\n") {
                Some(at) => at + 2,
                // The block is at least one byte shorter than what came, once complete.
                None if self.buffer.len().saturating_sub(1) > limit => {
                    return Err(MultipartError::HeadersTooLarge { limit });
                }
                None => return Ok(None),
            }
        };
        if size > limit {
            return Err(MultipartError::HeadersTooLarge { limit });
        }
        let block = self.buffer.split_to(size + 2);
        let headers = parse_headers(&block[..size])?;
        self.state = State::Content;
        self.part_size = 0;
        Ok(Some(Event::Part(headers)))
    }

    /// A part's content up to the next boundary.
    fn content(&mut self) -> Result<Option<Event>, MultipartError> {
        let take = match self.delimiter.find(&self.buffer) {
            Some(0) => {
                let _ = self.buffer.split_to(self.delimiter_len());
                self.state = State::AfterBoundary;
                return Ok(Some(Event::PartEnd));
            }
            Some(at) => at,
            // What may be the start of a boundary stays, for the next bytes to tell.
            None => {
                let tail = self.buffer.len().saturating_sub(self.delimiter_len() - 1);
                match memchr::memchr(b'\r', &self.buffer[tail..]) {
                    Some(at) => tail + at,
                    None => self.buffer.len(),
                }
            }
        };
        if take == 0 {
            return Ok(None);
        }
        self.part_size += take as u64;
        if self.part_size > self.limits.max_part_size {
            return Err(MultipartError::PartTooLarge {
                limit: self.limits.max_part_size,
            });
        }
        Ok(Some(Event::Data(self.buffer.split_to(take).freeze())))
    }
}

/// A part's header lines (each with its CRLF), as a map.
fn parse_headers(block: &[u8]) -> Result<HeaderMap, MultipartError> {
    let mut headers = HeaderMap::new();
    for line in block.split(|&b| b == b'\n').filter(|line| !line.is_empty()) {
        let line = line.strip_suffix(b"\r").ok_or(MultipartError::Malformed(
            "a part header line ends without CR",
        ))?;
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            return Err(MultipartError::Malformed("a folded part header line"));
        }
        let colon = memchr::memchr(b':', line).ok_or(MultipartError::Malformed(
            "a part header line without a colon",
        ))?;
        let name = HeaderName::from_bytes(&line[..colon])
            .map_err(|_| MultipartError::Malformed("an invalid part header name"))?;
        let value = line[colon + 1..].trim_ascii();
        let value = HeaderValue::from_bytes(value)
            .map_err(|_| MultipartError::Malformed("an invalid part header value"))?;
        headers.append(name, value);
    }
    Ok(headers)
}
