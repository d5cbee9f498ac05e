//! Messages both ways: every kind and size, pings, the stream and the halves.

use std::time::Duration;

use bytes::Bytes;
use futures_lite::StreamExt;
use wasio::io::AsyncWriteExt;
use wasio::ws::{Config, Message};

use super::{client_frame, pair, raw_client, read_frame};

#[wasio::test]
async fn text_and_binary_of_every_length_class_go_both_ways() {
    let (mut server, mut client) = pair(Config::new(), Config::new()).await;
    for size in [0, 1, 125, 126, 65535, 65536, 1 << 20] {
        let text = "é".repeat(size / 2);
        client.send_text(text.as_str()).await.unwrap();
        let got = server.recv().await.unwrap().unwrap();
        assert_eq!(got.as_text(), Some(text.as_str()), "{size}");
        let data: Vec<u8> = (0..size).map(|i| i as u8).collect();
        server.send_binary(data.clone()).await.unwrap();
        assert_eq!(
            client.recv().await.unwrap().unwrap(),
            Message::binary(data),
            "{size}"
        );
    }
}

#[wasio::test]
async fn pings_are_answered_before_they_come_out() {
    let (mut server, mut raw) = raw_client(Config::new()).await;
    raw.write_all(&client_frame(true, 9, b"are you there"))
        .await
        .unwrap();
    let got = server.recv().await.unwrap().unwrap();
    assert_eq!(got, Message::Ping(Bytes::from_static(b"are you there")));
    assert_eq!(
        read_frame(&mut raw).await.unwrap(),
        (true, 10, b"are you there".to_vec())
    );
}

#[wasio::test]
async fn without_auto_pong_a_ping_is_only_handed_out() {
    let (mut server, mut raw) = raw_client(Config::new().auto_pong(false)).await;
    raw.write_all(&client_frame(true, 9, b"p")).await.unwrap();
    raw.write_all(&client_frame(true, 1, b"after"))
        .await
        .unwrap();
    assert_eq!(
        server.recv().await.unwrap().unwrap(),
        Message::Ping(Bytes::from_static(b"p"))
    );
    assert_eq!(
        server.recv().await.unwrap().unwrap(),
        Message::text("after")
    );
    server.send_text("only this").await.unwrap();
    assert_eq!(
        read_frame(&mut raw).await.unwrap(),
        (true, 1, b"only this".to_vec())
    );
}

#[wasio::test]
async fn a_client_pings_and_sees_the_pong() {
    let (mut server, mut client) = pair(Config::new(), Config::new()).await;
    client.ping(&b"42"[..]).await.unwrap();
    let server_side = wasio::spawn(async move { server.recv().await.map(Result::unwrap) });
    assert_eq!(
        client.recv().await.unwrap().unwrap(),
        Message::Pong(Bytes::from_static(b"42"))
    );
    assert_eq!(
        server_side.await.unwrap(),
        Some(Message::Ping(Bytes::from_static(b"42")))
    );
}

#[wasio::test]
async fn fragments_from_a_peer_are_one_message() {
    let (mut server, mut raw) = raw_client(Config::new()).await;
    let mut wire = client_frame(false, 1, "hel".as_bytes());
    wire.extend(client_frame(true, 9, b"in between"));
    wire.extend(client_frame(true, 0, "lo ✓".as_bytes()));
    // One byte at a time: the reader keeps every split.
    for byte in wire {
        raw.write_all(&[byte]).await.unwrap();
    }
    assert!(matches!(server.recv().await, Some(Ok(Message::Ping(_)))));
    assert_eq!(
        server.recv().await.unwrap().unwrap(),
        Message::text("hello ✓")
    );
}

#[wasio::test]
async fn the_connection_is_a_stream_of_messages() {
    let (server, mut client) = pair(Config::new(), Config::new()).await;
    let collected = wasio::spawn(server.map(Result::unwrap).collect::<Vec<_>>());
    for n in 0..5 {
        client.send_text(n.to_string()).await.unwrap();
    }
    client
        .close(wasio::ws::CloseCode::NORMAL, "")
        .await
        .unwrap();
    let got = collected.await.unwrap();
    let texts: Vec<_> = got.iter().filter_map(Message::as_text).collect();
    assert_eq!(texts, ["0", "1", "2", "3", "4"]);
    assert!(matches!(got.last(), Some(Message::Close(Some(_)))));
}

#[wasio::test]
async fn many_tasks_send_through_one_writer_without_interleaving() {
    let (server, mut client) = pair(Config::new(), Config::new()).await;
    let (_reader, writer) = server.split();
    let mut tasks = Vec::new();
    for task in 0..20u8 {
        let writer = writer.clone();
        tasks.push(wasio::spawn(async move {
            for n in 0..10u32 {
                // Sizes that make some frames span several socket writes.
                let size = 1000 + 7919 * (task as usize) + n as usize;
                writer.send_binary(vec![task; size]).await.unwrap();
            }
        }));
    }
    let mut per_task = [0; 20];
    for _ in 0..200 {
        let Message::Binary(data) = client.recv().await.unwrap().unwrap() else {
            panic!("not binary");
        };
        let task = data[0];
        assert!(data.iter().all(|&b| b == task), "a frame was interleaved");
        assert_eq!(
            data.len(),
            1000 + 7919 * task as usize + per_task[task as usize]
        );
        per_task[task as usize] += 1;
    }
    for task in tasks {
        task.await.unwrap();
    }
}

