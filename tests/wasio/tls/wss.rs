//! `wss://`: wasio's WebSocket client against WebSocket routes of wasio's own server over
//! TLS, with roots, headers and subprotocols; and each certificate fault as a `ws::Error`.

use std::net::SocketAddr;

use wasio::http::server::{App, HttpError, Request, Response, Server, get};
use wasio::tls::{self, ClientConfig, ServerConfig};
use wasio::ws::{self, CloseCode, Config, Message};

use super::{CA, EXPIRED, GOOD, KEY, OTHER_CA, WRONG};

/// Echoes every message back; answers 403 without the expected `authorization`.
async fn echo(request: Request) -> Result<Response, HttpError> {
    if request
        .headers()
        .get("authorization")
        .is_some_and(|v| v != "Bearer letmein")
    {
        return Err(HttpError::new(http::StatusCode::FORBIDDEN, "no"));
    }
    let config = Config::new()
        .protocols(["chat"])
        .max_message_size(32 << 20)
        .max_frame_size(32 << 20);
    Ok(ws::upgrade(&request, config, |mut ws| async move {
        while let Some(Ok(message)) = ws.recv().await {
            if let Message::Text(_) | Message::Binary(_) = message
                && ws.send(message).await.is_err()
            {
                break;
            }
        }
    }))
}

/// A `wss://` echo server presenting `chain`.
async fn start(chain: &[u8]) -> SocketAddr {
    let app = App::new().route("/ws", get(echo));
    let tls = ServerConfig::from_pem(chain, KEY).unwrap();
    let server = Server::bind_tls("127.0.0.1:0", tls, app).await.unwrap();
    let addr = server.local_addr();
    drop(wasio::spawn(server.run()));
    addr
}

fn trusting(roots: &[u8]) -> Config {
    Config::new()
        .tls(ClientConfig::new().add_root_pem(roots).unwrap())
        .max_message_size(32 << 20)
        .max_frame_size(32 << 20)
}

#[wasio::test]
async fn messages_echo_over_wss_with_subprotocol_and_headers() {
    let addr = start(GOOD).await;
    let config = trusting(CA)
        .protocols(["other", "chat"])
        .header("authorization", "Bearer letmein");
    let url = format!("wss://localhost:{}/ws", addr.port());
    let mut ws = ws::connect_with(&url, config).await.unwrap();
    assert_eq!(ws.protocol(), Some("chat"));
    ws.send_text("hello over TLS").await.unwrap();
    assert_eq!(
        ws.recv().await.unwrap().unwrap(),
        Message::text("hello over TLS")
    );
    // 16 MiB in one message.
    let big: Vec<u8> = (0..16 << 20).map(|i: u32| (i % 249) as u8).collect();
    ws.send_binary(big.clone()).await.unwrap();
    match ws.recv().await.unwrap().unwrap() {
        Message::Binary(echoed) => assert!(echoed == big),
        other => panic!("{other:?}"),
    }
    let answer = ws.close(CloseCode::NORMAL, "done").await.unwrap();
    assert_eq!(answer.map(|frame| frame.code), Some(CloseCode::NORMAL));
}

#[wasio::test]
async fn the_servers_refusal_comes_through_tls() {
    let addr = start(GOOD).await;
    let config = trusting(CA).header("authorization", "Bearer wrong");
    let url = format!("wss://127.0.0.1:{}/ws", addr.port());
    match ws::connect_with(&url, config).await {
        Err(ws::Error::Handshake(error)) => assert!(error.to_string().contains("403"), "{error}"),
        other => panic!("{other:?}"),
    }
}

#[wasio::test]
async fn each_certificate_fault_is_a_tls_error() {
    let good = start(GOOD).await;
    let wrong = start(WRONG).await;
    let expired = start(EXPIRED).await;
    let cases = [
        (good, OTHER_CA, "unknown CA"),
        (wrong, CA, "wrong name"),
        (expired, CA, "expired"),
    ];
    for (addr, roots, case) in cases {
        let url = format!("wss://localhost:{}/ws", addr.port());
        let error = ws::connect_with(&url, trusting(roots)).await.unwrap_err();
        let matched = matches!(
            (&error, case),
            (ws::Error::Tls(tls::Error::UnknownIssuer), "unknown CA")
                | (
                    ws::Error::Tls(tls::Error::NameMismatch { .. }),
                    "wrong name"
                )
                | (ws::Error::Tls(tls::Error::Expired), "expired")
        );
        assert!(matched, "{case}: {error:?}");
        assert!(error.to_string().starts_with("WebSocket TLS: "), "{error}");
    }
}

#[wasio::test]
async fn wss_without_roots_says_how_to_get_some() {
    let addr = start(GOOD).await;
    let url = format!("wss://localhost:{}/ws", addr.port());
    let error = ws::connect(&url).await.unwrap_err();
    if cfg!(feature = "webpki-roots") {
        // Mozilla's roots do not include the test CA.
        assert!(
            matches!(error, ws::Error::Tls(tls::Error::UnknownIssuer)),
            "{error:?}"
        );
    } else {
        assert!(
            matches!(error, ws::Error::Tls(tls::Error::NoRootCertificates)),
            "{error:?}"
        );
    }
}

#[wasio::test]
async fn a_plain_ws_client_cannot_talk_to_the_tls_port() {
    let addr = start(GOOD).await;
    let url = format!("ws://127.0.0.1:{}/ws", addr.port());
    assert!(ws::connect_with(&url, trusting(CA)).await.is_err());
    // Nor a wss client to a plain port.
    let plain = Server::bind("127.0.0.1:0", App::new().route("/ws", get(echo)))
        .await
        .unwrap();
    let port = plain.local_addr().port();
    drop(wasio::spawn(plain.run()));
    let url = format!("wss://localhost:{port}/ws");
    let error = ws::connect_with(&url, trusting(CA)).await.unwrap_err();
    assert!(
        matches!(error, ws::Error::Tls(tls::Error::Protocol(_))),
        "{error:?}"
    );
}
