//! `wasio::http::Client` against the aiohttp peer in tests/peers/http_server.py.

mod bodies;
mod coding;
mod cookies;
mod errors;
mod load;
mod multipart;
mod redirects;
mod requests;
mod timeouts;

use wasio::http::{Client, ClientBuilder, RequestBuilder};

/// The base URL of the aiohttp peer.
pub fn peer() -> String {
    std::env::var("WASIO_TEST_HTTP_URL").expect(
        "WASIO_TEST_HTTP_URL is not set: start tests/peers/http_server.py and export the URL it \
         prints (scripts/test does both)",
    )
}

/// The base URL of the raw peer that sends trailers.
pub fn raw_peer() -> String {
    std::env::var("WASIO_TEST_RAW_URL").expect("WASIO_TEST_RAW_URL is not set (see peer())")
}

/// The base URL of a listener that never accepts: connecting to it hangs.
pub fn blackhole() -> String {
    std::env::var("WASIO_TEST_BLACKHOLE_URL")
        .expect("WASIO_TEST_BLACKHOLE_URL is not set (see peer())")
}

/// A client builder whose base URL is the aiohttp peer, for clients with other settings.
pub fn client_builder() -> ClientBuilder {
    Client::builder().base_url(&format!("{}/", peer()))
}

/// A client whose base URL is the aiohttp peer.
pub fn client() -> Client {
    client_builder().build().unwrap()
}

/// Sends `request` and decodes the response's JSON body; any error panics.
pub async fn fetch_json<T: serde::de::DeserializeOwned>(request: RequestBuilder) -> T {
    request.send().await.unwrap().json().await.unwrap()
}

/// What the peer's `/echo` route saw.
#[derive(Debug, serde::Deserialize)]
pub struct Echo {
    pub method: String,
    pub path: String,
    pub query: std::collections::BTreeMap<String, Vec<String>>,
    pub headers: std::collections::BTreeMap<String, String>,
    pub body: String,
    pub body_len: usize,
    pub content_type: String,
    pub all_headers: std::collections::BTreeMap<String, Vec<String>>,
}
