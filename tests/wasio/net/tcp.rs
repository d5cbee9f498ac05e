//! TCP on loopback: echo at scale, half-close, resets, refusals, IPv6 and split halves.

use std::io::ErrorKind;
use std::net::{Ipv6Addr, Shutdown, SocketAddr};
use std::time::Duration;

use futures_lite::StreamExt;
use wasio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use wasio::net::{ErrorCode, TcpListener, TcpStream, error_code};
use wasio::runtime::stats;
use wasio::time::timeout;
use wasio::{spawn, yield_now};

/// An echo server on a free loopback port: copies every connection back to itself.
async fn echo_server(addr: &str) -> SocketAddr {
    let listener = TcpListener::bind(addr).await.unwrap();
    let local = listener.local_addr();
    drop(spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            drop(spawn(async move {
                let (mut reader, mut writer) = stream.into_split();
                wasio::io::copy(&mut reader, &mut writer).await.unwrap();
                writer.close().await.unwrap();
            }));
        }
    }));
    local
}

#[wasio::test]
async fn a_thousand_concurrent_clients_get_their_bytes_back() {
    let server = echo_server("127.0.0.1:0").await;
    let clients: Vec<_> = (0..1_000u32)
        .map(|i| {
            spawn(async move {
                let mut stream = TcpStream::connect(server).await?;
                let message = format!("client {i} says hello").repeat(1 + (i as usize % 7));
                stream.write_all(message.as_bytes()).await?;
                stream.close().await?;
                let mut echoed = String::new();
                stream.read_to_string(&mut echoed).await?;
                assert_eq!(echoed, message);
                std::io::Result::Ok(())
            })
        })
        .collect();
    let all = timeout(Duration::from_secs(60), async {
        for client in clients {
            client.await.unwrap().unwrap();
        }
    });
    all.await.expect("every client finished within a minute");
}

#[wasio::test]
async fn a_half_closed_connection_still_carries_the_reply() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    let server = spawn(async move {
        let (mut conn, peer) = listener.accept().await?;
        let mut request = Vec::new();
        conn.read_to_end(&mut request).await?; // ends at the client's FIN
        conn.write_all(format!("{} bytes from {peer}", request.len()).as_bytes())
            .await?;
        conn.close().await
    });
    let mut client = TcpStream::connect(addr).await.unwrap();
    client.write_all(&[7; 10_000]).await.unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut reply = String::new();
    client.read_to_string(&mut reply).await.unwrap();
    assert_eq!(reply, format!("10000 bytes from {}", client.local_addr()));
    server.await.unwrap().unwrap();
}

#[wasio::test]
async fn a_peer_that_disconnects_mid_write_gives_an_error_not_a_trap() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    let server = spawn(async move {
        let (mut conn, _) = listener.accept().await.unwrap();
        let mut first = [0; 1];
        conn.read_exact(&mut first).await.unwrap();
        conn.shutdown(Shutdown::Both).unwrap();
        drop(conn);
    });
    let mut client = TcpStream::connect(addr).await.unwrap();
    let chunk = vec![1u8; 64 * 1024];
    let outcome = timeout(Duration::from_secs(10), async {
        loop {
            if let Err(error) = client.write_all(&chunk).await {
                break error;
            }
        }
    })
    .await;
    let error = outcome.expect("the write failed within 10 s");
    println!("writing to a closed peer: {error:?}");
    assert!(
        matches!(
            error.kind(),
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
        ),
        "{error:?}"
    );
    server.await.unwrap();
}

#[wasio::test]
async fn connecting_to_a_closed_port_is_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    drop(listener);
    let error = TcpStream::connect(addr).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectionRefused, "{error}");
    assert_eq!(error_code(&error), Some(ErrorCode::ConnectionRefused));
    assert!(error.to_string().contains("connection refused"), "{error}");
}

#[wasio::test]
async fn binding_a_port_in_use_is_refused() {
    let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let error = TcpListener::bind(first.local_addr()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::AddrInUse, "{error}");
}

#[wasio::test]
async fn ipv6_loopback_works() {
    let server = echo_server("[::1]:0").await;
    assert_eq!(server.ip(), Ipv6Addr::LOCALHOST);
    let mut stream = TcpStream::connect(server).await.unwrap();
    assert!(stream.peer_addr().is_ipv6());
    stream.write_all(b"over v6").await.unwrap();
    stream.close().await.unwrap();
    let mut back = Vec::new();
    stream.read_to_end(&mut back).await.unwrap();
    assert_eq!(back, b"over v6");
}