#[wasio::test]
async fn a_reader_and_a_writer_in_two_tasks() {
    let (server, mut client) = pair(Config::new(), Config::new()).await;
    let (mut reader, writer) = server.split();
    let echo = wasio::spawn(async move {
        let mut count = 0;
        while let Some(Ok(Message::Text(text))) = reader.recv().await {
            writer.send_text(format!("re: {text}")).await.unwrap();
            count += 1;
        }
        count
    });
    for n in 0..50 {
        client.send_text(format!("{n}")).await.unwrap();
        let answer = client.recv().await.unwrap().unwrap();
        assert_eq!(answer.as_text(), Some(format!("re: {n}").as_str()));
    }
    client
        .close(wasio::ws::CloseCode::NORMAL, "done")
        .await
        .unwrap();
    assert_eq!(echo.await.unwrap(), 50);
}

#[wasio::test]
async fn a_send_dropped_halfway_still_finishes_its_frame_first() {
    // Uncompressed, for the frame to be as large on the wire as it is here.
    let (mut server, client) = pair(Config::new().compression(None), Config::new()).await;
    // Nobody reads yet: a large frame fills the socket's buffers and the send waits.
    let big = vec![7u8; 16 << 20];
    let cut =
        wasio::time::timeout(Duration::from_millis(50), client.send_binary(big.clone())).await;
    assert!(cut.is_err(), "the send should still be waiting");
    let reading = wasio::spawn(async move {
        let first = server.recv().await.unwrap().unwrap();
        let second = server.recv().await.unwrap().unwrap();
        (first, second)
    });
    client.send_text("next").await.unwrap();
    let (first, second) = reading.await.unwrap();
    assert_eq!(first, Message::binary(big));
    assert_eq!(second, Message::text("next"));
}

#[wasio::test]
async fn heartbeat_pings_keep_a_quiet_connection_alive() {
    let config = Config::new().heartbeat(Duration::from_millis(30), Duration::from_millis(200));
    let (mut server, mut client) = pair(config, Config::new()).await;
    let client_side = wasio::spawn(async move {
        let mut pings = 0;
        while let Some(Ok(message)) = client.recv().await {
            match message {
                Message::Ping(_) => pings += 1,
                Message::Text(_) => break,
                _ => {}
            }
        }
        pings
    });
    // The server's reader runs through several quiet periods; each sends a ping, which the
    // client answers (the pongs come out too), so the connection stays up.
    let mut pongs = 0;
    let quiet = wasio::time::timeout(Duration::from_millis(250), async {
        while let Some(message) = server.recv().await {
            assert!(matches!(message, Ok(Message::Pong(_))), "{message:?}");
            pongs += 1;
        }
    })
    .await;
    assert!(quiet.is_err(), "the connection ended");
    assert!(pongs >= 3, "{pongs} pongs");
    server.send_text("stop").await.unwrap();
    assert!(client_side.await.unwrap() >= 3);
}

#[wasio::test]
async fn a_peer_that_stops_answering_pings_fails_the_heartbeat() {
    let config = Config::new().heartbeat(Duration::from_millis(30), Duration::from_millis(60));
    let (mut server, mut raw) = raw_client(config).await;
    let start = wasio::time::Instant::now();
    let error = server.recv().await.unwrap().unwrap_err();
    assert!(matches!(error, wasio::ws::Error::Timeout(_)), "{error:?}");
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(90) && took < Duration::from_secs(2),
        "{took:?}"
    );
    assert!(server.recv().await.is_none());
    // The raw client saw the ping it never answered, then the end of the connection.
    assert_eq!(read_frame(&mut raw).await.unwrap(), (true, 9, Vec::new()));
    assert!(crate::http::server::is_closed(&mut raw).await);
}

#[wasio::test]
async fn the_writer_is_a_sink_of_messages() {
    use futures_sink::Sink;
    use std::future::poll_fn;
    use std::pin::Pin;

    let (server, mut client) = pair(Config::new(), Config::new()).await;
    let (reader, mut sink) = server.split();
    poll_fn(|cx| Pin::new(&mut sink).poll_ready(cx))
        .await
        .unwrap();
    Pin::new(&mut sink)
        .start_send(Message::text("one"))
        .unwrap();
    // Without waiting for readiness: the sends still go in order.
    Pin::new(&mut sink)
        .start_send(Message::text("two"))
        .unwrap();
    poll_fn(|cx| Pin::new(&mut sink).poll_flush(cx))
        .await
        .unwrap();
    Pin::new(&mut sink)
        .start_send(Message::binary(vec![3]))
        .unwrap();
    poll_fn(|cx| Pin::new(&mut sink).poll_close(cx))
        .await
        .unwrap();
    poll_fn(|cx| Pin::new(&mut sink).poll_close(cx))
        .await
        .unwrap();
    // Nobody reads the server's side: end the connection, or the client waits for it.
    drop((reader, sink));
    let mut got = Vec::new();
    while let Some(Ok(message)) = client.recv().await {
        got.push(message);
    }
    assert_eq!(
        got,
        [
            Message::text("one"),
            Message::text("two"),
            Message::binary(vec![3]),
            Message::Close(Some(wasio::ws::CloseFrame::new(
                wasio::ws::CloseCode::NORMAL,
                ""
            ))),
        ]
    );
}
