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
use crate::http::server::response::Trailers;
use crate::io::AsyncWriteExt;
use crate::net::OwnedWriteHalf;

/// Bodies up to this size go out in the same write as the head.
const COALESCE: usize = 16 * 1024;

const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// What the response must suit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exchange {
    pub(crate) version: Version,
    pub(crate) head_request: bool,
    pub(crate) keep_alive: bool,
}

pub(crate) struct Output {
    pub(crate) stream: OwnedWriteHalf,
    /// Bytes of `100 Continue` still to write; `None` once sent or never needed.
    continue_left: Option<&'static [u8]>,
    buffer: Vec<u8>,
}

impl Output {
    pub(crate) fn new(stream: OwnedWriteHalf) -> Output {
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
        let no_body = exchange.head_request
            || status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED;
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
        for (name, value) in &headers {
            self.buffer.extend_from_slice(name.as_str().as_bytes());
            self.buffer.extend_from_slice(b": ");
            self.buffer.extend_from_slice(value.as_bytes());
            self.buffer.extend_from_slice(b"\r\n");
        }
        if !headers.contains_key(DATE) {
            DATE_CACHE.with(|cache| cache.borrow_mut().write(&mut self.buffer));
        }
        if chunked {
            self.buffer
                .extend_from_slice(b"transfer-encoding: chunked\r\n");
        } else if let Some(len) = body
            .len()
            .filter(|_| status != StatusCode::NO_CONTENT && status != StatusCode::NOT_MODIFIED)
        {
            let _ = write!(self.buffer, "content-length: {len}\r\n");
        }
        if switching {
        } else if !keep_alive {
            self.buffer.extend_from_slice(b"connection: close\r\n");
        } else if !http11 {
            self.buffer.extend_from_slice(b"connection: keep-alive\r\n");
        }
        self.buffer.extend_from_slice(b"\r\n");

        if no_body {
            self.stream.write_all(&self.buffer).await?;
            return Ok(keep_alive);
        }
        match body.into_parts() {
            Ok(bytes) if !chunked => {
                if bytes.len() <= COALESCE {
                    self.buffer.extend_from_slice(&bytes);
                    self.stream.write_all(&self.buffer).await?;
                } else {
                    self.stream.write_all(&self.buffer).await?;
                    self.stream.write_all(&bytes).await?;
                }
            }
            Ok(bytes) => {
                self.stream.write_all(&self.buffer).await?;
                self.write_chunk(&bytes).await?;
            }
            Err(mut chunks) => {
                self.stream.write_all(&self.buffer).await?;
                while let Some(chunk) = chunks.next().await {
                    // A body that fails ends the connection: the client sees it cut short.
                    let chunk = chunk?;
                    if chunked {
                        self.write_chunk(&chunk).await?;
                    } else {
                        self.stream.write_all(&chunk).await?;
                    }
                }
            }
        }
        if chunked {
            self.buffer.clear();
            self.buffer.extend_from_slice(b"0\r\n");
            if let Some(trailers) = trailers {
                for (name, value) in &trailers.await {
                    self.buffer.extend_from_slice(name.as_str().as_bytes());
                    self.buffer.extend_from_slice(b": ");
                    self.buffer.extend_from_slice(value.as_bytes());
                    self.buffer.extend_from_slice(b"\r\n");
                }
            }
            self.buffer.extend_from_slice(b"\r\n");
            self.stream.write_all(&self.buffer).await?;
        }
        Ok(keep_alive)
    }

    async fn write_chunk(&mut self, data: &[u8]) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        self.buffer.clear();
        let _ = write!(self.buffer, "{:x}\r\n", data.len());
        if data.len() <= COALESCE {
            self.buffer.extend_from_slice(data);
            self.buffer.extend_from_slice(b"\r\n");
            return self.stream.write_all(&self.buffer).await;
        }
        self.stream.write_all(&self.buffer).await?;
        self.stream.write_all(data).await?;
        self.stream.write_all(b"\r\n").await
    }
}

fn write_status(buffer: &mut Vec<u8>, status: StatusCode) {
    buffer.extend_from_slice(b"HTTP/1.1 ");
    buffer.extend_from_slice(status.as_str().as_bytes());
    buffer.push(b' ');
    buffer.extend_from_slice(status.canonical_reason().unwrap_or("Unknown").as_bytes());
    buffer.extend_from_slice(b"\r\n");
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
