//! The write side of a connection: response heads, bodies with the framing the request
//! allows, trailers, and `100 Continue`.

use std::cell::RefCell;
use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use futures_lite::StreamExt;
use futures_lite::io::AsyncWrite;
use http::header::{CONNECTION, CONTENT_LENGTH, DATE, HeaderMap, TRANSFER_ENCODING};
use http::{StatusCode, Version};

use crate::http::Body;
use crate::http::server::response::{Trailers, has_no_body};
use crate::io::AsyncWriteExt;
use crate::net::transport::WriteHalf;

/// Body pieces up to this size are copied into the write buffer (with the head, the chunk
/// framing and the pieces around them), so that a response goes out in one write; larger
/// ones are written as they are, and so are pieces of [`GATHER`] bytes and more that find
/// the buffer empty (a file's chunks after the first: nothing to join them to).
const COALESCE: usize = 256 * 1024;

/// The write buffer is written once it holds this much and more of the body is ready.
const GATHER: usize = 64 * 1024;

const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// What the response must suit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exchange {
    pub(crate) version: Version,
    pub(crate) head_request: bool,
    pub(crate) keep_alive: bool,
}

pub(crate) struct Output {
    pub(crate) stream: WriteHalf,
    /// Bytes of `100 Continue` still to write; `None` once sent or never needed.
    continue_left: Option<&'static [u8]>,
    buffer: Vec<u8>,
}

impl Output {
    pub(crate) fn new(stream: WriteHalf) -> Output {
        Output {
            stream,
            continue_left: None,
            buffer: Vec::with_capacity(1024),
        }
    }

    /// Arms `100 Continue`, sent when the body is first read.
    pub(crate) fn expect_continue(&mut self) {
        self.continue_left = Some(CONTINUE);
    }

    /// Sends `100 Continue` if it is armed. A failure is left for the body read to find.
    pub(crate) fn poll_send_continue(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        while let Some(left) = self.continue_left.filter(|l| !l.is_empty()) {
            match std::task::ready!(Pin::new(&mut self.stream).poll_write(cx, left)) {
                Ok(n) if n > 0 => self.continue_left = Some(&left[n..]),
                _ => break,
            }
        }
        self.continue_left = None;
        Poll::Ready(())
    }

    /// Whether `100 Continue` was armed and never sent (the handler ignored the body).
    pub(crate) fn continue_unsent(&self) -> bool {
        self.continue_left == Some(CONTINUE)
    }

    /// Sends a response; returns whether the connection may carry another request.
    pub(crate) async fn send(
        &mut self,
        status: StatusCode,
        mut headers: HeaderMap,
        body: Body,
        trailers: Option<Trailers>,
        exchange: Exchange,
    ) -> io::Result<bool> {
        let no_body = exchange.head_request || status.is_informational() || has_no_body(status);
        let http11 = exchange.version == Version::HTTP_11;
        let mut keep_alive = exchange.keep_alive;
        let switching = status == StatusCode::SWITCHING_PROTOCOLS;
        // The server frames the body; what the handler set for that is replaced. A switch of
        // protocols keeps its own `connection: upgrade`.
        headers.remove(CONTENT_LENGTH);
        headers.remove(TRANSFER_ENCODING);
        if !switching {
            headers.remove(CONNECTION);
        }
        let chunked = !no_body && http11 && (trailers.is_some() || body.len().is_none());
        if !no_body && !http11 && body.len().is_none() {
            keep_alive = false; // HTTP/1.0: the end of the body is the end of the connection
        }
        self.buffer.clear();
        write_status(&mut self.buffer, status);
        write_fields(&mut self.buffer, &headers);
        if !headers.contains_key(DATE) {
            DATE_CACHE.with(|cache| cache.borrow_mut().write(&mut self.buffer));
        }
        if chunked {
            self.buffer
                .extend_from_slice(b"transfer-encoding: chunked\r\n");
        } else if let Some(len) = body.len().filter(|_| !has_no_body(status)) {
            let _ = write!(self.buffer, "content-length: {len}\r\n");
        }
        if switching {
        } else if !keep_alive {
            self.buffer.extend_from_slice(b"connection: close\r\n");
        } else if !http11 {
            self.buffer.extend_from_slice(b"connection: keep-alive\r\n");
        }
        self.buffer.extend_from_slice(b"\r\n");

        if !no_body {
            match body.into_parts() {
                Ok(bytes) => self.add(&bytes, chunked).await?,
                Err(mut chunks) => {
                    // Chunks ready now go out together, and the last with the end of the body:
                    // one write, not one per chunk (WASI has no TCP_NODELAY, so a small write
                    // after a large one can wait for the client's delayed ACK).
                    let mut next = futures_lite::future::poll_once(chunks.next()).await;
                    loop {
                        let item = match next {
                            Some(item) => item,
                            None => {
                                self.write_buffer().await?;
                                chunks.next().await
                            }
                        };
                        // A body that fails ends the connection: the client sees it cut short.
                        let Some(chunk) = item.transpose()? else {
                            break;
                        };
                        self.add(&chunk, chunked).await?;
                        next = futures_lite::future::poll_once(chunks.next()).await;
                        if self.buffer.len() >= GATHER && matches!(next, Some(Some(_))) {
                            self.write_buffer().await?;
                        }
                    }
                }
            }
            if chunked {
                self.buffer.extend_from_slice(b"0\r\n");
                if let Some(trailers) = trailers {
                    self.write_buffer().await?;
                    write_fields(&mut self.buffer, &trailers.await);
                }
                self.buffer.extend_from_slice(b"\r\n");
            }
        }
        self.write_buffer().await?;
        if self.buffer.capacity() > 16 * 1024 {
            // An idle connection keeps a small buffer, whatever it last sent.
            self.buffer = Vec::with_capacity(1024);
        }
        Ok(keep_alive)
    }

