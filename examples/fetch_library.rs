//! A library component: it exports a WIT interface of its own (`wasio-examples:fetch/fetcher`, in
//! `examples/wit/fetch.wit`), whose `fetch-all` fetches many URLs at once with wasio's
//! executor, timers and HTTP client, and an application component calls it
//! (`examples/fetch_app.rs`). `wac plug` fills the application's import with this component:
//!     cargo build --release --example fetch_library --example fetch_app
//!     wac plug target/wasm32-wasip2/release/examples/fetch_app.wasm --plug target/wasm32-wasip2/release/examples/fetch_library.wasm -o target/fetch_server.wasm
//!     wasmtime serve -Scli target/fetch_server.wasm
//!
//! Then ask `/fetch?url=...&url=...&timeout_ms=...` for some URLs.
//!
//! Built for WASI 0.2, an export is a synchronous function: `fetch-all` runs its own event loop
//! with [`wasio::run`] and returns when the loop is done, and the caller waits meanwhile.
//! Built for WASI 0.3 (`--features p3`, with `examples/wit/p3/fetch.wit`), `fetch-all` is an
//! `async func`: each call runs its loop with [`wasio::run_async`] inside a component-model
//! task of its own, and calls from concurrent requests run side by side in one instance.
//!
//! The bindings come from wit-bindgen (0.62, the version wasio is built on), which an
//! application adds to its own dependencies.

use std::time::Duration;

use wasio::http::Client;
use wasio::time::{Instant, timeout};

#[cfg(not(feature = "p3"))]
wit_bindgen::generate!({ path: "examples/wit/fetch.wit", world: "library" });
#[cfg(feature = "p3")]
wit_bindgen::generate!({ path: "examples/wit/p3/fetch.wit", world: "library" });

use exports::wasio_examples::fetch::fetcher::{Guest, Page};

struct Library;

#[cfg(not(feature = "p3"))]
impl Guest for Library {
    fn fetch_all(urls: Vec<String>, timeout_ms: u32) -> Vec<Result<Page, String>> {
        wasio::run(fetch_all(urls, timeout_ms))
    }
}

#[cfg(feature = "p3")]
impl Guest for Library {
    async fn fetch_all(urls: Vec<String>, timeout_ms: u32) -> Vec<Result<Page, String>> {
        wasio::run_async(fetch_all(urls, timeout_ms)).await
    }
}

export!(Library);

/// Every URL in a task of its own, each under its own deadline; the results in order.
async fn fetch_all(urls: Vec<String>, timeout_ms: u32) -> Vec<Result<Page, String>> {
    let client = Client::new();
    let limit = Duration::from_millis(timeout_ms.into());
    let tasks: Vec<_> = urls
        .into_iter()
        .map(|url| {
            let client = client.clone();
            wasio::spawn(async move {
                match timeout(limit, fetch(&client, &url)).await {
                    Ok(page) => page,
                    Err(_) => Err(format!("{url}: no answer within {timeout_ms} ms")),
                }
            })
        })
        .collect();
    let mut pages = Vec::with_capacity(tasks.len());
    for task in tasks {
        pages.push(task.await.unwrap_or_else(|error| Err(error.to_string())));
    }
    pages
}

/// One URL's page: its status, and its body read to the end.
async fn fetch(client: &Client, url: &str) -> Result<Page, String> {
    let start = Instant::now();
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|e| format!("{url}: {e}"))?;
    Ok(Page {
        url: url.to_owned(),
        status,
        length: body.len() as u64,
        elapsed_ms: u32::try_from(start.elapsed().as_millis()).unwrap_or(u32::MAX),
    })
}
