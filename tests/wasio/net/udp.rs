//! UDP on loopback.

use std::io::ErrorKind;
use std::rc::Rc;

use wasio::net::UdpSocket;
use wasio::spawn;

#[wasio::test]
async fn datagrams_make_a_round_trip() {
    let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let server_addr = server.local_addr().unwrap();
    let echo = spawn(async move {
        let mut buf = [0; 2048];
        for _ in 0..3 {
            let (n, from) = server.recv_from(&mut buf).await.unwrap();
            server.send_to(&buf[..n], from).await.unwrap();
        }
    });
    let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut buf = [0; 2048];
    for message in [&b"one"[..], b"two", &[9; 1500]] {
        assert_eq!(
            client.send_to(message, server_addr).await.unwrap(),
            message.len()
        );
        let (n, from) = client.recv_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (message, server_addr));
    }
    echo.await.unwrap();
}

#[wasio::test]
async fn a_connected_socket_sends_and_receives_with_its_peer() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    b.connect(a.local_addr().unwrap()).await.unwrap();
    assert_eq!(b.peer_addr().unwrap(), a.local_addr().unwrap());
    b.send(b"hello").await.unwrap();
    let mut buf = [0; 8];
    let (n, from) = a.recv_from(&mut buf).await.unwrap();
    assert_eq!((&buf[..n], from), (&b"hello"[..], b.local_addr().unwrap()));
    a.send_to(b"back", from).await.unwrap();
    assert_eq!(b.recv(&mut buf).await.unwrap(), 4);
}

#[wasio::test]
async fn a_datagram_larger_than_the_buffer_is_cut() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    a.send_to(&[5; 100], b.local_addr().unwrap()).await.unwrap();
    let mut small = [0; 10];
    let (n, _) = b.recv_from(&mut small).await.unwrap();
    assert_eq!((n, small), (10, [5; 10]));
}

#[wasio::test]
async fn ipv6_datagrams_and_a_shared_socket() {
    let socket = Rc::new(UdpSocket::bind("[::1]:0").await.unwrap());
    let addr = socket.local_addr().unwrap();
    assert!(addr.is_ipv6());
    let receiver = {
        let socket = socket.clone();
        spawn(async move {
            let mut buf = [0; 16];
            socket
                .recv_from(&mut buf)
                .await
                .map(|(n, _)| buf[..n].to_vec())
        })
    };
    socket.send_to(b"to myself", addr).await.unwrap();
    assert_eq!(receiver.await.unwrap().unwrap(), b"to myself");
}

#[wasio::test]
async fn sending_to_an_unresolvable_target_fails_cleanly() {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let error = socket.send_to(b"x", "no port here").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    let wrong_family = socket.send_to(b"x", "[::1]:9").await.unwrap_err();
    assert_eq!(
        wrong_family.kind(),
        ErrorKind::InvalidInput,
        "{wrong_family}"
    );
}

#[wasio::test]
async fn a_failed_connect_leaves_the_socket_usable() {
    let mut socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let wrong = socket.connect("[::1]:9").await.unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::InvalidInput, "{wrong}");
    socket.connect("0.0.0.0:9").await.unwrap_err();
    socket
        .send_to(b"still here", peer.local_addr().unwrap())
        .await
        .unwrap();
    let mut buf = [0; 16];
    let (n, _) = peer.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"still here");
}

/// Receives given up by a timeout lose no datagram: the one the host was receiving goes to
/// the next receive.
#[wasio::test]
async fn receives_given_up_lose_no_datagram() {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let sender = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let to = socket.local_addr().unwrap();
    let sending = wasio::spawn(async move {
        for n in 0..5u8 {
            wasio::time::sleep(std::time::Duration::from_millis(7)).await;
            sender.send_to(&[n], to).await.unwrap();
        }
    });
    let mut got = Vec::new();
    let deadline = wasio::time::Instant::now() + std::time::Duration::from_secs(5);
    while got.len() < 5 && wasio::time::Instant::now() < deadline {
        let mut buf = [0; 8];
        let short = std::time::Duration::from_millis(2);
        if let Ok(received) = wasio::time::timeout(short, socket.recv(&mut buf)).await {
            got.push(buf[..received.unwrap()].to_vec());
        }
    }
    sending.await.unwrap();
    assert_eq!(got, (0..5u8).map(|n| vec![n]).collect::<Vec<_>>());
}
