//! The load client of the WebSocket echo benchmark.
//!
//!     ws-load ws://127.0.0.1:PORT/ CONNECTIONS SIZE SECONDS [deflate]
//!     ws-load wss://127.0.0.1:PORT/ CONNECTIONS SIZE SECONDS [deflate] ca=CA.pem
//!
//! For `wss://`, every connection is TLS (rustls with ring, TLS 1.3, no session resumption:
//! one full handshake each, before the run), trusting the certificates of `ca=`.
//!
//! Opens CONNECTIONS WebSocket connections (its own HTTP upgrade; the 101 and the accept key
//! are checked), then on each one sends a masked binary message of SIZE bytes and waits for
//! its echo in full, over and over: exactly one message in flight per connection. After a
//! one-second warm-up, counts the echoes completed in SECONDS and prints
//! `<messages per second> msgs/s`; then closes every connection with a close handshake.
//! Any error (a refused upgrade, an echo of the wrong length or content, a server that closes,
//! a stall) ends it with a message and a non-zero exit status.
//!
//! Built to stay out of the measurement: a single-threaded tokio runtime (leaving the other
//! core to the single-threaded server), frames encoded and masked once per connection and
//! written with one `write_all`, and echoes read into a buffer of the connection's own and
//! checked in place, without copying.
//!
//! With `deflate`, permessage-deflate (RFC 7692): every connection offers
//! `permessage-deflate; client_max_window_bits` and fails unless the server's 101 agrees (and
//! with the same parameters on every connection); the answer goes to stderr as `agreed: ...`,
//! and the average payload of the echoes measured as `echo payload: N bytes`.
//! The messages are JSON-like text of SIZE bytes (benches/shared/json_like.rs), different ones
//! in turn (at least 128 KiB of them, more than a 15-bit window holds, each connection
//! starting at its own), compressed at level 6
//! with the window the server allows and sent with RSV1. Each is compressed on its own,
//! referring to nothing sent before it, which a server inflates alike with or without context
//! takeover: the frames are compressed and masked once, before the run, so that the client
//! spends nothing per message on compression. Echoes are inflated with context takeover (the
//! `00 00 ff ff` of the sync flush put back, the context reset after each message if the
//! server said `server_no_context_takeover`) and compared with the message sent.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

#[path = "../../../shared/json_like.rs"]
mod json_like;
#[path = "../tls_client.rs"]
mod tls_client;

type Result<T> = std::result::Result<T, String>;

const WARM_UP: Duration = Duration::from_secs(1);
/// How long the connections have to finish their last echo and close, after the measurement.
const DRAIN: Duration = Duration::from_secs(10);
/// RFC 6455's example key, and the accept value that it must produce.
const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
/// The compressed messages: at least this many bytes of different ones.
const POOL_BYTES: usize = 128 * 1024;
/// What a sync flush ends with, taken off each compressed message (RFC 7692, 7.2.1).
const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let options = args.get(5..).unwrap_or_default();
    let deflate = options.iter().any(|o| o == "deflate");
    let ca = options.iter().find_map(|o| o.strip_prefix("ca="));
    let known = options
        .iter()
        .all(|o| o == "deflate" || o.starts_with("ca="));
    if args.len() < 5 || !known {
        eprintln!(
            "usage: ws-load ws[s]://HOST:PORT/PATH CONNECTIONS SIZE SECONDS [deflate] [ca=CA.pem]"
        );
        std::process::exit(2);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = runtime.map_err(|e| e.to_string()).and_then(|runtime| {
        runtime.block_on(run(&args[1], &args[2], &args[3], &args[4], deflate, ca))
    });
    match result {
        Ok(rate) => println!("{rate:.0} msgs/s"),
        Err(error) => {
            eprintln!("ws-load: {error}");
            std::process::exit(1);
        }
    }
}

