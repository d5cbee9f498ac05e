//! permessage-deflate over loopback: negotiated between wasio's ends (own sockets and an
//! `App` route), the server's answer to raw offers, compressed frames on the wire, and a
//! deflate bomb.

use wasio::io::{AsyncReadExt, AsyncWriteExt};
use wasio::net::TcpStream;
use wasio::ws::deflate::{Compressor, Direction};
use wasio::ws::{self, CloseCode, Config, Error, Message, PerMessageDeflate};

use super::{client_frame, close_code, pair, server};
use crate::http::server::{read_reply, start};

const REQUEST: &str = "GET / HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: upgrade\r\n\
    sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n";

/// A raw client that offered `extensions` to a wasio server with `config`: the server's
/// `Sec-WebSocket-Extensions` answer, the server's socket and the raw stream.
async fn offering(extensions: &str, config: Config) -> (Option<String>, ws::WebSocket, TcpStream) {
    let (addr, accepted) = server(config).await;
    let mut raw = TcpStream::connect(addr).await.unwrap();
    let request = format!("{REQUEST}sec-websocket-extensions: {extensions}\r\n\r\n");
    raw.write_all(request.as_bytes()).await.unwrap();
    let reply = read_reply(&mut raw, true).await.unwrap();
    assert_eq!(reply.status, 101);
    let answer = reply.header("sec-websocket-extensions").map(str::to_string);
    (answer, accepted.await.unwrap().unwrap(), raw)
}

/// Reads one frame a server sent: (first byte, payload).
async fn read_raw_frame(stream: &mut TcpStream) -> (u8, Vec<u8>) {
    let mut head = [0; 2];
    stream.read_exact(&mut head).await.unwrap();
    let len = match head[1] & 0x7f {
        126 => {
            let mut more = [0; 2];
            stream.read_exact(&mut more).await.unwrap();
            u16::from_be_bytes(more) as usize
        }
        127 => {
            let mut more = [0; 8];
            stream.read_exact(&mut more).await.unwrap();
            u64::from_be_bytes(more) as usize
        }
        short => short as usize,
    };
    let mut payload = vec![0; len];
    stream.read_exact(&mut payload).await.unwrap();
    (head[0], payload)
}

fn json(n: usize) -> String {
    (0..n)
        .map(|i| format!("{{\"id\":{i},\"name\":\"user {}\",\"ok\":true}}", i % 13))
        .collect()
}

#[wasio::test]
async fn wasio_ends_agree_by_default_and_messages_round_trip() {
    let (mut server, client) = pair(Config::new(), Config::new()).await;
    // Each end compresses with its 12-bit window (the default), which the client offers and
    // the server answers.
    let twelve = Direction {
        window_bits: 12,
        no_context_takeover: false,
    };
    for end in [&server, &client] {
        let agreed = end.compression().expect("negotiated");
        assert_eq!((agreed.server, agreed.client), (twelve, twelve));
    }
    let big = json(20_000);
    let messages = [
        Message::text(big.clone()),
        Message::text("small"),
        Message::binary(vec![0u8; 100_000]),
        Message::text(big),
        Message::text(""),
    ];
    for message in &messages {
        client.send(message.clone()).await.unwrap();
        let got = server.recv().await.unwrap().unwrap();
        assert!(got == *message);
        server.send(got).await.unwrap();
    }
    let mut client = client;
    for message in &messages {
        assert!(client.recv().await.unwrap().unwrap() == *message);
    }
}

#[wasio::test]
async fn the_clients_limits_are_agreed_on_both_ends() {
    let settings = PerMessageDeflate::new()
        .window_bits(10)
        .peer_window_bits(9)
        .no_context_takeover(true)
        .peer_no_context_takeover(true);
    let (mut server, client) = pair(Config::new(), Config::new().compression(Some(settings))).await;
    let server_side = server.compression().unwrap();
    let client_side = client.compression().unwrap();
    let server_direction = Direction {
        window_bits: 9,
        no_context_takeover: true,
    };
    assert_eq!(server_side.server, server_direction);
    assert_eq!(client_side.server, server_direction);
    // The client keeps to the no context takeover it offered; the server, not having asked
    // for it, keeps its window (a hint is not relied on).
    assert_eq!(
        client_side.client,
        Direction {
            window_bits: 10,
            no_context_takeover: true
        }
    );
    assert_eq!(server_side.client.window_bits, 10);
    assert!(!server_side.client.no_context_takeover);
    for _ in 0..3 {
        client.send_text(json(3000)).await.unwrap();
        let got = server.recv().await.unwrap().unwrap();
        assert_eq!(got.as_text(), Some(json(3000).as_str()));
    }
}

