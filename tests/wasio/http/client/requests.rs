//! Methods, URLs, query strings, headers and request bodies.

use std::time::Duration;

use bytes::Bytes;
use http::Method;
use wasio::http::{Body, Client, Request, StatusCode};

use super::{Echo, client, client_builder, fetch_json, peer};

#[wasio::test]
async fn a_get_returns_status_headers_and_body() {
    let response = Client::new()
        .get(&format!("{}/status/200", peer()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.content_length(), Some(10));
    assert!(response.headers().contains_key("content-type"));
    assert_eq!(response.text().await.unwrap(), "status 200");
}

#[wasio::test]
async fn every_method_reaches_the_server() {
    let client = client();
    for method in [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ] {
        let echo: Echo = fetch_json(client.request(method.clone(), "echo")).await;
        assert_eq!(echo.method, method.as_str());
    }
    let head = client.head("echo").send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert!(head.bytes().await.unwrap().is_empty());
}

#[wasio::test]
async fn the_base_url_and_query_parameters_build_the_url() {
    let client = Client::builder()
        .base_url(&format!("{}/api/", peer()))
        .build()
        .unwrap();
    let echo: Echo = fetch_json(
        client
            .get("/echo")
            .query(&[("q", "rust wasm"), ("page", "2")]),
    )
    .await;
    assert_eq!(echo.path, "/echo");
    assert_eq!(echo.query["q"], ["rust wasm"]);
    assert_eq!(echo.query["page"], ["2"]);

    #[derive(serde::Serialize)]
    struct Search<'a> {
        tag: &'a str,
        limit: u32,
    }
    let echo: Echo = fetch_json(client.get("/echo?fixed=1").query(&Search {
        tag: "a&b=c",
        limit: 5,
    }))
    .await;
    assert_eq!(echo.query["fixed"], ["1"]);
    assert_eq!(echo.query["tag"], ["a&b=c"], "values are percent-encoded");
    assert_eq!(echo.query["limit"], ["5"]);
}

#[wasio::test]
async fn headers_defaults_and_auth_are_sent() {
    let client = client_builder()
        .default_header("x-team", "wasio")
        .user_agent("tests/1.0")
        .build()
        .unwrap();
    let echo: Echo = fetch_json(
        client
            .get("echo")
            .header("x-request-id", "42")
            .header("x-team", "override")
            .bearer_auth("t0ken"),
    )
    .await;
    assert_eq!(echo.headers["x-request-id"], "42");
    assert_eq!(echo.headers["x-team"], "override");
    assert_eq!(echo.headers["user-agent"], "tests/1.0");
    assert_eq!(echo.headers["authorization"], "Bearer t0ken");

    let echo: Echo = fetch_json(
        client
            .get("echo")
            .basic_auth("Aladdin", Some("open sesame")),
    )
    .await;
    assert_eq!(
        echo.headers["authorization"],
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );
    let default_agent: Echo = fetch_json(Client::new().get(&format!("{}/echo", peer()))).await;
    assert!(default_agent.headers["user-agent"].starts_with("wasio/"));
}

#[wasio::test]
async fn json_form_and_text_bodies() {
    let client = client();
    let echo: Echo = fetch_json(
        client
            .post("echo")
            .json(&serde_json::json!({"name": "thing", "n": 3})),
    )
    .await;
    assert_eq!(echo.content_type, "application/json");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&echo.body).unwrap()["n"],
        3
    );

    let echo: Echo = fetch_json(client.post("echo").form(&[("a", "1"), ("b", "x y")])).await;
    assert_eq!(echo.content_type, "application/x-www-form-urlencoded");
    assert_eq!(echo.body, "a=1&b=x+y");

    let echo: Echo = fetch_json(client.put("echo").body("plain text")).await;
    assert_eq!((echo.body.as_str(), echo.body_len), ("plain text", 10));
    assert_eq!(echo.headers["content-length"], "10");
}