async fn run(
    url: &str,
    connections: &str,
    size: &str,
    seconds: &str,
    deflate: bool,
    ca: Option<&str>,
) -> Result<f64> {
    let (rest, tls) = match (url.strip_prefix("ws://"), url.strip_prefix("wss://")) {
        (Some(rest), _) => (rest, None),
        (_, Some(rest)) => (
            rest,
            Some(tls_client::connector(ca.ok_or("wss:// needs ca=CA.pem")?)?),
        ),
        _ => return Err("the URL must start with ws:// or wss://".into()),
    };
    let (authority, path) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, "/"),
    };
    let connections: usize = connections
        .parse()
        .map_err(|_| "CONNECTIONS: not a number")?;
    let size: usize = size.parse().map_err(|_| "SIZE: not a number")?;
    let seconds: f64 = seconds.parse().map_err(|_| "SECONDS: not a number")?;
    if connections == 0 || seconds <= 0.0 {
        return Err("CONNECTIONS and SECONDS must be positive".into());
    }

    // Every connection is upgraded before any message is sent.
    let mut clients = Vec::with_capacity(connections);
    for index in 0..connections {
        let client = Client::connect(authority, path, index, size, deflate, tls.as_ref())
            .await
            .map_err(|e| format!("connection {index}: {e}"))?;
        clients.push(client);
    }
    if deflate {
        eprintln!(
            "agreed: {}",
            clients[0].extensions.as_deref().unwrap_or("nothing")
        );
        let agreed = Agreed::parse(clients[0].extensions.as_deref())?;
        let pool = Arc::new(Pool::new(size, &agreed)?);
        for (index, client) in clients.iter_mut().enumerate() {
            if Agreed::parse(client.extensions.as_deref())? != agreed {
                return Err(format!(
                    "connection {index}: the server agreed on other parameters"
                ));
            }
            client.deflate = Some(Deflate::new(pool.clone(), index, &agreed));
        }
    }

    let echoes = Arc::new(AtomicU64::new(0));
    // The payload bytes of the compressed echoes, to show what each server's compression
    // puts on the wire.
    let wire = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|mut client| {
            let (echoes, wire, stop) = (echoes.clone(), wire.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    if client.deflate.is_some() {
                        let bytes = client.round_trip_deflate().await?;
                        wire.fetch_add(bytes as u64, Ordering::Relaxed);
                    } else {
                        client.round_trip().await?;
                    }
                    echoes.fetch_add(1, Ordering::Relaxed);
                }
                client.close().await
            })
        })
        .collect();

    tokio::time::sleep(WARM_UP).await;
    let (start, before) = (Instant::now(), echoes.load(Ordering::Relaxed));
    let wire_before = wire.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    let (elapsed, after) = (start.elapsed(), echoes.load(Ordering::Relaxed));
    let wire_after = wire.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);

    let deadline = tokio::time::Instant::now() + DRAIN;
    for (index, task) in tasks.into_iter().enumerate() {
        match tokio::time::timeout_at(deadline, task).await {
            Ok(Ok(result)) => result.map_err(|e| format!("connection {index}: {e}"))?,
            Ok(Err(error)) => return Err(format!("connection {index}: {error}")),
            Err(_) => {
                return Err(format!(
                    "connection {index} still busy {DRAIN:?} after the run (stalled?)"
                ));
            }
        }
    }
    if after == before {
        return Err("no echo completed during the measurement".into());
    }
    if deflate {
        eprintln!(
            "echo payload: {:.0} bytes",
            (wire_after - wire_before) as f64 / (after - before) as f64
        );
    }
    Ok((after - before) as f64 / elapsed.as_secs_f64())
}

/// The connection: plain TCP or TLS.
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl Stream {
    async fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(stream) => stream.read(buffer).await,
            Stream::Tls(stream) => stream.read(buffer).await,
        }
    }

    async fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Stream::Plain(stream) => stream.write_all(bytes).await,
            Stream::Tls(stream) => stream.write_all(bytes).await,
        }
    }
}

struct Client {
    stream: Stream,
    /// The binary frame, masked, sent as is every time.
    frame: Vec<u8>,
    /// The payload that has to come back.
    payload: Vec<u8>,
    mask: [u8; 4],
    /// Bytes read, `buffer[start..end]` not consumed yet.
    buffer: Vec<u8>,
    start: usize,
    end: usize,
    /// The server's Sec-WebSocket-Extensions.
    extensions: Option<String>,
    /// permessage-deflate, when agreed.
    deflate: Option<Deflate>,
}