#[wasio::test]
async fn compression_off_on_either_end_means_none() {
    for (server_config, client_config) in [
        (Config::new().compression(None), Config::new()),
        (Config::new(), Config::new().compression(None)),
    ] {
        let (mut server, client) = pair(server_config, client_config).await;
        assert_eq!(server.compression(), None);
        assert_eq!(client.compression(), None);
        client.send_text("plain").await.unwrap();
        assert_eq!(
            server.recv().await.unwrap().unwrap().as_text(),
            Some("plain")
        );
    }
}

#[wasio::test]
async fn the_server_answers_the_first_offer_it_can_honour_and_compresses() {
    let (answer, server, mut raw) = offering(
        "permessage-deflate; server_max_window_bits=8, permessage-deflate; bad, \
         permessage-deflate; server_no_context_takeover; client_max_window_bits",
        Config::new(),
    )
    .await;
    assert_eq!(
        answer.as_deref(),
        Some("permessage-deflate; server_no_context_takeover; server_max_window_bits=12")
    );
    server.send_text("Hello").await.unwrap();
    server.send_text("Hello").await.unwrap();
    server.ping(&b"p"[..]).await.unwrap();
    // RFC 7692, section 7.2.3.1: RSV1 set, and (no context takeover) the same bytes twice.
    let hello = (0xc1, vec![0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);
    assert_eq!(read_raw_frame(&mut raw).await, hello);
    assert_eq!(read_raw_frame(&mut raw).await, hello);
    assert_eq!(read_raw_frame(&mut raw).await, (0x89, b"p".to_vec()));

    let (answer, _, _) = offering(
        "permessage-deflate; server_max_window_bits=8",
        Config::new(),
    )
    .await;
    assert_eq!(answer, None, "window 8 is declined");
    let (answer, _, _) = offering("x-webkit-deflate-frame", Config::new()).await;
    assert_eq!(answer, None);
    let (answer, _, _) = offering("permessage-deflate", Config::new().compression(None)).await;
    assert_eq!(answer, None);
}

#[wasio::test]
async fn a_deflate_bomb_is_closed_with_1009() {
    let config = Config::new().max_message_size(1 << 20);
    let (_, mut server, mut raw) = offering("permessage-deflate", config).await;
    let mut bomb = Vec::new();
    Compressor::new(9, 15, false).compress(&vec![b'x'; 50 << 20], &mut bomb);
    let mut wire = client_frame(true, 1, &bomb);
    wire[0] |= 0x40;
    // The server may close before all of it is written.
    let _ = raw.write_all(&wire).await;
    let error = server.recv().await.unwrap().unwrap_err();
    assert!(
        matches!(&error, Error::Protocol(e) if e.code == CloseCode::TOO_BIG),
        "{error:?}"
    );
    let (first, payload) = read_raw_frame(&mut raw).await;
    assert_eq!((first, close_code(&payload)), (0x88, 1009));
}

#[wasio::test]
async fn an_app_route_negotiates_it_too() {
    let addr = start(super::handshake::app()).await;
    let config = Config::new().protocols(["chat"]);
    let mut client = ws::connect_with(&format!("ws://{addr}/ws/lobby"), config)
        .await
        .unwrap();
    assert!(client.compression().is_some());
    client.send_text(json(1000)).await.unwrap();
    let answer = client.recv().await.unwrap().unwrap();
    assert_eq!(
        answer.as_text(),
        Some(format!("lobby: {}", json(1000)).as_str())
    );
}
