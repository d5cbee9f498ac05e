//! Response bodies: sizes, limits, chunks, decoding errors and trailers.

use futures_lite::StreamExt;
use wasio::http::{Client, Error};

use super::{client, client_builder, raw_peer};

#[wasio::test]
async fn a_large_body_arrives_whole() {
    let bytes = client()
        .get("large/5000000")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.len(), 5_000_000);
    assert!(bytes.iter().enumerate().all(|(i, &b)| b == (i % 256) as u8));
}

#[wasio::test]
async fn the_body_limit_holds_at_and_past_its_edge() {
    let client = client_builder().max_body_size(100_000).build().unwrap();
    let at_limit = client
        .get("large/100000")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(at_limit.len(), 100_000);
    let past = client
        .get("large/100001")
        .send()
        .await
        .unwrap()
        .bytes()
        .await;
    assert!(
        matches!(past, Err(Error::BodyTooLarge { limit: 100_000 })),
        "{past:?}"
    );
    let per_request = client
        .get("large/300000")
        .max_body_size(300_000)
        .send()
        .await
        .unwrap();
    assert_eq!(per_request.bytes().await.unwrap().len(), 300_000);
    let mut raised = client.get("large/200000").send().await.unwrap();
    raised.set_max_body_size(200_000);
    assert_eq!(raised.max_body_size(), 200_000);
    assert_eq!(raised.bytes().await.unwrap().len(), 200_000);
}

#[wasio::test]
async fn a_chunked_response_streams_chunk_by_chunk() {
    let mut response = client().get("chunked?n=20&size=3000").send().await.unwrap();
    let mut total = 0;
    let mut chunks = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        total += chunk.len();
        chunks += 1;
    }
    assert_eq!(total, 60_000);
    assert!(chunks >= 2, "the body came in {chunks} chunks");
    assert_eq!(response.chunk().await.unwrap(), None, "it stays at its end");

    let stream = client()
        .get("chunked?n=5&size=10")
        .send()
        .await
        .unwrap()
        .chunks();
    let all: Vec<u8> = stream
        .map(|chunk| chunk.unwrap().to_vec())
        .collect::<Vec<_>>()
        .await
        .concat();
    assert_eq!(all.len(), 50);
}

#[wasio::test]
async fn a_chunk_stream_ends_after_an_error() {
    let client = client_builder().max_body_size(10).build().unwrap();
    let items: Vec<_> = client
        .get("large/100")
        .send()
        .await
        .unwrap()
        .chunks()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(matches!(items[0], Err(Error::BodyTooLarge { .. })));
}

#[wasio::test]
async fn bad_json_and_bad_utf8_are_decode_errors() {
    let bad = client()
        .get("bad-json")
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await;
    assert!(
        matches!(bad, Err(Error::Decode { what: "JSON", .. })),
        "{bad:?}"
    );
    let bad = client().get("bad-utf8").send().await.unwrap().text().await;
    assert!(
        matches!(bad, Err(Error::Decode { what: "UTF-8", .. })),
        "{bad:?}"
    );
}

#[wasio::test]
async fn error_for_status_separates_failures() {
    let ok = client()
        .get("status/204")
        .send()
        .await
        .unwrap()
        .error_for_status();
    assert!(ok.is_ok());
    for code in [404, 418, 500, 503] {
        let error = client()
            .get(&format!("status/{code}"))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(code));
        assert!(!error.is_timeout());
    }
}

#[wasio::test]
async fn trailers_arrive_after_the_body() {
    let mut response = Client::new()
        .get(&format!("{}/trailers", raw_peer()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.trailers().await.unwrap(),
        None,
        "not before the body is read"
    );
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.unwrap() {
        body.extend_from_slice(&chunk);
    }
    assert_eq!(body, b"hello world");
    let trailers = response
        .trailers()
        .await
        .unwrap()
        .expect("the server sent trailers");
    assert_eq!(trailers["x-checksum"], "1a2b");
}
