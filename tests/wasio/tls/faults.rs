//! Peers that stall, cut the connection short, tamper with records or speak no TLS: each
//! gets its error, within the timeouts, and only its own connection suffers.

use std::cell::Cell;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use wasio::io::{AsyncReadExt, AsyncWriteExt};
use wasio::net::{TcpListener, TcpStream};
use wasio::sync::Event;
use wasio::time::{Instant, sleep, timeout};
use wasio::tls::{self, Error};

use super::{SOON, accept_one, client, server};

/// A man in the middle for one connection to `target`: it passes bytes both ways, flips a
/// bit of what the client sends once `tamper` is set, and cuts the client off (FIN, without
/// what the server sends after) once `cut` is set.
struct Proxy {
    addr: SocketAddr,
    tamper: Rc<Cell<bool>>,
    cut: Rc<Event>,
}

async fn proxy(target: SocketAddr) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    let tamper = Rc::new(Cell::new(false));
    let cut = Rc::new(Event::new());
    let (flip, cut_off) = (tamper.clone(), cut.clone());
    drop(wasio::spawn(async move {
        let (near, _) = listener.accept().await.unwrap();
        let far = TcpStream::connect(target).await.unwrap();
        let (mut near_read, mut near_write) = near.into_split();
        let (mut far_read, mut far_write) = far.into_split();
        drop(wasio::spawn(async move {
            let mut buf = vec![0; 64 * 1024];
            while let Ok(n @ 1..) = near_read.read(&mut buf).await {
                if flip.replace(false) {
                    buf[n - 1] ^= 1;
                }
                if far_write.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }));
        let mut buf = vec![0; 64 * 1024];
        loop {
            let read =
                futures_lite::future::or(async { Some(far_read.read(&mut buf).await) }, async {
                    cut_off.wait().await;
                    None
                })
                .await;
            match read {
                Some(Ok(n @ 1..)) => {
                    if near_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
                _ => break,
            }
        }
        near_write.close().await.ok();
    }));
    Proxy { addr, tamper, cut }
}

#[wasio::test]
async fn a_connection_cut_without_close_notify_is_truncated() {
    let (addr, accepted) = accept_one(server()).await;
    let proxy = proxy(addr).await;
    let tcp = TcpStream::connect(proxy.addr).await.unwrap();
    let mut client = client().connect("localhost", tcp).await.unwrap();
    let mut server = accepted.await.unwrap().unwrap();
    server.write_all(b"partial").await.unwrap();
    let mut buf = [0; 7];
    client.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"partial");
    proxy.cut.set();
    let error = timeout(SOON, client.read(&mut buf))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::UnexpectedEof);
    assert!(matches!(tls::error(&error), Some(Error::Truncated)));
    drop(server);
}

#[wasio::test]
async fn a_bad_record_ends_only_its_own_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    let config = server();
    let (failures, errors) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(None)));
    let (failed, seen) = (failures.clone(), errors.clone());
    drop(wasio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let config = config.clone();
            let (failed, seen) = (failed.clone(), seen.clone());
            drop(wasio::spawn(async move {
                let mut tls = config.accept(tcp).await.unwrap();
                let mut buf = vec![0; 1024];
                loop {
                    match tls.read(&mut buf).await {
                        Ok(0) => break,
                        Ok(n) => tls.write_all(&buf[..n]).await.unwrap(),
                        Err(error) => {
                            failed.set(failed.get() + 1);
                            seen.set(tls::error(&error).map(|e| matches!(e, Error::Protocol(_))));
                            break;
                        }
                    }
                }
            }));
        }
    }));
    let proxy = proxy(addr).await;
    let tcp = TcpStream::connect(proxy.addr).await.unwrap();
    let mut tampered = client().connect("localhost", tcp).await.unwrap();
    let mut healthy = client()
        .connect("localhost", TcpStream::connect(addr).await.unwrap())
        .await
        .unwrap();

    proxy.tamper.set(true);
    tampered.write_all(b"tampered with").await.unwrap();
    let error = timeout(SOON, tampered.read(&mut [0; 16]))
        .await
        .unwrap()
        .unwrap_err();
    // The server's alert says why.
    assert!(
        matches!(tls::error(&error), Some(Error::Alert(alert)) if alert == "BadRecordMac"),
        "{error:?}"
    );
    assert_eq!((failures.get(), errors.get()), (1, Some(true)));

    healthy.write_all(b"still here").await.unwrap();
    let mut echoed = [0; 10];
    healthy.read_exact(&mut echoed).await.unwrap();
    assert_eq!(&echoed, b"still here");
}

#[wasio::test]
async fn a_client_that_speaks_no_tls_is_refused() {
    let (addr, accepted) = accept_one(server()).await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\nhost: localhost\r\n\r\n")
        .await
        .unwrap();
    assert!(matches!(accepted.await.unwrap(), Err(Error::Protocol(_))));
    // The alert, then the end.
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer).await;
    assert_eq!(answer.first(), Some(&21), "an alert record: {answer:?}");
}

#[wasio::test]
async fn a_silent_client_times_out_the_servers_handshake() {
    let config = server().handshake_timeout(Duration::from_millis(300));
    assert_eq!(config.handshake_wait(), Duration::from_millis(300));
    let (addr, accepted) = accept_one(config).await;
    let start = Instant::now();
    let tcp = TcpStream::connect(addr).await.unwrap();
    let result = accepted.await.unwrap();
    assert!(matches!(result, Err(Error::HandshakeTimeout)), "{result:?}");
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(5),
        "{took:?}"
    );
    drop(tcp);
}

#[wasio::test]
async fn a_client_that_stalls_mid_handshake_times_out() {
    let config = server().handshake_timeout(Duration::from_millis(300));
    let (addr, accepted) = accept_one(config).await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    // The start of a ClientHello record, and no more.
    tcp.write_all(&[22, 3, 1, 0, 200, 1, 0, 0]).await.unwrap();
    assert!(matches!(
        accepted.await.unwrap(),
        Err(Error::HandshakeTimeout)
    ));
}

#[wasio::test]
async fn a_silent_server_times_out_the_clients_handshake() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    let held = wasio::spawn(async move { listener.accept().await.unwrap() });
    let tcp = TcpStream::connect(addr).await.unwrap();
    let config = client().handshake_timeout(Duration::from_millis(300));
    assert_eq!(config.handshake_wait(), Duration::from_millis(300));
    let start = Instant::now();
    let error = config.connect("localhost", tcp).await.unwrap_err();
    assert!(matches!(error, Error::HandshakeTimeout), "{error:?}");
    assert!(start.elapsed() >= Duration::from_millis(300));
    drop(held);
}

#[wasio::test]
async fn a_dropped_stream_sends_the_rest_and_close_notify_to_a_slow_peer() {
    // The server writes more than the socket holds and drops the stream: the rest and its
    // close_notify go out in the background once the client reads.
    let (mut client, mut server) = super::pair(client(), server()).await;
    let writer = wasio::spawn(async move {
        let chunk = vec![7u8; 64 * 1024];
        let mut written = 0;
        // The client reads nothing yet: the writes stop when the socket is full.
        while let Ok(n) = timeout(Duration::from_millis(300), server.write(&chunk)).await {
            written += n.unwrap();
        }
        drop(server);
        written
    });
    let written = writer.await.unwrap();
    sleep(Duration::from_millis(300)).await;
    let mut got = Vec::new();
    timeout(SOON, client.read_to_end(&mut got))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.len(), written);
    assert!(got.iter().all(|&b| b == 7));
}
