//! WebSockets over loopback: wasio against wasio, and against a raw peer that writes and
//! reads every byte itself (bad frames, silent peers, handshakes gone wrong).

mod close;
mod deflate;
mod errors;
mod handshake;
mod messages;

use std::net::SocketAddr;

use wasio::io::{AsyncReadExt, AsyncWriteExt};
use wasio::net::{TcpListener, TcpStream};
use wasio::runtime::JoinHandle;
use wasio::ws::frame::{Header, apply_mask};
use wasio::ws::{self, Config, WebSocket};

/// A listener on a free loopback port whose next connection is accepted with `config`.
pub async fn server(config: Config) -> (SocketAddr, JoinHandle<Result<WebSocket, ws::Error>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    let accepted = wasio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        ws::accept_with(stream, config).await
    });
    (addr, accepted)
}

/// A server and a client connected to each other.
pub async fn pair(server_config: Config, client_config: Config) -> (WebSocket, WebSocket) {
    let (addr, accepted) = server(server_config).await;
    let client = ws::connect_with(&format!("ws://{addr}/"), client_config)
        .await
        .unwrap();
    (accepted.await.unwrap().unwrap(), client)
}

/// A wasio server and a raw client that has done the opening handshake by hand.
pub async fn raw_client(config: Config) -> (WebSocket, TcpStream) {
    let (addr, accepted) = server(config).await;
    let mut raw = TcpStream::connect(addr).await.unwrap();
    raw.write_all(
        b"GET / HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: upgrade\r\n\
          sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n",
    )
    .await
    .unwrap();
    let reply = crate::http::server::read_reply(&mut raw, true)
        .await
        .unwrap();
    assert_eq!(reply.status, 101);
    assert_eq!(
        reply.header("sec-websocket-accept"),
        Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    );
    (accepted.await.unwrap().unwrap(), raw)
}

/// One frame as a peer writes it: masked with `mask` when given.
pub fn frame(fin: bool, opcode: u8, payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    let mut out = Vec::new();
    Header {
        fin,
        rsv: 0,
        opcode,
        mask,
        len: payload.len() as u64,
    }
    .write(&mut out);
    let start = out.len();
    out.extend_from_slice(payload);
    if let Some(mask) = mask {
        apply_mask(&mut out[start..], mask, 0);
    }
    out
}

/// A client's frame: masked.
pub fn client_frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    frame(fin, opcode, payload, Some([0x37, 0xfa, 0x21, 0x3d]))
}

/// Reads one unmasked frame a server sent: (fin, opcode, payload).
pub async fn read_frame(stream: &mut TcpStream) -> std::io::Result<(bool, u8, Vec<u8>)> {
    let mut head = vec![0; 2];
    stream.read_exact(&mut head).await?;
    let extra = match head[1] & 0x7f {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    let mut more = vec![0; extra];
    stream.read_exact(&mut more).await?;
    head.extend_from_slice(&more);
    let (header, _) = Header::parse(&head).unwrap().unwrap();
    assert!(header.mask.is_none(), "a server's frames are unmasked");
    let mut payload = vec![0; header.len as usize];
    stream.read_exact(&mut payload).await?;
    Ok((header.fin, header.opcode, payload))
}

/// An HTTP head read line by line, up to its empty line.
pub async fn read_head(stream: &mut TcpStream) -> String {
    use wasio::io::AsyncBufReadExt;
    let mut head = String::new();
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await.unwrap();
        if line == "\r\n" || line.is_empty() {
            return head;
        }
        head.push_str(&line);
    }
}

/// The close code in a close frame's payload.
pub fn close_code(payload: &[u8]) -> u16 {
    u16::from_be_bytes([payload[0], payload[1]])
}