#[wasio::test]
async fn connect_resolves_host_names() {
    let server = echo_server("127.0.0.1:0").await;
    let mut stream = TcpStream::connect(("localhost", server.port()))
        .await
        .unwrap();
    assert!(stream.peer_addr().ip().is_loopback());
    stream.write_all(b"x").await.unwrap();
    let mut one = [0; 1];
    stream.read_exact(&mut one).await.unwrap();
    let text = format!("localhost:{}", server.port());
    TcpStream::connect(text.as_str()).await.unwrap();
    let bad = TcpStream::connect("localhost").await.unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
}

#[wasio::test]
async fn halves_read_and_write_from_two_tasks() {
    let server = echo_server("127.0.0.1:0").await;
    let (reader, mut writer) = TcpStream::connect(server).await.unwrap().into_split();
    let lines = spawn(async move {
        let mut lines = BufReader::new(reader).lines();
        let mut got = Vec::new();
        while let Some(line) = lines.next().await {
            got.push(line.unwrap());
        }
        got
    });
    for n in 0..100 {
        writer
            .write_all(format!("line {n}\n").as_bytes())
            .await
            .unwrap();
        if n % 10 == 0 {
            yield_now().await;
        }
    }
    writer.close().await.unwrap();
    let got = lines.await.unwrap();
    assert_eq!(got.len(), 100);
    assert_eq!(got[99], "line 99");
}

#[wasio::test]
async fn halves_reunite_only_with_their_own_connection() {
    let server = echo_server("127.0.0.1:0").await;
    let (read_a, write_a) = TcpStream::connect(server).await.unwrap().into_split();
    let (read_b, write_b) = TcpStream::connect(server).await.unwrap().into_split();
    let mismatched = TcpStream::reunite(read_a, write_b).unwrap_err();
    assert_eq!(
        mismatched.to_string(),
        "the halves belong to different TCP connections"
    );
    let (read_a, write_b) = mismatched.into_halves();
    let mut a = TcpStream::reunite(read_a, write_a).unwrap();
    let mut b = TcpStream::reunite(read_b, write_b).unwrap();
    for (stream, message) in [(&mut a, b"to a"), (&mut b, b"to b")] {
        stream.write_all(message).await.unwrap();
        let mut echoed = [0; 4];
        stream.read_exact(&mut echoed).await.unwrap();
        assert_eq!(&echoed, message);
    }
}

#[wasio::test]
async fn several_tasks_accept_on_one_listener_and_incoming_streams_connections() {
    let listener = std::rc::Rc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
    let addr = listener.local_addr();
    let acceptors: Vec<_> = (0..3)
        .map(|_| {
            let listener = listener.clone();
            spawn(async move { listener.accept().await.map(|(s, _)| s.peer_addr()) })
        })
        .collect();
    yield_now().await;
    let clients: Vec<TcpStream> = futures_lite::stream::iter(0..3)
        .then(|_| async { TcpStream::connect(addr).await.unwrap() })
        .collect()
        .await;
    let mut peers = Vec::new();
    for acceptor in acceptors {
        peers.push(acceptor.await.unwrap().unwrap());
    }
    let mut locals: Vec<_> = clients.iter().map(TcpStream::local_addr).collect();
    peers.sort();
    locals.sort();
    assert_eq!(peers, locals);

    let more = spawn(async move { TcpStream::connect(addr).await });
    let mut incoming = listener.incoming();
    let accepted = incoming.next().await.unwrap().unwrap();
    let client = more.await.unwrap().unwrap();
    assert_eq!(accepted.peer_addr(), client.local_addr());
}