/// A frame header from the server.
struct Header {
    fin: bool,
    /// RSV1: the message is compressed (only ever set with permessage-deflate).
    compressed: bool,
    opcode: u8,
    len: usize,
}

/// What the server's 101 agreed on, as far as this client is concerned.
#[derive(Debug, PartialEq)]
struct Agreed {
    /// The largest window the client may compress with.
    client_window_bits: u8,
    /// The server compresses each message on its own.
    server_no_context_takeover: bool,
}

impl Agreed {
    /// Parses the server's Sec-WebSocket-Extensions: permessage-deflate, alone, with valid
    /// parameters, or an error.
    fn parse(header: Option<&str>) -> Result<Agreed> {
        let header = header.ok_or(
            "the server did not agree on permessage-deflate (no Sec-WebSocket-Extensions)",
        )?;
        let mut params = header.split(';').map(str::trim);
        if params.next() != Some("permessage-deflate") || header.contains(',') {
            return Err(format!(
                "the server answered {header:?}, not permessage-deflate alone"
            ));
        }
        let mut agreed = Agreed {
            client_window_bits: 15,
            server_no_context_takeover: false,
        };
        for param in params {
            let (name, value) = match param.split_once('=') {
                Some((name, value)) => (name.trim(), Some(value.trim().trim_matches('"'))),
                None => (param, None),
            };
            let bits = || -> Result<u8> {
                value
                    .and_then(|v| v.parse().ok())
                    .filter(|bits| (8..=15).contains(bits))
                    .ok_or_else(|| format!("invalid {name} in {header:?}"))
            };
            match name {
                "server_no_context_takeover" if value.is_none() => {
                    agreed.server_no_context_takeover = true
                }
                // The client compresses each message on its own anyway.
                "client_no_context_takeover" if value.is_none() => {}
                "server_max_window_bits" => {
                    bits()?;
                }
                "client_max_window_bits" => agreed.client_window_bits = bits()?,
                _ => return Err(format!("unexpected parameter {param:?} in {header:?}")),
            }
        }
        if agreed.client_window_bits < 9 {
            return Err(
                "client_max_window_bits=8: zlib cannot compress with a 256-byte window".into(),
            );
        }
        Ok(agreed)
    }
}

/// The compressed messages, shared by every connection.
struct Pool {
    /// The text messages.
    messages: Vec<Vec<u8>>,
    /// Each message compressed on its own, framed with RSV1 and masked.
    frames: Vec<Vec<u8>>,
}

impl Pool {
    fn new(size: usize, agreed: &Agreed) -> Result<Pool> {
        let count = POOL_BYTES.div_ceil(size.max(1)).max(4);
        let messages = json_like::messages(count, size);
        let mut frames = Vec::with_capacity(count);
        for (index, message) in messages.iter().enumerate() {
            let mut compress = Compress::new_with_window_bits(
                Compression::new(6),
                false,
                agreed.client_window_bits,
            );
            let mut out = Vec::with_capacity(message.len() + 64);
            while compress.total_in() < message.len() as u64 || out.len() == out.capacity() {
                out.reserve(1024);
                let input = &message[compress.total_in() as usize..];
                compress
                    .compress_vec(input, &mut out, FlushCompress::Sync)
                    .map_err(|e| format!("deflate: {e}"))?;
            }
            let body = out
                .strip_suffix(&TAIL)
                .ok_or("a sync flush without its empty block")?;
            let mut frame = encode(
                0x1,
                body,
                (0x6d2b_79f5_u32.wrapping_mul(index as u32 + 1)).to_be_bytes(),
            );
            frame[0] |= 0x40;
            frames.push(frame);
        }
        Ok(Pool { messages, frames })
    }
}

/// A connection's permessage-deflate: what it sends next, and its decompressor.
struct Deflate {
    pool: Arc<Pool>,
    next: usize,
    inflate: Decompress,
    reset: bool,
    /// The compressed payload of the echo, then its inflated bytes.
    compressed: Vec<u8>,
    inflated: Vec<u8>,
}

