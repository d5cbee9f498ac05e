//! aiohttp's server example, grown into a small app: `/` says "Hello, World!", `/hello/{name}`
//! greets by name, `/items` takes and lists JSON, `/count` streams lines, and a middleware
//! adds a header and logs.
//!
//! Under `wasmtime serve` (the component exports wasi:http):
//!     cargo build --example http_server && wasmtime serve -Scli target/wasm32-wasip2/debug/examples/http_server.wasm

use std::cell::RefCell;

use wasio::http::server::{App, HttpError, Json, Next, Request, Response, get};

#[derive(Default)]
struct Items(RefCell<Vec<serde_json::Value>>);

async fn hello(request: Request) -> String {
    let name = request.param("name").unwrap_or("World");
    format!("Hello, {name}!")
}

async fn list_items(request: Request) -> Json<Vec<serde_json::Value>> {
    let items = request.state::<Items>().map(|i| i.0.borrow().clone()).unwrap_or_default();
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

async fn count(request: Request) -> Response {
    let to: u32 = request.query_pairs().iter().find(|(k, _)| k == "to").and_then(|(_, v)| v.parse().ok()).unwrap_or(5);
    let lines = futures_lite::stream::iter(1..=to).then(|n| async move {
        wasio::time::sleep(std::time::Duration::from_millis(10)).await;
        Ok::<_, std::io::Error>(format!("{n}\n"))
    });
    use futures_lite::StreamExt;
    Response::stream("text/plain", lines)
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
        .middleware(powered_by)
        .state(Items::default())
}

wasio::export_http!(app());

fn main() {
    eprintln!("serve this component with wasmtime serve -Scli");
}
