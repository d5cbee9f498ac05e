//! What an application's state means under `wasmtime serve`, on either backend.
//!
//! WASI 0.2 gives every request a fresh instance, so nothing lasts beyond one request. WASI
//! 0.3 reuses an instance for many requests, several at a time: the application (and its
//! state) is made by the instance's first request and shared by every later one; each request
//! still runs on an event loop of its own. Every response says which instance answered
//! (`x-instance`) and how many requests that instance has seen (`x-request`).
//!
//! - `/` counts the request; `/stats` shows the instance's counters as JSON, among them how
//!   often the application's startup hook ran on it: once, before its first request (under
//!   WASI 0.2 that is every request's own instance; cleanup hooks never run under
//!   `wasmtime serve`);
//! - `/sleep?ms=100` waits, without holding up the instance's other requests;
//! - `/ticks` streams a line every 20 ms until the client goes away, then counts the stream as
//!   cancelled;
//! - `/later` answers at once and finishes a task 200 ms after its response;
//! - a GET of `/mailbox` waits for what a POST to `/mailbox` sends, through a `Queue` in the
//!   application's state: under WASI 0.3 one request wakes another on the same instance
//!   (nothing else wakes the waiting one); under WASI 0.2 the two never meet, and the GET's
//!   instance, which nothing could ever wake, ends with wasio's deadlock panic (a 500);
//! - `/fail` is a handler error: a 500, after which the instance keeps serving;
//! - `/panic` panics: a panic aborts the whole instance (Rust's `panic = "abort"` on wasm),
//!   so every request it is serving at that moment fails with it, and the host starts a
//!   fresh instance for the next ones; built so that panics unwind (the README's "Panics"),
//!   it is a 500 from wasio, and the instance goes on.
//!
//! Built for WASI 0.3 and served (`-Scli`: Rust's standard library imports `wasi:cli` 0.2):
//!
//!     cargo build --release --features p3 --example serve_state
//!     wasmtime serve -Scli target/wasm32-wasip2/release/examples/serve_state.wasm

use std::cell::Cell;
use std::hash::BuildHasher;
use std::rc::Rc;
use std::time::Duration;

use futures_lite::StreamExt;
use wasio::http::server::{App, HttpError, Json, Next, Request, Response, get};
use wasio::sync::Queue;
use wasio::time::sleep;

/// The instance's counters, shared by its requests and the tasks they spawn.
struct Counters {
    /// A random number, made when the instance's first request built the application.
    instance: u64,
    requests: Cell<u64>,
    cancelled_streams: Cell<u64>,
    background_done: Cell<u64>,
    /// How often the startup hook ran on this instance.
    startups: Rc<Cell<u64>>,
    /// What POSTs to `/mailbox` left for GETs of it.
    mailbox: Queue<String>,
}

/// Counts the request and says which instance answered it.
async fn who(request: Request, next: Next) -> Result<Response, HttpError> {
    let counters = request.state::<Counters>()?;
    let request_number = counters.requests.get() + 1;
    counters.requests.set(request_number);
    Ok(next
        .run(request)
        .await
        .header("x-instance", counters.instance.to_string())
        .header("x-request", request_number.to_string()))
}

async fn hello(_request: Request) -> &'static str {
    "Hello from a reused instance!\n"
}

async fn stats(request: Request) -> Result<Json<serde_json::Value>, HttpError> {
    let counters = request.state::<Counters>()?;
    Ok(Json(serde_json::json!({
        "instance": counters.instance.to_string(),
        "requests": counters.requests.get(),
        "cancelled_streams": counters.cancelled_streams.get(),
        "background_done": counters.background_done.get(),
        "startups": counters.startups.get(),
    })))
}

#[derive(serde::Deserialize)]
struct Pause {
    ms: Option<u64>,
}

async fn pause(request: Request) -> Result<&'static str, HttpError> {
    let ms = request.query::<Pause>()?.ms.unwrap_or(100).min(10_000);
    sleep(Duration::from_millis(ms)).await;
    Ok("slept\n")
}

/// Counts a stream as cancelled when it is dropped before its end (it has none).
struct Cancelled(Rc<Counters>);

impl Drop for Cancelled {
    fn drop(&mut self) {
        let count = &self.0.cancelled_streams;
        count.set(count.get() + 1);
    }
}

async fn ticks(request: Request) -> Result<Response, HttpError> {
    let guard = Cancelled(request.state::<Counters>()?);
    let lines = futures_lite::stream::repeat(()).then(move |()| {
        let _alive = &guard;
        async {
            sleep(Duration::from_millis(20)).await;
            Ok::<_, std::io::Error>("tick\n")
        }
    });
    Ok(Response::stream("text/plain", lines))
}

async fn later(request: Request) -> Result<&'static str, HttpError> {
    let counters = request.state::<Counters>()?;
    drop(wasio::spawn(async move {
        sleep(Duration::from_millis(200)).await;
        let done = &counters.background_done;
        done.set(done.get() + 1);
    }));
    Ok("started\n")
}

/// Waits for a message, however long it takes: only another request can send one.
async fn receive(request: Request) -> Result<String, HttpError> {
    let counters = request.state::<Counters>()?;
    let message = counters.mailbox.get().await;
    message.map_err(|_| HttpError::service_unavailable("the mailbox closed"))
}

/// Leaves the request's body for a waiting (or the next) GET.
async fn deliver(mut request: Request) -> Result<&'static str, HttpError> {
    let counters = request.state::<Counters>()?;
    let message = request.text().await?;
    counters
        .mailbox
        .try_put(message)
        .map_err(|_| HttpError::service_unavailable("the mailbox is full"))?;
    Ok("delivered\n")
}

async fn fail(_request: Request) -> Result<&'static str, HttpError> {
    Err(HttpError::internal("this handler fails on purpose"))
}

async fn panic(_request: Request) -> &'static str {
    panic!("this handler panics on purpose")
}

fn app() -> App {
    let counters = Counters {
        instance: std::collections::hash_map::RandomState::new().hash_one(0u8),
        requests: Cell::new(0),
        cancelled_streams: Cell::new(0),
        background_done: Cell::new(0),
        startups: Rc::default(),
        mailbox: Queue::new(64),
    };
    let startups = counters.startups.clone();
    App::new()
        .route("/", get(hello))
        .route("/stats", get(stats))
        .route("/sleep", get(pause))
        .route("/ticks", get(ticks))
        .route("/later", get(later))
        .route("/mailbox", get(receive).post(deliver))
        .route("/fail", get(fail))
        .route("/panic", get(panic))
        .middleware(who)
        .state(counters)
        .on_startup(move || async move {
            startups.set(startups.get() + 1);
            Ok::<(), std::convert::Infallible>(())
        })
}

wasio::export_http!(app());