impl Deflate {
    fn new(pool: Arc<Pool>, index: usize, agreed: &Agreed) -> Deflate {
        let size = pool.messages[0].len();
        Deflate {
            next: index % pool.messages.len(),
            pool,
            // A 15-bit window inflates whatever window the server compresses with.
            inflate: Decompress::new_with_window_bits(false, 15),
            reset: agreed.server_no_context_takeover,
            compressed: Vec::with_capacity(size + 64),
            inflated: Vec::with_capacity(size + 64),
        }
    }

    /// Inflates `self.compressed` into `self.inflated`, up to `limit` bytes.
    fn inflate(&mut self, limit: usize) -> Result<()> {
        self.compressed.extend_from_slice(&TAIL);
        self.inflated.clear();
        let start = self.inflate.total_in();
        loop {
            if self.inflated.len() > limit {
                return Err(format!("echo inflates to more than {limit} bytes"));
            }
            // Room for more output: whatever inflate holds back comes out.
            self.inflated.reserve(1024);
            let consumed = (self.inflate.total_in() - start) as usize;
            let before = (self.inflate.total_in(), self.inflate.total_out());
            let status = self
                .inflate
                .decompress_vec(
                    &self.compressed[consumed..],
                    &mut self.inflated,
                    FlushDecompress::Sync,
                )
                .map_err(|e| format!("inflate: {e}"))?;
            if status == Status::StreamEnd {
                return Err("a final deflate block in a message".into());
            }
            let all_in = (self.inflate.total_in() - start) as usize == self.compressed.len();
            if all_in && self.inflated.len() < self.inflated.capacity() {
                break;
            }
            if (self.inflate.total_in(), self.inflate.total_out()) == before {
                return Err("inflate made no progress".into());
            }
        }
        if self.reset {
            self.inflate.reset(false);
        }
        Ok(())
    }
}

impl Client {
    async fn connect(
        authority: &str,
        path: &str,
        index: usize,
        size: usize,
        deflate: bool,
        tls: Option<&TlsConnector>,
    ) -> Result<Client> {
        let tcp = TcpStream::connect(authority)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        let stream = match tls {
            None => Stream::Plain(tcp),
            Some(connector) => {
                let name = tls_client::server_name(authority)?;
                let tls = connector
                    .connect(name, tcp)
                    .await
                    .map_err(|e| format!("TLS: {e}"))?;
                Stream::Tls(Box::new(tls))
            }
        };
        let mask = (0x9e37_79b9_u32.wrapping_mul(index as u32 + 1)).to_be_bytes();
        let payload: Vec<u8> = (0..size).map(|i| (i * 31 + index * 7) as u8).collect();
        let frame = encode(0x2, &payload, mask);
        let mut client = Client {
            stream,
            frame,
            payload,
            mask,
            buffer: vec![0; (size + 14).max(16 * 1024)],
            start: 0,
            end: 0,
            extensions: None,
            deflate: None,
        };
        client.handshake(authority, path, deflate).await?;
        Ok(client)
    }

