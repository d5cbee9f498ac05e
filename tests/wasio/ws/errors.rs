//! A peer that breaks the protocol or a limit: the close code RFC 6455 asks for, the TCP
//! connection ended, and the error handed out.

use std::time::Duration;

use wasio::io::AsyncWriteExt;
use wasio::net::TcpListener;
use wasio::ws::{self, CloseCode, Config, Error, Message};

use super::{client_frame, close_code, frame, raw_client, read_frame};

/// Sends `wire` from a raw client and checks the server fails with `code`.
async fn fails_with(config: Config, wire: Vec<u8>, code: u16) {
    let (mut server, mut raw) = raw_client(config).await;
    let writing = wasio::spawn(async move {
        // The server may stop reading before all of it has arrived.
        let _ = raw.write_all(&wire).await;
        raw
    });
    let error = loop {
        match server.recv().await {
            Some(Ok(_)) => continue,
            Some(Err(error)) => break error,
            None => panic!("the stream ended without an error"),
        }
    };
    let Error::Protocol(error) = error else {
        panic!("{error:?}");
    };
    assert_eq!(error.code, CloseCode(code));
    assert!(server.recv().await.is_none());
    let mut raw = writing.await.unwrap();
    let (_, opcode, payload) = read_frame(&mut raw).await.unwrap();
    assert_eq!((opcode, close_code(&payload)), (8, code));
    assert!(crate::http::server::is_closed(&mut raw).await, "TCP ends");
}

#[wasio::test]
async fn an_unmasked_frame_from_a_client_is_a_protocol_error() {
    fails_with(Config::new(), frame(true, 1, b"hi", None), 1002).await;
}

#[wasio::test]
async fn reserved_bits_and_opcodes_are_protocol_errors() {
    let mut rsv = client_frame(true, 1, b"hi");
    rsv[0] |= 0x40;
    fails_with(Config::new(), rsv, 1002).await;
    fails_with(Config::new(), client_frame(true, 3, b""), 1002).await;
    fails_with(Config::new(), client_frame(false, 9, b""), 1002).await;
    fails_with(Config::new(), client_frame(true, 0, b"orphan"), 1002).await;
}

#[wasio::test]
async fn invalid_utf8_fails_with_1007_before_the_frame_ends() {
    let (mut server, mut raw) = raw_client(Config::new()).await;
    // The header promises 1000 bytes; the first few are already not UTF-8.
    let whole = client_frame(
        true,
        1,
        &[[0xce, 0xba, 0xf4, 0x90].as_slice(), &[b'a'; 996]].concat(),
    );
    raw.write_all(&whole[..20]).await.unwrap();
    let error = wasio::time::timeout(Duration::from_secs(5), server.recv())
        .await
        .expect("fails without waiting for the rest");
    assert!(matches!(error, Some(Err(Error::Protocol(e))) if e.code == CloseCode::INVALID_DATA));
    let (_, _, payload) = read_frame(&mut raw).await.unwrap();
    assert_eq!(close_code(&payload), 1007);
}

#[wasio::test]
async fn a_frame_at_the_limit_passes_and_one_byte_more_fails_with_1009() {
    let config = || Config::new().max_frame_size(1000);
    let (mut server, mut raw) = raw_client(config()).await;
    raw.write_all(&client_frame(true, 2, &[1; 1000]))
        .await
        .unwrap();
    assert_eq!(
        server.recv().await.unwrap().unwrap(),
        Message::binary(vec![1; 1000])
    );
    fails_with(config(), client_frame(true, 2, &[1; 1001]), 1009).await;
}

#[wasio::test]
async fn a_message_at_the_limit_passes_and_one_byte_more_fails_with_1009() {
    let config = || Config::new().max_message_size(1000);
    let fragments = |last: usize| {
        let mut wire = client_frame(false, 2, &[1; 500]);
        wire.extend(client_frame(true, 0, &vec![1; last]));
        wire
    };
    let (mut server, mut raw) = raw_client(config()).await;
    raw.write_all(&fragments(500)).await.unwrap();
    assert_eq!(server.recv().await.unwrap().unwrap().len(), 1000);
    fails_with(config(), fragments(501), 1009).await;
}

#[wasio::test]
async fn a_bad_close_code_or_half_a_code_is_a_protocol_error() {
    fails_with(Config::new(), client_frame(true, 8, &[0x03, 0xed]), 1002).await; // 1005
    fails_with(Config::new(), client_frame(true, 8, &[0x03]), 1002).await;
    fails_with(
        Config::new(),
        client_frame(true, 8, &[0x03, 0xe8, 0xff]),
        1007,
    )
    .await;
}

#[wasio::test]
async fn a_client_refuses_masked_frames_from_a_server() {
    // A hand-made server: it answers the handshake, then sends a masked frame.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let raw_addr = listener.local_addr();
    let raw_server = wasio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let hello = super::read_head(&mut stream).await;
        let key = hello
            .lines()
            .find_map(|l| l.strip_prefix("sec-websocket-key: "))
            .unwrap()
            .to_string();
        stream
            .write_all(&ws::handshake::switching_protocols(&key, None, None))
            .await
            .unwrap();
        stream
            .write_all(&frame(true, 1, b"masked", Some([1, 2, 3, 4])))
            .await
            .unwrap();
        read_masked_close(&mut stream).await
    });
    let mut client = ws::connect(&format!("ws://{raw_addr}/")).await.unwrap();
    let error = client.recv().await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Protocol(e) if e.code == CloseCode::PROTOCOL_ERROR));
    assert_eq!(raw_server.await.unwrap(), 1002);
}

/// Reads a client's (masked) close frame and gives its code.
async fn read_masked_close(stream: &mut wasio::net::TcpStream) -> u16 {
    use wasio::io::AsyncReadExt;
    let mut head = [0; 6];
    stream.read_exact(&mut head).await.unwrap();
    assert_eq!(head[0], 0x88);
    assert_eq!(head[1] & 0x80, 0x80, "a client masks");
    let mut payload = vec![0; (head[1] & 0x7f) as usize];
    stream.read_exact(&mut payload).await.unwrap();
    ws::frame::apply_mask(&mut payload, [head[2], head[3], head[4], head[5]], 0);
    close_code(&payload)
}