#[wasio::test]
async fn a_large_streamed_upload_is_sent_while_it_is_produced() {
    const CHUNKS: u32 = 256;
    const CHUNK: usize = 64 * 1024;
    let chunks = futures_lite::stream::iter(0..CHUNKS).then(|i| async move {
        if i % 32 == 0 {
            wasio::time::sleep(Duration::from_millis(1)).await;
        }
        Ok::<_, std::io::Error>(Bytes::from(vec![(i % 7) as u8; CHUNK]))
    });
    use futures_lite::StreamExt;
    let summary: serde_json::Value =
        fetch_json(client().post("upload").body(Body::from_stream(chunks))).await;
    let expected_sum: u64 = (0..CHUNKS).map(|i| u64::from(i % 7) * CHUNK as u64).sum();
    assert_eq!(summary["size"], u64::from(CHUNKS) * CHUNK as u64);
    assert_eq!(summary["sum"], expected_sum % (1 << 32));
}

#[wasio::test]
async fn an_http_request_built_elsewhere_can_be_executed() {
    let request = Request::builder()
        .method("PATCH")
        .uri(format!("{}/echo?x=1", peer()))
        .header("x-built", "yes")
        .body(Body::from("built"))
        .unwrap();
    let echo: Echo = Client::new()
        .execute(request)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (echo.method.as_str(), echo.body.as_str()),
        ("PATCH", "built")
    );
    assert_eq!(echo.headers["x-built"], "yes");
}

#[wasio::test]
async fn an_empty_post_says_content_length_0_and_a_get_says_nothing() {
    let echo: Echo = fetch_json(client().post("echo")).await;
    assert_eq!(echo.headers["content-length"], "0");
    let echo: Echo = fetch_json(client().get("echo")).await;
    assert!(!echo.headers.contains_key("content-length"), "{echo:?}");
}

#[wasio::test]
async fn headers_with_several_values_are_all_sent() {
    let mut map = http::HeaderMap::new();
    map.append("x-multi", "one".parse().unwrap());
    map.append("x-multi", "two".parse().unwrap());
    let echo: Echo = fetch_json(
        client()
            .get("echo")
            .headers(map)
            .append_header("x-multi", "three"),
    )
    .await;
    assert_eq!(echo.all_headers["x-multi"], ["one", "two", "three"]);
}

#[wasio::test]
async fn execute_sends_the_client_defaults_too() {
    let client = Client::builder()
        .default_header("x-team", "wasio")
        .user_agent("tests/2.0")
        .build()
        .unwrap();
    let request = Request::builder()
        .uri(format!("{}/echo", peer()))
        .header("x-own", "1")
        .body(Body::empty())
        .unwrap();
    let echo: Echo = client.execute(request).await.unwrap().json().await.unwrap();
    assert_eq!(echo.headers["x-team"], "wasio");
    assert_eq!(echo.headers["user-agent"], "tests/2.0");
    assert_eq!(echo.headers["x-own"], "1");
}

#[wasio::test]
async fn credentials_in_the_url_become_basic_auth() {
    let url = peer().replacen("http://", "http://Aladdin:open%20sesame@", 1);
    let echo: Echo = fetch_json(Client::new().get(&format!("{url}/echo"))).await;
    assert_eq!(
        echo.headers["authorization"],
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );
    assert!(!echo.headers["host"].contains('@'), "{:?}", echo.headers);
}

#[wasio::test]
async fn the_upload_streams_while_the_response_is_read() {
    use futures_lite::StreamExt;
    // The upload sends its next chunk only once the server reported the last one in the
    // response body: it can finish only if both directions flow at once.
    const CHUNKS: usize = 20;
    let acknowledged = std::rc::Rc::new(wasio::sync::Semaphore::new(0));
    let permits = acknowledged.clone();
    let chunks = futures_lite::stream::iter(0..CHUNKS).then(move |i| {
        let permits = permits.clone();
        async move {
            if i > 0 {
                permits.acquire().await.unwrap().forget();
            }
            Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; 1000]))
        }
    });
    let mut response = client()
        .post("duplex")
        .body(Body::from_stream(chunks))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    let mut reports = String::new();
    while let Some(chunk) = response.chunk().await.unwrap() {
        let text = std::str::from_utf8(&chunk).unwrap();
        acknowledged.add_permits(text.matches("got").count());
        reports.push_str(text);
    }
    let received: usize = reports
        .lines()
        .filter_map(|line| line.strip_prefix("got "))
        .map(|n| n.parse::<usize>().unwrap())
        .sum();
    assert_eq!(received, CHUNKS * 1000, "{reports}");
    assert!(reports.ends_with("done\n"), "{reports}");
}