#[wasio::test]
async fn options_can_be_set_and_read() {
    let server = echo_server("127.0.0.1:0").await;
    let stream = TcpStream::connect(server).await.unwrap();
    stream
        .set_keep_alive(Some(Duration::from_secs(30)))
        .unwrap();
    assert!(stream.keep_alive().unwrap());
    stream.set_keep_alive(None).unwrap();
    assert!(!stream.keep_alive().unwrap());
    stream.set_ttl(32).unwrap();
    assert_eq!(
        stream.set_ttl(0).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}

#[wasio::test]
async fn dropped_connections_release_their_pollables() {
    let server = echo_server("127.0.0.1:0").await;
    let before = stats().pollables;
    for _ in 0..50 {
        let mut stream = TcpStream::connect(server).await.unwrap();
        stream.write_all(b"bye").await.unwrap();
    }
    // The server side may still be closing its copies; the client side is gone.
    assert!(stats().pollables <= before + 2 * 50);
    wasio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(stats().pollables, before);
}

#[wasio::test]
async fn one_large_write_goes_out_in_pieces_the_host_accepts() {
    let server = echo_server("127.0.0.1:0").await;
    let (mut reader, mut writer) = TcpStream::connect(server).await.unwrap().into_split();
    let message: Vec<u8> = (0..4 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let sent = message.clone();
    let writing = spawn(async move {
        writer.write_all(&sent).await.unwrap();
        writer.close().await.unwrap();
    });
    let mut back = Vec::new();
    reader.read_to_end(&mut back).await.unwrap();
    writing.await.unwrap();
    assert!(back == message, "the echo differs");
}

#[wasio::test]
async fn connect_tries_the_next_address_after_a_refusal() {
    let server = echo_server("127.0.0.1:0").await;
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr();
    let stream = TcpStream::connect(&[closed, server][..]).await.unwrap();
    assert_eq!(stream.peer_addr(), server);
    let refused = TcpStream::connect(&[closed][..]).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
    let none = TcpStream::connect(&[][..]).await.unwrap_err();
    assert_eq!(none.kind(), ErrorKind::InvalidInput);
}

#[wasio::test]
async fn dropping_the_write_half_sends_fin_while_the_read_half_lives() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    let server = spawn(async move {
        let (mut conn, _) = listener.accept().await.unwrap();
        let mut got = Vec::new();
        conn.read_to_end(&mut got).await.unwrap(); // returns only after FIN
        conn.write_all(&got).await.unwrap();
    });
    let (mut reader, mut writer) = TcpStream::connect(addr).await.unwrap().into_split();
    writer.write_all(b"then silence").await.unwrap();
    drop(writer);
    let mut reply = Vec::new();
    timeout(Duration::from_secs(5), reader.read_to_end(&mut reply))
        .await
        .expect("the server saw the FIN")
        .unwrap();
    assert_eq!(reply, b"then silence");
    server.await.unwrap();
}

/// A request written with `write_all` and neither flushed nor closed still arrives whole
/// while the writer only waits for the reply (under WASI 0.3 the writes the host did not take
/// at once go on without the writer polling them).
#[wasio::test]
async fn written_bytes_arrive_while_the_writer_only_reads() {
    const SIZE: usize = 1 << 20;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    let server = spawn(async move {
        let (mut conn, _) = listener.accept().await?;
        let mut request = vec![0; SIZE];
        conn.read_exact(&mut request).await?;
        conn.write_all(b"got it").await?;
        conn.flush().await?;
        std::io::Result::Ok(request.iter().all(|&b| b == 5))
    });
    let mut client = TcpStream::connect(addr).await.unwrap();
    client.write_all(&vec![5; SIZE]).await.unwrap();
    let mut reply = [0; 6];
    timeout(Duration::from_secs(10), client.read_exact(&mut reply))
        .await
        .expect("the reply came: the whole request got there")
        .unwrap();
    assert_eq!(&reply, b"got it");
    assert!(server.await.unwrap().unwrap());
}

/// An `accept` that was polled once and is then left alone does not keep the listener's
/// connections from the tasks still accepting, even when it polled last.
#[wasio::test]
async fn an_accept_left_unpolled_holds_up_no_other_accept() {
    let listener = std::rc::Rc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
    let addr = listener.local_addr();
    let accepting = listener.clone();
    let accepted = spawn(async move { accepting.accept().await.map(|(_, peer)| peer) });
    yield_now().await;
    let mut idle = Box::pin(listener.accept());
    assert!(futures_lite::future::poll_once(&mut idle).await.is_none());
    let client = TcpStream::connect(addr).await.unwrap();
    let peer = timeout(Duration::from_secs(5), accepted)
        .await
        .expect("the other accept got the connection")
        .unwrap()
        .unwrap();
    assert_eq!(peer, client.local_addr());
    drop(idle);
}