    async fn handshake(&mut self, authority: &str, path: &str, deflate: bool) -> Result<()> {
        let offer = if deflate {
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
        } else {
            ""
        };
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {authority}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n{offer}\r\n"
        );
        self.write(request.as_bytes()).await?;
        let head_end = loop {
            if let Some(at) = find(&self.buffer[..self.end], b"\r\n\r\n") {
                break at + 4;
            }
            if self.end == self.buffer.len() {
                return Err("response head too long".into());
            }
            self.fill().await?;
        };
        let head = String::from_utf8_lossy(&self.buffer[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap_or_default();
        if status.split_whitespace().nth(1) != Some("101") {
            return Err(format!("upgrade refused: {status}"));
        }
        let fields: Vec<(&str, &str)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim(), value.trim()))
            .collect();
        let field = |wanted: &str| {
            fields
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
                .map(|(_, value)| *value)
        };
        let accept = field("sec-websocket-accept");
        if accept != Some(ACCEPT) {
            return Err(format!("wrong Sec-WebSocket-Accept: {accept:?}"));
        }
        self.extensions = field("sec-websocket-extensions").map(str::to_owned);
        if !deflate && self.extensions.is_some() {
            return Err(format!(
                "extensions that were not offered: {:?}",
                self.extensions
            ));
        }
        // Whatever follows the head is frames.
        self.start = head_end;
        Ok(())
    }

    /// Sends the message and waits for its echo, whole.
    async fn round_trip(&mut self) -> Result<()> {
        let frame = std::mem::take(&mut self.frame);
        let written = self.write(&frame).await;
        self.frame = frame;
        written?;
        let mut received = 0;
        loop {
            let header = self.header().await?;
            match header.opcode {
                0x2 if received == 0 => {}
                0x0 if received > 0 => {}
                0x8..=0xA => {
                    self.control(&header).await?;
                    continue;
                }
                opcode => {
                    return Err(format!(
                        "unexpected frame, opcode {opcode:#x}, after {received} bytes"
                    ));
                }
            }
            if received + header.len > self.payload.len() {
                return Err(format!(
                    "echo too long: over {} bytes, sent {}",
                    received + header.len,
                    self.payload.len()
                ));
            }
            // Large payloads are checked as they arrive, without waiting for all of them.
            let mut left = header.len;
            while left > 0 {
                if self.start == self.end {
                    self.start = 0;
                    self.end = 0;
                    self.fill().await?;
                }
                let n = left.min(self.end - self.start);
                if self.buffer[self.start..self.start + n] != self.payload[received..received + n] {
                    return Err("echo differs from the message sent".into());
                }
                self.consume(n);
                received += n;
                left -= n;
            }
            if header.fin {
                if received != self.payload.len() {
                    return Err(format!(
                        "echo of {received} bytes, sent {}",
                        self.payload.len()
                    ));
                }
                return Ok(());
            }
        }
    }

    /// Answers a ping, skips a pong; a close is an error.
    async fn control(&mut self, header: &Header) -> Result<()> {
        match header.opcode {
            0x9 => {
                let ping = self.payload(header.len).await?.to_vec();
                self.consume(header.len);
                let pong = encode(0xA, &ping, self.mask);
                self.write(&pong).await
            }
            0xA => {
                self.payload(header.len).await?;
                self.consume(header.len);
                Ok(())
            }
            _ => Err(self.close_reason(header.len).await),
        }
    }

    /// Sends the next compressed message and waits for its echo, whole, which it inflates
    /// and compares with the message; the echo's payload bytes as they came.
    async fn round_trip_deflate(&mut self) -> Result<usize> {
        let mut deflate = self
            .deflate
            .take()
            .ok_or("permessage-deflate was not agreed")?;
        let index = deflate.next;
        deflate.next = (index + 1) % deflate.pool.frames.len();
        self.write(&deflate.pool.frames[index]).await?;
        let size = deflate.pool.messages[index].len();
        deflate.compressed.clear();
        let mut compressed = None;
        loop {
            let header = self.header().await?;
            match header.opcode {
                0x1 if compressed.is_none() => compressed = Some(header.compressed),
                0x0 if compressed.is_some() && !header.compressed => {}
                0x8..=0xA if !header.compressed => {
                    self.control(&header).await?;
                    continue;
                }
                opcode => {
                    return Err(format!(
                        "unexpected frame, opcode {opcode:#x}, RSV1 {}",
                        header.compressed
                    ));
                }
            }
            // Deflate adds at most a few bytes to these messages.
            if deflate.compressed.len() + header.len > size + 1024 {
                return Err(format!(
                    "echo too long: over {} bytes, sent {size}",
                    deflate.compressed.len() + header.len
                ));
            }
            let mut left = header.len;
            while left > 0 {
                if self.start == self.end {
                    self.start = 0;
                    self.end = 0;
                    self.fill().await?;
                }
                let n = left.min(self.end - self.start);
                deflate
                    .compressed
                    .extend_from_slice(&self.buffer[self.start..self.start + n]);
                self.consume(n);
                left -= n;
            }
            if header.fin {
                break;
            }
        }
        let echo = if compressed == Some(true) {
            deflate.inflate(size)?;
            &deflate.inflated
        } else {
            &deflate.compressed
        };
        if echo[..] != deflate.pool.messages[index][..] {
            return Err(format!(
                "echo of {} bytes differs from the message of {size} sent",
                echo.len()
            ));
        }
        let bytes = deflate.compressed.len();
        self.deflate = Some(deflate);
        Ok(bytes)
    }

    /// The close handshake: code 1000, then the server's close frame.
    async fn close(mut self) -> Result<()> {
        let close = encode(0x8, &1000u16.to_be_bytes(), self.mask);
        self.write(&close).await?;
        loop {
            let header = self.header().await.map_err(|e| format!("closing: {e}"))?;
            self.payload(header.len).await?;
            self.consume(header.len);
            if header.opcode == 0x8 {
                return Ok(());
            }
        }
    }

    async fn close_reason(&mut self, len: usize) -> String {
        match self.payload(len).await {
            Ok(payload) if payload.len() >= 2 => format!(
                "the server closed: {} {}",
                u16::from_be_bytes([payload[0], payload[1]]),
                String::from_utf8_lossy(&payload[2..])
            ),
            _ => "the server closed".into(),
        }
    }

    /// Parses the next frame header and consumes it.
    async fn header(&mut self) -> Result<Header> {
        self.want(2).await?;
        let b = &self.buffer[self.start..];
        let (fin, opcode, masked, len7) =
            (b[0] & 0x80 != 0, b[0] & 0x0f, b[1] & 0x80 != 0, b[1] & 0x7f);
        let compressed = b[0] & 0x40 != 0;
        // Extensions are there only when permessage-deflate was offered (and then checked).
        if self.extensions.is_none() && b[0] & 0x70 != 0 {
            return Err("reserved bits set (compression was not negotiated)".into());
        }
        if b[0] & 0x30 != 0 {
            return Err("RSV2 or RSV3 set".into());
        }
        if masked {
            return Err("masked frame from the server".into());
        }
        let (header_len, len) = match len7 {
            126 => {
                self.want(4).await?;
                let b = &self.buffer[self.start..];
                (4, u16::from_be_bytes([b[2], b[3]]) as u64)
            }
            127 => {
                self.want(10).await?;
                let b = &self.buffer[self.start..];
                (10, u64::from_be_bytes(b[2..10].try_into().unwrap()))
            }
            len => (2, len as u64),
        };
        let len = usize::try_from(len).map_err(|_| "frame length out of range")?;
        if opcode >= 0x8 && (len > 125 || !fin) {
            return Err("malformed control frame".into());
        }
        self.consume(header_len);
        Ok(Header {
            fin,
            compressed,
            opcode,
            len,
        })
    }

    /// A control frame's payload (at most 125 bytes), not consumed.
    async fn payload(&mut self, len: usize) -> Result<&[u8]> {
        self.want(len).await?;
        Ok(&self.buffer[self.start..self.start + len])
    }

    /// Waits until `n` bytes (no more than fit in the buffer) are there to parse.
    async fn want(&mut self, n: usize) -> Result<()> {
        while self.end - self.start < n {
            if self.start + n > self.buffer.len() {
                self.buffer.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            self.fill().await?;
        }
        Ok(())
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    async fn fill(&mut self) -> Result<()> {
        match self.stream.read(&mut self.buffer[self.end..]).await {
            Ok(0) => Err("the server closed the connection".into()),
            Ok(n) => {
                self.end += n;
                Ok(())
            }
            Err(error) => Err(format!("read: {error}")),
        }
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.stream
            .write_all(bytes)
            .await
            .map_err(|e| format!("write: {e}"))
    }
}

/// A whole client frame (FIN set), masked with `mask`.
fn encode(opcode: u8, payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
    let mut frame = Vec::with_capacity(payload.len() + 14);
    frame.push(0x80 | opcode);
    match payload.len() {
        len @ 0..=125 => frame.push(0x80 | len as u8),
        len @ 126..=0xffff => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(len as u16).to_be_bytes());
        }
        len => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(len as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(&mask);
    frame.extend(
        payload
            .iter()
            .enumerate()
            .map(|(i, byte)| byte ^ mask[i % 4]),
    );
    frame
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
