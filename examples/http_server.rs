//! aiohttp's server example, grown into a small app: `/` says "Hello, World!", `/hello/{name}`
//! greets by name, `/items` takes, lists and clears JSON, `/count` streams lines, `/whoami` tells what
//! the server saw of the request, `/login` sets a cookie that `/me` reads and `/logout` removes,
//! `/upload` answers the parts of a multipart upload (names, sizes, SHA-1s) as they stream,
//! a middleware adds a header, `Compression` compresses what is worth it for clients that take
//! gzip or deflate (`curl --compressed`), `Cors` lets pages of `http://localhost:3000` call the
//! app, `RequestId` tags every request, and `AccessLog` writes a line per request to standard
//! error in aiohttp's format. `/static/{path}` serves the files of the directory the host
//! preopens as `/static` (`examples/static` below; 404 without it), with types, `ETag`s,
//! 304s and ranges.
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
//!
//! Static files, with `examples/static` preopened as `/static`, on its own socket or under
//! `wasmtime serve`:
//!     cargo build --example http_server
//!     wasmtime run -Sinherit-network -Shttp --dir examples/static::/static target/wasm32-wasip2/debug/examples/http_server.wasm 127.0.0.1:8080
//!     wasmtime serve -Scli --dir examples/static::/static target/wasm32-wasip2/debug/examples/http_server.wasm
//!     curl -r 0-4 http://127.0.0.1:8080/static/hello.txt

use std::cell::RefCell;

use futures_lite::StreamExt;
use std::time::Duration;
use wasio::http::Client;
use wasio::http::StatusCode;

use wasio::http::Method;
use wasio::http::multipart::MultipartLimits;
use wasio::http::server::{
    AccessLog, App, Compression, Cookie, Cors, HttpError, Json, Next, Request, RequestId, Response,
    SameSite, get, post,
};

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

/// The largest file `/upload` takes: 50 MiB, past it 413 (the body may be 1 MiB more, for
/// the other fields and the part headers).
const MAX_UPLOAD: u64 = 50 * 1024 * 1024;

/// Each part of a multipart upload: its name, file name, size and SHA-1, as JSON. The parts
/// stream through, none held whole.
async fn upload(mut request: Request) -> Result<Json<Vec<serde_json::Value>>, HttpError> {
    request.set_max_body_size(MAX_UPLOAD + 1024 * 1024);
    let mut limits = MultipartLimits::default();
    limits.max_part_size = MAX_UPLOAD;
    limits.max_size = MAX_UPLOAD + 1024 * 1024;
    let mut multipart = request.multipart_with(limits)?;
    let mut parts = Vec::new();
    while let Some(mut part) = multipart.next_part().await? {
        let (mut size, mut sha1) = (0, sha1_smol::Sha1::new());
        while let Some(chunk) = part.chunk().await? {
            size += chunk.len();
            sha1.update(&chunk);
        }
        parts.push(serde_json::json!({
            "name": part.name(),
            "filename": part.filename(),
            "size": size,
            "sha1": sha1.digest().to_string(),
        }));
    }
    Ok(Json(parts))
}

async fn powered_by(request: Request, next: Next) -> Response {
    next.run(request).await.header("x-powered-by", "wasio")
}

/// The session cookie: the user's name, for this app's paths, out of the page's scripts'
/// reach.
fn session(user: &str) -> Cookie {
    Cookie::new("user", user)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(Duration::from_secs(3600))
}

#[derive(serde::Deserialize)]
struct Login {
    user: String,
}

/// Logs in the form's `user` (letters and digits): a cookie, and `303 See Other` to `/me`.
async fn login(mut request: Request) -> Result<Response, HttpError> {
    let Login { user } = request.form().await?;
    if user.is_empty() || !user.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(HttpError::bad_request("a user name is letters and digits"));
    }
    let me = request.url_for("me", &[]).map_err(HttpError::internal)?;
    Ok(Response::see_other(&me).set_cookie(&session(&user))?)
}

/// Who the cookie says the client is; 401 without one.
async fn me(request: Request) -> Result<String, HttpError> {
    match request.cookie("user") {
        Some(user) => Ok(format!("you are {user}")),
        None => Err(HttpError::unauthorized("log in first: POST /login")),
    }
}

/// Forgets the session: the cookie is removed.
async fn logout(_request: Request) -> Result<Response, HttpError> {
    Ok(Response::text("bye").remove_cookie(&session(""))?)
}

/// Pages of `http://localhost:3000` may call the app, with their cookies.
fn cors() -> Cors {
    Cors::new()
        .allow_origin("http://localhost:3000")
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers(["content-type"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
}

fn app() -> App {
    App::new()
        .route("/", get(hello))
        .route("/hello/{name}", get(hello))
        .route("/items", get(list_items).post(add_item).delete(clear_items))
        .route("/count", get(count))
        .route("/whoami", get(whoami))
        .route("/login", post(login))
        .route("/me", get(me).name("me"))
        .route("/logout", post(logout))
        .route("/upload", post(upload))
        .static_files("/static", "/static")
        .middleware(AccessLog::new())
        .middleware(cors())
        .middleware(RequestId::new())
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
