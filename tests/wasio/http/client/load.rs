//! Many requests at once, with and without a concurrency limit.

use wasio::future::try_join_all;

use super::{Echo, client, client_builder, fetch_json};

#[wasio::test]
async fn a_hundred_concurrent_requests_all_succeed() {
    let client = client();
    let requests = (0..100).map(|i| {
        let client = client.clone();
        async move {
            let echo: Echo = client
                .get("echo")
                .query(&[("i", i)])
                .send()
                .await?
                .json()
                .await?;
            Ok::<_, wasio::http::Error>(echo.query["i"][0].parse::<u32>().unwrap())
        }
    });
    let got = try_join_all(requests).await.unwrap();
    assert_eq!(got, (0..100).collect::<Vec<_>>());
}

#[wasio::test]
async fn the_concurrency_limit_holds_requests_back() {
    let client = client_builder().max_concurrency(3).build().unwrap();
    // The server counts the requests of this group it is serving at once.
    let group = format!("limit-{}", wasio::time::Instant::now().as_nanos());
    let requests = (0..12).map(|_| {
        let (client, group) = (client.clone(), group.clone());
        async move {
            client
                .get("slow-first-byte")
                .query(&[("delay", "0.05"), ("group", &group)])
                .send()
                .await?
                .text()
                .await
        }
    });
    let texts = try_join_all(requests).await.unwrap();
    assert!(texts.iter().all(|t| t == "finally"));
    let peak: serde_json::Value = fetch_json(client.get("peak").query(&[("group", &group)])).await;
    assert_eq!(
        peak["peak"], 3,
        "the server saw {} requests at once",
        peak["peak"]
    );
}

#[wasio::test]
async fn a_response_holds_its_concurrency_slot_until_it_is_dropped() {
    let client = client_builder().max_concurrency(1).build().unwrap();
    let unread = client.get("echo").send().await.unwrap();
    let waiting = wasio::time::timeout(
        std::time::Duration::from_millis(200),
        client.get("echo").send(),
    )
    .await;
    assert!(
        waiting.is_err(),
        "a second request went out while the slot was held"
    );
    drop(unread);
    let next = client.get("echo").send().await.unwrap();
    assert_eq!(next.status(), 200);
}
