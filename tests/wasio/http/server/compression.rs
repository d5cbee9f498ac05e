//! The `Compression` middleware and `Request::decompress` on wasio's own server, with wasio's
//! client on the other end (decoding, or showing the bytes as sent).

use std::time::Duration;

use futures_lite::stream;
use wasio::http::coding::Coding;
use wasio::http::server::{App, Compression, Event, HttpError, Request, Response, Sse, get, post};
use wasio::http::{Body, Client, ClientResponse};

use super::{exchange, exchange_head, start};

const TEXT: &str = "a line of text that compresses well, as text does\n";

fn app() -> App {
    App::new()
        .middleware(Compression::new())
        .route("/text", get(|_| async { TEXT.repeat(200) }))
        .route("/small", get(|_| async { TEXT }))
        .route(
            "/png",
            get(|_| async {
                Response::bytes(vec![7u8; 10_000]).header("content-type", "image/png")
            }),
        )
        .route(
            "/svg",
            get(|_| async {
                Response::text(TEXT.repeat(50)).header("content-type", "image/svg+xml")
            }),
        )
        .route(
            "/encoded",
            get(|_| async {
                Response::text(TEXT.repeat(50)).header("content-encoding", "identity")
            }),
        )
        .route(
            "/tagged",
            get(|_| async {
                Response::text(TEXT.repeat(50))
                    .header("etag", "\"v1\"")
                    .header("vary", "origin")
            }),
        )
        .route(
            "/error",
            get(|_| async { Err::<String, _>(HttpError::bad_request(TEXT.repeat(50))) }),
        )
        .route(
            "/events",
            get(|_| async {
                Sse::new(stream::unfold(0, |n| async move {
                    (n < 3).then(|| (Event::data(format!("event {n}")), n + 1))
                }))
            }),
        )
        .route(
            "/upload",
            post(|mut request: Request| async move {
                request.decompress()?;
                let text = request.text().await?;
                Ok::<_, HttpError>(format!("{} bytes", text.len()))
            }),
        )
}

async fn get_raw(addr: std::net::SocketAddr, path: &str, accept: &str) -> ClientResponse {
    Client::new()
        .get(&format!("http://{addr}{path}"))
        .auto_decompress(false)
        .header("accept-encoding", accept)
        .send()
        .await
        .unwrap()
}

#[wasio::test]
async fn text_goes_in_the_coding_the_client_values_most() {
    let addr = start(app()).await;
    for (accept, coding) in [
        ("gzip, deflate", Some("gzip")),
        ("deflate, gzip;q=0.5", Some("deflate")),
        ("br;q=1, gzip;q=0.1", Some("gzip")),
        ("identity", None),
        ("gzip;q=0", None),
    ] {
        let response = get_raw(addr, "/text", accept).await;
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            coding,
            "{accept}"
        );
        assert_eq!(response.headers()["vary"], "accept-encoding", "{accept}");
        let raw = response.bytes().await.unwrap();
        match coding {
            Some(_) => assert!(raw.len() < TEXT.len() * 20, "{accept}: {} bytes", raw.len()),
            None => assert_eq!(raw.len(), TEXT.len() * 200),
        }
    }
    let decoded = Client::new()
        .get(&format!("http://{addr}/text"))
        .send()
        .await
        .unwrap();
    assert_eq!(decoded.headers()["content-encoding"], "gzip");
    assert_eq!(decoded.text().await.unwrap(), TEXT.repeat(200));
}

#[wasio::test]
async fn what_compression_cannot_help_goes_as_it_is() {
    let addr = start(app()).await;
    for path in ["/small", "/png", "/encoded", "/error"] {
        let response = get_raw(addr, path, "gzip").await;
        let coding = response
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_ne!(coding.as_deref(), Some("gzip"), "{path}");
        assert_eq!(response.headers().get("vary"), None, "{path}");
    }
    let svg = get_raw(addr, "/svg", "gzip").await;
    assert_eq!(svg.headers()["content-encoding"], "gzip", "SVG is text");
    let head = exchange_head(
        addr,
        b"HEAD /text HTTP/1.1\r\nhost: x\r\naccept-encoding: gzip\r\n\r\n",
    )
    .await;
    assert_eq!(head.header("content-encoding"), None);
}

#[wasio::test]
async fn a_compressed_answer_joins_its_vary_and_weakens_its_etag() {
    let addr = start(app()).await;
    let response = get_raw(addr, "/tagged", "gzip").await;
    assert_eq!(response.headers()["etag"], "W/\"v1\"");
    let vary: Vec<_> = response
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(vary, ["origin, accept-encoding"]);
    let plain = get_raw(addr, "/tagged", "identity").await;
    assert_eq!(plain.headers()["etag"], "\"v1\"");
}

#[wasio::test]
async fn server_sent_events_arrive_one_by_one_compressed() {
    let addr = start(app()).await;
    let mut response = Client::new()
        .get(&format!("http://{addr}/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let mut seen = String::new();
    for n in 0..3 {
        let chunk = wasio::time::timeout(Duration::from_secs(5), response.chunk())
            .await
            .expect("each event is flushed")
            .unwrap()
            .unwrap();
        seen.push_str(std::str::from_utf8(&chunk).unwrap());
        assert!(seen.contains(&format!("data: event {n}\n\n")), "{seen:?}");
    }
}

#[wasio::test]
async fn a_compressed_upload_is_decoded_under_the_body_limit() {
    let app = app().max_body_size(100_000);
    let addr = start(app).await;
    let client = Client::new();
    let url = format!("http://{addr}/upload");
    for coding in [Coding::Gzip, Coding::Deflate] {
        let reply = client
            .post(&url)
            .body(TEXT.repeat(1000))
            .compress(coding)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200);
        assert_eq!(
            reply.text().await.unwrap(),
            format!("{} bytes", TEXT.len() * 1000),
            "{coding}"
        );
    }
    // 100 000 bytes decoded is the limit: at it, and one past it.
    let at = client
        .post(&url)
        .body("x".repeat(100_000))
        .compress(Coding::Gzip)
        .send()
        .await
        .unwrap();
    assert_eq!(at.text().await.unwrap(), "100000 bytes");
    let bomb = client
        .post(&url)
        .body(vec![0u8; 10_000_000])
        .compress(Coding::Gzip)
        .send()
        .await
        .unwrap();
    assert_eq!(bomb.status(), 413);
    let past = client
        .post(&url)
        .body("x".repeat(100_001))
        .compress(Coding::Deflate)
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), 413);
    let streamed = client
        .post(&url)
        .body(Body::from_stream(stream::iter([
            Ok::<_, std::io::Error>("abc"),
            Ok("def"),
        ])))
        .compress(Coding::Gzip)
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.text().await.unwrap(), "6 bytes");
    let unknown = exchange(
        addr,
        b"POST /upload HTTP/1.1\r\nhost: x\r\ncontent-encoding: zstd\r\ncontent-length: 3\r\n\r\nabc",
    )
    .await;
    assert_eq!(unknown.status, 415);
    let corrupt = exchange(
        addr,
        b"POST /upload HTTP/1.1\r\nhost: x\r\ncontent-encoding: gzip\r\ncontent-length: 3\r\n\r\nabc",
    )
    .await;
    assert_eq!(corrupt.status, 400);
    let plain = client.post(&url).body("plain").send().await.unwrap();
    assert_eq!(plain.text().await.unwrap(), "5 bytes");
}
