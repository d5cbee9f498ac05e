//! aiohttp's server example, grown into a small app: `/` says "Hello, World!", `/hello/{name}`
//! greets by name, `/items` takes and lists JSON, `/count` streams lines, `/whoami` tells what
//! the server saw of the request, and a middleware adds a header and logs.
//!
//! On its own socket, under `wasmtime run` (the main job; state lives as long as the server):
//!     cargo run --example http_server -- 127.0.0.1:8080
//!
//! Under `wasmtime serve` (the component also exports wasi:http). Built for WASI 0.2, every
//! request gets a fresh instance, so `/items` starts empty each time; built for WASI 0.3
//! (`--features p3`), an instance serves many requests and they share its items (see
//! `examples/serve_state.rs`):
//!     cargo build --example http_server
//!     wasmtime serve -Scli target/wasm32-wasip2/debug/examples/http_server.wasm

use std::cell::RefCell;

use futures_lite::StreamExt;
use wasio::http::server::{App, HttpError, Json, Next, Request, Response, get};

#[derive(Default)]
struct Items(RefCell<Vec<serde_json::Value>>);

async fn hello(request: Request) -> String {
    let name = request.param("name").unwrap_or("World");
    format!("Hello, {name}!")
}

async fn list_items(request: Request) -> Json<Vec<serde_json::Value>> {
    let items = request
        .state::<Items>()
        .map(|i| i.0.borrow().clone())
        .unwrap_or_default();
    Json(items)
}

async fn add_item(mut request: Request) -> Result<Response, HttpError> {
    let item: serde_json::Value = request.json().await?;
    if !item.is_object() {
        return Err(HttpError::bad_request("an item is a JSON object"));
    }
    if let Some(items) = request.state::<Items>() {
        items.0.borrow_mut().push(item.clone());
    }
    Ok(Response::json(&item).with_status(wasio::http::StatusCode::CREATED))
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
        .route("/items", get(list_items).post(add_item))
        .route("/count", get(count))
        .route("/whoami", get(whoami))
        .middleware(powered_by)
        .state(Items::default())
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
