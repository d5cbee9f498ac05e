//! Content codings: responses in gzip, deflate (zlib and raw) and Brotli decoded as they
//! stream, under the body limit; `accept-encoding`; bodies as sent when asked; compressed
//! request bodies.

use futures_lite::stream;
use wasio::http::coding::Coding;
use wasio::http::{Body, Error};

use super::{client, client_builder, fetch_json};

/// The text the peer's /coded routes send, before coding (see `coded_text` in
/// tests/peers/http_server.py).
fn coded_text(size: usize) -> String {
    let lines: String = (0..size / 30 + 1)
        .map(|i| format!("line {i} of a body that compresses well\n"))
        .collect();
    lines[..size].to_string()
}

/// The body of a GET of `path`, decoded; any error panics.
async fn text_of(path: &str) -> String {
    client()
        .get(path)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[wasio::test]
async fn every_coding_is_decoded_and_asked_for() {
    for path in [
        "coded/gzip",
        "coded/deflate",
        "coded/deflate?raw",
        "coded/br",
    ] {
        let text = text_of(path).await;
        assert_eq!(text, coded_text(100_000), "{path}");
    }
    let echo: serde_json::Value = fetch_json(client().get("echo")).await;
    assert_eq!(echo["headers"]["accept-encoding"], "gzip, deflate, br");
}

#[wasio::test]
async fn a_chunked_slow_body_is_decoded_as_it_arrives() {
    let mut response = client()
        .get("coded/gzip?chunked&delay=0.01&size=300000")
        .send()
        .await
        .unwrap();
    let mut text = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        assert!(!chunk.is_empty());
        text.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert_eq!(String::from_utf8(text).unwrap(), coded_text(300_000));
    assert!(chunks > 5, "{chunks} chunks: decoded as they came");
    for path in ["coded/deflate?chunked", "coded/br?chunked"] {
        let text = text_of(path).await;
        assert_eq!(text, coded_text(100_000), "{path}");
    }
}

#[wasio::test]
async fn a_body_cut_short_fails_with_its_coding_named() {
    for (path, coding) in [
        ("coded/gzip?truncate", "gzip"),
        ("coded/deflate?truncate&chunked", "deflate"),
        ("coded/br?truncate", "br"),
    ] {
        let result = client().get(path).send().await.unwrap().bytes().await;
        assert!(
            matches!(&result, Err(Error::Decode { what, .. }) if *what == coding),
            "{path}: {result:?}"
        );
    }
}

#[wasio::test]
async fn a_bomb_stops_at_the_body_limit() {
    let client = client_builder().max_body_size(1 << 20).build().unwrap();
    // 64 MiB of zeros, about 64 KB in gzip.
    for path in [
        "coded/gzip?bomb&size=67108864",
        "coded/br?bomb&size=67108864",
    ] {
        let result = client.get(path).send().await.unwrap().bytes().await;
        assert!(
            matches!(result, Err(Error::BodyTooLarge { limit: 1048576 })),
            "{path}: {result:?}"
        );
    }
    let at_limit = client
        .get("coded/gzip?bomb&size=1048576")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(at_limit.len(), 1 << 20);
    let past = client
        .get("coded/deflate?bomb&size=1048577")
        .send()
        .await
        .unwrap();
    let past = past.bytes().await;
    assert!(matches!(past, Err(Error::BodyTooLarge { .. })), "{past:?}");
}

#[wasio::test]
async fn without_decompression_the_body_comes_as_sent() {
    let raw = client()
        .get("coded/gzip")
        .auto_decompress(false)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&raw[..2], [0x1f, 0x8b], "gzip's magic bytes");
    let plain = client_builder().auto_decompress(false).build().unwrap();
    let echo: serde_json::Value = fetch_json(plain.get("echo")).await;
    assert_eq!(echo["headers"].get("accept-encoding"), None);
    let own: serde_json::Value =
        fetch_json(client().get("echo").header("accept-encoding", "gzip")).await;
    assert_eq!(own["headers"]["accept-encoding"], "gzip");
}

#[wasio::test]
async fn a_request_body_goes_compressed_when_asked() {
    let text = coded_text(50_000);
    for coding in [Coding::Gzip, Coding::Deflate] {
        let reply: serde_json::Value = fetch_json(
            client()
                .post("coded-upload")
                .body(text.clone())
                .compress(coding),
        )
        .await;
        assert_eq!(reply["coding"], coding.as_str());
        assert_eq!(reply["body"], text.as_str());
        assert!(reply["raw_len"].as_u64().unwrap() < 10_000, "{reply}");
    }
    let pieces = vec![
        Ok::<_, std::io::Error>("first piece, ".to_string()),
        Ok("second".to_string()),
    ];
    let reply: serde_json::Value = fetch_json(
        client()
            .post("coded-upload")
            .body(Body::from_stream(stream::iter(pieces)))
            .compress(Coding::Gzip),
    )
    .await;
    assert_eq!(reply["body"], "first piece, second");
    let refused = client()
        .post("coded-upload")
        .body("x")
        .compress(Coding::Brotli)
        .send()
        .await;
    assert!(
        matches!(refused, Err(Error::Decode { what: "br", .. })),
        "{refused:?}"
    );
}
