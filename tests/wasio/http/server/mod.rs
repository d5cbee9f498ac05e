//! The HTTP server: applications called directly ([`Service::call`]), and wasio's own
//! HTTP/1.1 server driven over loopback by a raw client that sees every byte.

mod app;
mod bodies;
mod compression;
mod connections;
mod cookies;
mod cors;
mod first_service;
mod lifecycle;
mod limits;
mod middleware;
mod multipart;
mod static_files;
mod url_for;

use std::io;
use std::net::SocketAddr;

use std::rc::Rc;
use wasio::http::server::{App, Server, ServerConfig};
use wasio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use wasio::net::TcpStream;
use wasio::runtime::JoinHandle;
use wasio::sync::Event;

/// A server for `app` on a free loopback port, running until the test ends.
pub async fn start(app: App) -> SocketAddr {
    start_with(app, ServerConfig::default()).await.addr
}

/// A server that can be shut down.
pub struct Running {
    pub addr: SocketAddr,
    stop: Rc<Event>,
    pub task: JoinHandle<Result<(), wasio::http::server::ServeError>>,
}

impl Running {
    /// Starts the graceful shutdown.
    pub fn stop(&self) {
        self.stop.set();
    }
}

/// A server for `app` with `config`, on a free loopback port.
pub async fn start_with(app: App, config: ServerConfig) -> Running {
    let server = Server::bind("127.0.0.1:0", app)
        .await
        .unwrap()
        .with_config(config);
    let addr = server.local_addr();
    let stop = Rc::new(Event::new());
    let signal = stop.clone();
    let task =
        wasio::spawn(async move { server.run_until(async move { signal.wait().await }).await });
    Running { addr, stop, task }
}

/// A response as it came over the wire.
#[derive(Debug, Default)]
pub struct Reply {
    pub status: u16,
    /// The reason phrase after the code.
    pub reason: String,
    /// Header names lower-cased, in the order sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether the body came chunked.
    pub chunked: bool,
    pub trailers: Vec<(String, String)>,
}

impl Reply {
    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }
}

/// Opens a connection to `addr`.
pub async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.unwrap()
}

/// Writes `request` (raw bytes) on a new connection and reads one reply.
pub async fn exchange(addr: SocketAddr, request: &[u8]) -> Reply {
    let mut stream = connect(addr).await;
    stream.write_all(request).await.unwrap();
    read_reply(&mut stream, false).await.unwrap()
}

/// Writes a `HEAD` request on a new connection and reads its bodiless reply.
pub async fn exchange_head(addr: SocketAddr, request: &[u8]) -> Reply {
    let mut stream = connect(addr).await;
    stream.write_all(request).await.unwrap();
    read_reply(&mut stream, true).await.unwrap()
}

/// Reads one response; `head_request` says it answers a HEAD, so it has no body.
pub async fn read_reply<R: AsyncBufRead + Unpin>(
    stream: &mut R,
    head_request: bool,
) -> io::Result<Reply> {
    let status_line = read_line(stream).await?;
    let mut parts = status_line.splitn(3, ' ');
    let (Some("HTTP/1.1"), Some(code), reason) = (parts.next(), parts.next(), parts.next()) else {
        return Err(io::Error::other(format!("bad status line {status_line:?}")));
    };
    let mut reply = Reply {
        status: code.parse().map_err(io::Error::other)?,
        reason: reason.unwrap_or_default().to_string(),
        ..Reply::default()
    };
    reply.headers = read_fields(stream).await?;
    let no_body = head_request || reply.status < 200 || reply.status == 204 || reply.status == 304;
    if no_body {
        return Ok(reply);
    }
    if reply.header("transfer-encoding") == Some("chunked") {
        reply.chunked = true;
        loop {
            let size_line = read_line(stream).await?;
            let size = usize::from_str_radix(size_line.split(';').next().unwrap(), 16)
                .map_err(io::Error::other)?;
            if size == 0 {
                break;
            }
            let start = reply.body.len();
            reply.body.resize(start + size, 0);
            stream.read_exact(&mut reply.body[start..]).await?;
            if !read_line(stream).await?.is_empty() {
                return Err(io::Error::other("a chunk does not end with CRLF"));
            }
        }
        reply.trailers = read_fields(stream).await?;
    } else if let Some(length) = reply.header("content-length") {
        reply.body = vec![0; length.parse().map_err(io::Error::other)?];
        stream.read_exact(&mut reply.body).await?;
    } else {
        stream.read_to_end(&mut reply.body).await?;
    }
    Ok(reply)
}

async fn read_fields<R: AsyncBufRead + Unpin>(stream: &mut R) -> io::Result<Vec<(String, String)>> {
    let mut fields = Vec::new();
    loop {
        let line = read_line(stream).await?;
        if line.is_empty() {
            return Ok(fields);
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| io::Error::other(format!("bad header line {line:?}")))?;
        fields.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
}

/// One line without its CRLF; an error at the end of the stream.
async fn read_line<R: AsyncBufRead + Unpin>(stream: &mut R) -> io::Result<String> {
    let mut line = String::new();
    if stream.read_line(&mut line).await? == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    line.strip_suffix("\r\n")
        .map(str::to_string)
        .ok_or_else(|| io::Error::other(format!("a line does not end with CRLF: {line:?}")))
}

/// Whether the server closed the connection: a read finds the end of the stream.
pub async fn is_closed(stream: &mut TcpStream) -> bool {
    let mut byte = [0];
    matches!(stream.read(&mut byte).await, Ok(0) | Err(_))
}