    /// Adds body bytes (framed as a chunk when `chunked`) after what the buffer holds; a large
    /// piece, or one of `GATHER` bytes or more when the buffer is empty, is written as it is
    /// rather than copied.
    async fn add(&mut self, data: &[u8], chunked: bool) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        if chunked {
            let _ = write!(self.buffer, "{:x}\r\n", data.len());
        }
        let alone = data.len() > COALESCE || (data.len() >= GATHER && self.buffer.is_empty());
        if alone {
            self.write_buffer().await?;
            self.stream.write_all(data).await?;
        } else {
            self.buffer.extend_from_slice(data);
        }
        if chunked {
            self.buffer.extend_from_slice(b"\r\n");
        }
        Ok(())
    }

    /// Writes what the buffer holds.
    async fn write_buffer(&mut self) -> io::Result<()> {
        if !self.buffer.is_empty() {
            self.stream.write_all(&self.buffer).await?;
            self.buffer.clear();
        }
        Ok(())
    }
}

fn write_status(buffer: &mut Vec<u8>, status: StatusCode) {
    buffer.extend_from_slice(b"HTTP/1.1 ");
    buffer.extend_from_slice(status.as_str().as_bytes());
    buffer.push(b' ');
    buffer.extend_from_slice(status.canonical_reason().unwrap_or("Unknown").as_bytes());
    buffer.extend_from_slice(b"\r\n");
}

/// Header (or trailer) fields, one `name: value` line each.
fn write_fields(buffer: &mut Vec<u8>, fields: &HeaderMap) {
    for (name, value) in fields {
        buffer.extend_from_slice(name.as_str().as_bytes());
        buffer.extend_from_slice(b": ");
        buffer.extend_from_slice(value.as_bytes());
        buffer.extend_from_slice(b"\r\n");
    }
}

/// The `date` header, formatted once a second.
struct DateCache {
    second: u64,
    line: Vec<u8>,
}

impl DateCache {
    fn write(&mut self, buffer: &mut Vec<u8>) {
        let now = SystemTime::now();
        let second = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs();
        if second != self.second || self.line.is_empty() {
            self.second = second;
            self.line = format!("date: {}\r\n", httpdate::fmt_http_date(now)).into_bytes();
        }
        buffer.extend_from_slice(&self.line);
    }
}

thread_local! {
    static DATE_CACHE: RefCell<DateCache> = const {
        RefCell::new(DateCache {
            second: 0,
            line: Vec::new(),
        })
    };
}
