//! Streams: data both ways, halves, close_notify, many connections, large transfers.

use std::time::Duration;

use wasio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use wasio::net::{TcpListener, TcpStream};
use wasio::time::timeout;
use wasio::tls::{self, TlsStream};

use super::{SOON, client, pair, server};

#[wasio::test]
async fn data_goes_both_ways_and_close_notify_ends_it_cleanly() {
    let (mut client, mut server) = pair(client(), server()).await;
    client.write_all(b"ping").await.unwrap();
    client.close().await.unwrap();
    let mut got = Vec::new();
    // The client's close_notify ends the server's reads: Ok(0), not an error.
    server.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"ping");
    // The half-closed connection still carries the answer.
    server.write_all(b"pong").await.unwrap();
    server.close().await.unwrap();
    let mut answer = String::new();
    client.read_to_string(&mut answer).await.unwrap();
    assert_eq!(answer, "pong");
}

#[wasio::test]
async fn alpn_and_the_server_name_are_agreed() {
    let client = client().alpn(["h2", "http/1.1"]).unwrap();
    let server = server().alpn(["http/1.1"]).unwrap();
    let (client, server) = pair(client, server).await;
    assert_eq!(client.alpn_protocol().as_deref(), Some(&b"http/1.1"[..]));
    assert_eq!(server.alpn_protocol().as_deref(), Some(&b"http/1.1"[..]));
    assert_eq!(server.server_name().as_deref(), Some("localhost"));
    assert_eq!(client.peer_addr(), server.local_addr());
    assert_eq!(server.peer_addr(), client.local_addr());
}

#[wasio::test]
async fn halves_work_from_two_tasks_and_reunite() {
    let (client, server) = pair(client(), server()).await;
    let (mut reader, mut writer) = server.into_split();
    let echo = wasio::spawn(async move {
        let copied = wasio::io::copy(&mut reader, &mut writer).await;
        writer.close().await.unwrap();
        (copied.unwrap(), TlsStream::reunite(reader, writer).is_ok())
    });
    let (mut reader, mut writer) = client.into_split();
    let sending = wasio::spawn(async move {
        // 16 MiB one way while the echo comes back the other.
        let chunk: Vec<u8> = (0..64 * 1024u32).map(|i| (i % 251) as u8).collect();
        for _ in 0..256 {
            writer.write_all(&chunk).await.unwrap();
        }
        writer.close().await.unwrap();
        writer
    });
    let mut total = 0usize;
    let mut sum = 0u64;
    let mut buf = vec![0; 100_000];
    loop {
        let n = reader.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        sum += buf[..n].iter().map(|&b| u64::from(b)).sum::<u64>();
        total += n;
    }
    assert_eq!(total, 16 << 20);
    let per_chunk: u64 = (0..64 * 1024u32).map(|i| u64::from(i % 251)).sum();
    assert_eq!(sum, per_chunk * 256);
    assert_eq!(echo.await.unwrap(), (16 << 20, true));
    let writer = sending.await.unwrap();
    assert!(TlsStream::reunite(reader, writer).is_ok());
}

#[wasio::test]
async fn halves_of_two_connections_do_not_reunite() {
    let (a, _a) = pair(client(), server()).await;
    let (b, _b) = pair(client(), server()).await;
    let (reader, _) = a.into_split();
    let (_, writer) = b.into_split();
    let error = TlsStream::reunite(reader, writer).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the halves belong to different TLS connections"
    );
    let (reader, writer) = error.into_halves();
    assert_ne!(reader.peer_addr(), writer.peer_addr());
}

#[wasio::test]
async fn lines_read_through_the_buffered_reader() {
    let (mut client, mut server) = pair(client(), server()).await;
    client.write_all(b"one\ntwo\nthree").await.unwrap();
    client.close().await.unwrap();
    let mut lines = Vec::new();
    let mut line = String::new();
    while server.read_line(&mut line).await.unwrap() > 0 {
        lines.push(std::mem::take(&mut line));
    }
    assert_eq!(lines, ["one\n", "two\n", "three"]);
}

#[wasio::test]
async fn two_hundred_concurrent_connections_get_their_bytes_back() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    // Two hundred handshakes at once share one core: no deadline for them here.
    let patient = Duration::from_secs(120);
    let config = server().handshake_timeout(patient);
    drop(wasio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let config = config.clone();
            drop(wasio::spawn(async move {
                let tls = config.accept(tcp).await.unwrap();
                let (mut reader, mut writer) = tls.into_split();
                wasio::io::copy(&mut reader, &mut writer).await.unwrap();
                writer.close().await.unwrap();
            }));
        }
    }));
    let config = client().handshake_timeout(patient);
    let clients: Vec<_> = (0..200u32)
        .map(|i| {
            let config = config.clone();
            wasio::spawn(async move {
                let tcp = TcpStream::connect(addr).await?;
                let mut tls = config.connect("localhost", tcp).await?;
                let message = format!("client {i} says hello").repeat(1 + i as usize % 50);
                tls.write_all(message.as_bytes()).await?;
                tls.close().await?;
                let mut echoed = String::new();
                tls.read_to_string(&mut echoed).await?;
                assert_eq!(echoed, message);
                Ok::<_, Box<dyn std::error::Error>>(())
            })
        })
        .collect();
    timeout(Duration::from_secs(120), async {
        for client in clients {
            client.await.unwrap().unwrap();
        }
    })
    .await
    .expect("every client finished within two minutes");
}

#[wasio::test]
async fn a_dropped_stream_sends_close_notify() {
    let (mut client, server) = pair(client(), server()).await;
    let (reader, mut writer) = server.into_split();
    writer.write_all(b"bye").await.unwrap();
    drop(writer);
    let mut got = Vec::new();
    timeout(SOON, client.read_to_end(&mut got))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got, b"bye");
    drop(reader);
}

#[wasio::test]
async fn writing_after_close_fails() {
    let (mut client, _server) = pair(client(), server()).await;
    client.close().await.unwrap();
    let error = client.write_all(b"late").await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe);
    assert!(matches!(tls::error(&error), Some(tls::Error::Closed)));
}
