//! The closing handshake from either end, its timeout, and connections that just end.

use std::time::Duration;

use wasio::io::AsyncWriteExt;
use wasio::time::Instant;
use wasio::ws::{CloseCode, CloseFrame, Config, Error, Message};

use super::{client_frame, close_code, pair, raw_client, read_frame};

#[wasio::test]
async fn a_client_closes_and_gets_the_code_echoed() {
    let (mut server, mut client) = pair(Config::new(), Config::new()).await;
    let server_side = wasio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(message) = server.recv().await {
            seen.push(message.unwrap());
        }
        seen
    });
    let answer = client.close(CloseCode(4000), "see you").await.unwrap();
    assert_eq!(answer.map(|f| f.code), Some(CloseCode(4000)));
    assert_eq!(
        server_side.await.unwrap(),
        [Message::Close(Some(CloseFrame::new(
            CloseCode(4000),
            "see you"
        )))]
    );
    assert!(client.recv().await.is_none());
    assert!(matches!(client.send_text("late").await, Err(Error::Closed)));
}

#[wasio::test]
async fn a_server_closes_and_ends_the_tcp_connection() {
    let (mut server, mut raw) = raw_client(Config::new()).await;
    let closing = wasio::spawn(async move { server.close(CloseCode::GOING_AWAY, "bye").await });
    let (fin, opcode, payload) = read_frame(&mut raw).await.unwrap();
    assert_eq!((fin, opcode, close_code(&payload)), (true, 8, 1001));
    assert_eq!(&payload[2..], b"bye");
    raw.write_all(&client_frame(true, 8, &payload[..2]))
        .await
        .unwrap();
    let answer = closing.await.unwrap().unwrap();
    assert_eq!(answer, Some(CloseFrame::new(CloseCode::GOING_AWAY, "")));
    assert!(
        crate::http::server::is_closed(&mut raw).await,
        "the server ends TCP"
    );
}

#[wasio::test]
async fn the_peer_closing_first_is_answered_and_ends_the_stream() {
    let (mut server, mut raw) = raw_client(Config::new()).await;
    raw.write_all(&client_frame(true, 8, &[0x03, 0xe8, b'o', b'k']))
        .await
        .unwrap();
    assert_eq!(
        server.recv().await.unwrap().unwrap(),
        Message::Close(Some(CloseFrame::new(CloseCode::NORMAL, "ok")))
    );
    let (_, opcode, payload) = read_frame(&mut raw).await.unwrap();
    assert_eq!((opcode, close_code(&payload)), (8, 1000));
    assert!(crate::http::server::is_closed(&mut raw).await);
    assert!(server.recv().await.is_none());
    assert_eq!(server.close(CloseCode::NORMAL, "").await.unwrap(), None);
}

#[wasio::test]
async fn an_empty_close_is_answered_with_an_empty_close() {
    let (mut server, mut raw) = raw_client(Config::new()).await;
    raw.write_all(&client_frame(true, 8, b"")).await.unwrap();
    assert_eq!(server.recv().await.unwrap().unwrap(), Message::Close(None));
    assert_eq!(read_frame(&mut raw).await.unwrap(), (true, 8, Vec::new()));
}

#[wasio::test]
async fn close_gives_up_after_its_timeout_when_the_peer_never_answers() {
    let config = Config::new().close_timeout(Duration::from_millis(100));
    let (mut server, _silent) = raw_client(config).await;
    let start = Instant::now();
    let result = server.close(CloseCode::NORMAL, "").await;
    let took = start.elapsed();
    assert!(matches!(result, Err(Error::Timeout(_))), "{result:?}");
    assert!(
        took >= Duration::from_millis(100) && took < Duration::from_secs(2),
        "{took:?}"
    );
}

#[wasio::test]
async fn a_connection_that_ends_without_a_close_frame_is_abnormal() {
    let (mut server, raw) = raw_client(Config::new()).await;
    drop(raw);
    assert!(matches!(server.recv().await, Some(Err(Error::Abnormal))));
    assert!(server.recv().await.is_none());
}

#[wasio::test]
async fn a_long_reason_is_cut_to_fit_a_control_frame() {
    let (mut server, mut raw) = raw_client(Config::new()).await;
    let reason = "ü".repeat(100);
    let closing = wasio::spawn(async move { server.close(CloseCode::NORMAL, &reason).await });
    let (_, _, payload) = read_frame(&mut raw).await.unwrap();
    assert!(payload.len() <= 125);
    assert_eq!(std::str::from_utf8(&payload[2..]).unwrap(), "ü".repeat(61));
    raw.write_all(&client_frame(true, 8, &payload[..2]))
        .await
        .unwrap();
    closing.await.unwrap().unwrap();
}

#[wasio::test]
async fn a_split_writer_closes_and_the_reader_sees_the_answer() {
    let (server, mut client) = pair(Config::new(), Config::new()).await;
    let (mut reader, writer) = server.split();
    let echo = wasio::spawn(async move {
        while let Some(Ok(message)) = client.recv().await {
            if let Message::Text(_) = message {
                client.send(message).await.unwrap();
            }
        }
    });
    writer.send_text("one").await.unwrap();
    writer.close(CloseCode::NORMAL, "").await.unwrap();
    assert!(writer.is_closing());
    assert_eq!(reader.recv().await.unwrap().unwrap(), Message::text("one"));
    assert!(matches!(reader.recv().await, Some(Ok(Message::Close(_)))));
    assert!(reader.recv().await.is_none());
    echo.await.unwrap();
}

#[wasio::test]
async fn a_split_reader_stops_waiting_for_an_answer_after_the_close_timeout() {
    let config = Config::new().close_timeout(Duration::from_millis(100));
    let (server, mut raw) = raw_client(config).await;
    let (mut reader, writer) = server.split();
    writer.close(CloseCode::NORMAL, "").await.unwrap();
    let start = Instant::now();
    let result = reader.recv().await;
    assert!(matches!(result, Some(Err(Error::Timeout(_)))), "{result:?}");
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(reader.recv().await.is_none());
    assert_eq!(read_frame(&mut raw).await.unwrap().1, 8);
    assert!(
        crate::http::server::is_closed(&mut raw).await,
        "the server ended TCP"
    );
}

#[wasio::test]
async fn a_close_given_up_while_waiting_for_the_stream_was_not_sent() {
    // Uncompressed, for the frame to be as large on the wire as it is here.
    let (server, mut client) = pair(Config::new().compression(None), Config::new()).await;
    let writer = server.writer();
    // A large send holds the stream while nobody reads.
    let big = {
        let writer = writer.clone();
        wasio::spawn(async move { writer.send_binary(vec![1u8; 16 << 20]).await })
    };
    wasio::time::sleep(Duration::from_millis(20)).await;
    let given_up = wasio::time::timeout(
        Duration::from_millis(20),
        writer.close(CloseCode::NORMAL, ""),
    )
    .await;
    assert!(given_up.is_err(), "the close should still be waiting");
    assert!(!writer.is_closing());
    assert_eq!(client.recv().await.unwrap().unwrap().len(), 16 << 20);
    big.await.unwrap().unwrap();
    writer.send_text("still open").await.unwrap();
    assert_eq!(
        client.recv().await.unwrap().unwrap(),
        Message::text("still open")
    );
    drop(server);
}
