//! Each kind of timeout: total (wasio's timer), connect, first byte and between bytes (the
//! host's).

use std::time::Duration;

use wasio::http::{Client, Error, TimeoutKind};
use wasio::time::Instant;

use super::{blackhole, client, client_builder};

const MS: Duration = Duration::from_millis(1);

fn timeout_kind(result: Result<impl std::fmt::Debug, Error>) -> TimeoutKind {
    match result {
        Err(Error::Timeout { kind, .. }) => kind,
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[wasio::test]
async fn the_total_deadline_covers_the_head() {
    let start = Instant::now();
    let result = client()
        .get("slow-first-byte?delay=2")
        .timeout(200 * MS)
        .send()
        .await;
    assert_eq!(timeout_kind(result), TimeoutKind::Total);
    assert!(start.elapsed() < Duration::from_secs(1));
}

#[wasio::test]
async fn the_total_deadline_covers_the_body_too() {
    let client = client_builder().timeout(300 * MS).build().unwrap();
    let response = client.get("slow-body?delay=2").send().await.unwrap();
    assert_eq!(timeout_kind(response.bytes().await), TimeoutKind::Total);
}

#[wasio::test]
async fn a_slow_first_byte_times_out_as_such() {
    let result = client()
        .get("slow-first-byte?delay=2")
        .first_byte_timeout(200 * MS)
        .send()
        .await;
    assert_eq!(timeout_kind(result), TimeoutKind::FirstByte);
}

#[wasio::test]
async fn a_pause_in_the_body_times_out_between_bytes() {
    let response = client()
        .get("slow-body?delay=2")
        .between_bytes_timeout(200 * MS)
        .send()
        .await
        .unwrap();
    assert_eq!(
        timeout_kind(response.bytes().await),
        TimeoutKind::BetweenBytes
    );
}

#[wasio::test]
async fn generous_timeouts_let_slow_responses_through() {
    let text = client()
        .get("slow-body?delay=0.1")
        .timeout(Duration::from_secs(10))
        .between_bytes_timeout(Duration::from_secs(5))
        .first_byte_timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, "part one, part two");
}

#[wasio::test]
async fn a_connection_that_is_never_accepted_times_out_connecting() {
    let start = Instant::now();
    let result = Client::builder()
        .connect_timeout(300 * MS)
        .build()
        .unwrap()
        .get(&blackhole())
        .send()
        .await;
    assert_eq!(timeout_kind(result), TimeoutKind::Connect);
    assert!(start.elapsed() < Duration::from_secs(5));
}
