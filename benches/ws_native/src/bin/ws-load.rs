//! The load client of the WebSocket echo benchmark.
//!
//!     ws-load ws://127.0.0.1:PORT/ CONNECTIONS SIZE SECONDS
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

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

type Result<T> = std::result::Result<T, String>;

const WARM_UP: Duration = Duration::from_secs(1);
/// How long the connections have to finish their last echo and close, after the measurement.
const DRAIN: Duration = Duration::from_secs(10);
/// RFC 6455's example key, and the accept value that it must produce.
const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: ws-load ws://HOST:PORT/PATH CONNECTIONS SIZE SECONDS");
        std::process::exit(2);
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let result = runtime
        .map_err(|e| e.to_string())
        .and_then(|runtime| runtime.block_on(run(&args[1], &args[2], &args[3], &args[4])));
    match result {
        Ok(rate) => println!("{rate:.0} msgs/s"),
        Err(error) => {
            eprintln!("ws-load: {error}");
            std::process::exit(1);
        }
    }
}

async fn run(url: &str, connections: &str, size: &str, seconds: &str) -> Result<f64> {
    let rest = url.strip_prefix("ws://").ok_or("the URL must start with ws://")?;
    let (authority, path) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, "/"),
    };
    let connections: usize = connections.parse().map_err(|_| "CONNECTIONS: not a number")?;
    let size: usize = size.parse().map_err(|_| "SIZE: not a number")?;
    let seconds: f64 = seconds.parse().map_err(|_| "SECONDS: not a number")?;
    if connections == 0 || seconds <= 0.0 {
        return Err("CONNECTIONS and SECONDS must be positive".into());
    }

    // Every connection is upgraded before any message is sent.
    let mut clients = Vec::with_capacity(connections);
    for index in 0..connections {
        let client = Client::connect(authority, path, index, size)
            .await
            .map_err(|e| format!("connection {index}: {e}"))?;
        clients.push(client);
    }

    let echoes = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|mut client| {
            let (echoes, stop) = (echoes.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    client.round_trip().await?;
                    echoes.fetch_add(1, Ordering::Relaxed);
                }
                client.close().await
            })
        })
        .collect();

    tokio::time::sleep(WARM_UP).await;
    let (start, before) = (Instant::now(), echoes.load(Ordering::Relaxed));
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    let (elapsed, after) = (start.elapsed(), echoes.load(Ordering::Relaxed));
    stop.store(true, Ordering::Relaxed);

    let deadline = tokio::time::Instant::now() + DRAIN;
    for (index, task) in tasks.into_iter().enumerate() {
        match tokio::time::timeout_at(deadline, task).await {
            Ok(Ok(result)) => result.map_err(|e| format!("connection {index}: {e}"))?,
            Ok(Err(error)) => return Err(format!("connection {index}: {error}")),
            Err(_) => return Err(format!("connection {index} still busy {DRAIN:?} after the run (stalled?)")),
        }
    }
    if after == before {
        return Err("no echo completed during the measurement".into());
    }
    Ok((after - before) as f64 / elapsed.as_secs_f64())
}

struct Client {
    stream: TcpStream,
    /// The binary frame, masked, sent as is every time.
    frame: Vec<u8>,
    /// The payload that has to come back.
    payload: Vec<u8>,
    mask: [u8; 4],
    /// Bytes read, `buffer[start..end]` not consumed yet.
    buffer: Vec<u8>,
    start: usize,
    end: usize,
}

/// A frame header from the server.
struct Header {
    fin: bool,
    opcode: u8,
    len: usize,
}

impl Client {
    async fn connect(authority: &str, path: &str, index: usize, size: usize) -> Result<Client> {
        let stream = TcpStream::connect(authority).await.map_err(|e| format!("connect: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
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
        };
        client.handshake(authority, path).await?;
        Ok(client)
    }

    async fn handshake(&mut self, authority: &str, path: &str) -> Result<()> {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {authority}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n"
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
        let accept = lines.filter_map(|line| line.split_once(':')).find_map(|(name, value)| {
            name.trim().eq_ignore_ascii_case("sec-websocket-accept").then(|| value.trim())
        });
        if accept != Some(ACCEPT) {
            return Err(format!("wrong Sec-WebSocket-Accept: {accept:?}"));
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
                0x9 => {
                    let ping = self.payload(header.len).await?.to_vec();
                    self.consume(header.len);
                    let pong = encode(0xA, &ping, self.mask);
                    self.write(&pong).await?;
                    continue;
                }
                0xA => {
                    self.payload(header.len).await?;
                    self.consume(header.len);
                    continue;
                }
                0x8 => return Err(self.close_reason(header.len).await),
                opcode => return Err(format!("unexpected frame, opcode {opcode:#x}, after {received} bytes")),
            }
            if received + header.len > self.payload.len() {
                return Err(format!("echo too long: over {} bytes, sent {}", received + header.len, self.payload.len()));
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
                    return Err(format!("echo of {received} bytes, sent {}", self.payload.len()));
                }
                return Ok(());
            }
        }
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
        let (fin, opcode, masked, len7) = (b[0] & 0x80 != 0, b[0] & 0x0f, b[1] & 0x80 != 0, b[1] & 0x7f);
        if b[0] & 0x70 != 0 {
            return Err("reserved bits set (compression was not negotiated)".into());
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
        Ok(Header { fin, opcode, len })
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
        self.stream.write_all(bytes).await.map_err(|e| format!("write: {e}"))
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
    frame.extend(payload.iter().enumerate().map(|(i, byte)| byte ^ mask[i % 4]));
    frame
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}
