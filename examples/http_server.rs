//! aiohttp's server example, grown into a small app: `/` says "Hello, World!", `/hello/{name}`
//! greets by name, `/items` takes, lists and clears JSON, `/count` streams lines, `/whoami` tells what
//! the server saw of the request, a middleware adds a header and logs, and `Compression`
//! compresses what is worth it for clients that take gzip or deflate (`curl --compressed`).
//!
//! On its own socket, under `wasmtime run` (the main job; state lives as long as the server):
//!     cargo run --example http_server -- 127.0.0.1:8080
//!
//! Under `wasmtime serve` (the component also exports wasi:http). Built for WASI 0.2, every
//! request gets a fresh instance, so items kept in the application's state last one request;
//! built for WASI 0.3 (`--features p3`), an instance serves many requests and they share its
//! items, but the host runs several instances and replaces them (see
//! `examples/serve_state.rs`):
//!     cargo build --example http_server
//!     wasmtime serve -Scli target/wasm32-wasip2/debug/examples/http_server.wasm
//!
//! Items that must outlast an instance live outside it: with `ITEMS_UPSTREAM` set to the URL
//! of a server that keeps them (this same app on its own socket, say), `/items` goes there
//! through wasio's HTTP client:
//!     cargo run --example http_server -- 127.0.0.1:8081
//!     wasmtime serve -Scli --env ITEMS_UPSTREAM=http://127.0.0.1:8081 target/wasm32-wasip2/debug/examples/http_server.wasm

use std::cell::RefCell;

use futures_lite::StreamExt;
use wasio::http::Client;
use wasio::http::StatusCode;
use wasio::http::server::{App, Compression, HttpError, Json, Next, Request, Response, get};

/// Where `/items` keeps its items.
enum Items {
    /// In the application: as long as it lives (see [`App::state`]).
    Here(RefCell<Vec<serde_json::Value>>),
    /// At `url`/items, on another server.
    Upstream { client: Client, url: String },
}

impl Items {
    fn from_env() -> Items {
        match std::env::var("ITEMS_UPSTREAM") {
            Ok(url) => Items::Upstream {
                client: Client::new(),
                url: format!("{}/items", url.trim_end_matches('/')),
            },
            Err(_) => Items::Here(RefCell::default()),
        }
    }
}

/// A 502 for an upstream that failed or refused.
fn bad_gateway(error: wasio::http::Error) -> HttpError {
    eprintln!("items upstream: {error}");
    HttpError::new(StatusCode::BAD_GATEWAY, "the items store is not answering")
}

async fn hello(request: Request) -> String {
    let name = request.param("name").unwrap_or("World");
    format!("Hello, {name}!")
}

async fn list_items(request: Request) -> Result<Json<Vec<serde_json::Value>>, HttpError> {
    match &*request.state::<Items>()? {
        Items::Here(items) => Ok(Json(items.borrow().clone())),
        Items::Upstream { client, url } => {
            let response = client.get(url).send().await.map_err(bad_gateway)?;
            let response = response.error_for_status().map_err(bad_gateway)?;
            Ok(Json(response.json().await.map_err(bad_gateway)?))
        }
    }
}

async fn add_item(mut request: Request) -> Result<Response, HttpError> {
    let items = request.state::<Items>()?;
    let item: serde_json::Value = request.json().await?;
    if !item.is_object() {
        return Err(HttpError::bad_request("an item is a JSON object"));
    }
    match &*items {
        Items::Here(items) => items.borrow_mut().push(item.clone()),
        Items::Upstream { client, url } => {
            let response = client.post(url).json(&item).send().await;
            response
                .and_then(|r| r.error_for_status())
                .map_err(bad_gateway)?;
        }
    }
    Ok(Response::json(&item).with_status(StatusCode::CREATED))
}

/// Forgets every item: 204 No Content.
async fn clear_items(request: Request) -> Result<StatusCode, HttpError> {
    match &*request.state::<Items>()? {
        Items::Here(items) => items.borrow_mut().clear(),
        Items::Upstream { client, url } => {
            let response = client.delete(url).send().await;
            response
                .and_then(|r| r.error_for_status())
                .map_err(bad_gateway)?;
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize)]
struct Count {
    to: Option<u32>,
}

/// Counts to `?to=` (default 5, at most 1000), one line every 10 ms, streamed as produced.
async fn count(request: Request) -> Result<Response, HttpError> {
    let to = request.query::<Count>()?.to.unwrap_or(5).min(1000);
    let lines = futures_lite::stream::iter(1..=to).then(|n| async move {
        wasio::time::sleep(std::time::Duration::from_millis(10)).await;
        Ok::<_, std::io::Error>(format!("{n}\n"))
    });
    Ok(Response::stream("text/plain", lines))
}

/// What the server saw: the method, the whole URL and the client's user agent.
async fn whoami(request: Request) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "method": request.method().as_str(),
        "url": request.uri().to_string(),
        "user_agent": request.header("user-agent"),
    }))
}

async fn powered_by(request: Request, next: Next) -> Response {
    let line = format!("{} {}", request.method(), request.path());
    let response = next.run(request).await;
    eprintln!("{line} -> {}", response.status().as_u16());
    response.header("x-powered-by", "wasio")
}

fn app() -> App {
    App::new()
        .route("/", get(hello))
        .route("/hello/{name}", get(hello))
        .route("/items", get(list_items).post(add_item).delete(clear_items))
        .route("/count", get(count))
        .route("/whoami", get(whoami))
        .middleware(Compression::new())
        .middleware(powered_by)
        .state(Items::from_env())
}

wasio::export_http!(app());

#[wasio::main]
async fn main() -> Result<(), wasio::http::server::ServeError> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let server = wasio::http::server::Server::bind(addr.as_str(), app()).await?;
    println!("serving on http://{}", server.local_addr());
    server.run().await
}
