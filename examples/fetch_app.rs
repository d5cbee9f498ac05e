//! An application that calls a library component: `GET /fetch?url=...&url=...&timeout_ms=...`
//! asks the `wasio-examples:fetch/fetcher` it imports (`examples/wit/fetch.wit`) for every URL at
//! once and answers with what each gave, as JSON. `examples/fetch_library.rs` is the library;
//! its doc comment shows how `wac plug` joins the two and how to serve the result.
//!
//! Built for WASI 0.2 the import is a synchronous call: the request's event loop waits in it
//! while the library's loop fetches. Built for WASI 0.3 (`--features p3`) it is an `async
//! func`, awaited like any other future, so the request's other tasks (and the instance's
//! other requests) go on meanwhile.

use wasio::http::server::{App, HttpError, Json, Request, get};

#[cfg(not(feature = "p3"))]
wit_bindgen::generate!({ path: "examples/wit/fetch.wit", world: "user" });
#[cfg(feature = "p3")]
wit_bindgen::generate!({ path: "examples/wit/p3/fetch.wit", world: "user" });

use wasio_examples::fetch::fetcher::{self, Page};

/// The URLs of `?url=`, at most 32 of them, each given `?timeout_ms=` (default 5 000, at most
/// 60 000) milliseconds.
async fn fetch(request: Request) -> Result<Json<serde_json::Value>, HttpError> {
    let urls: Vec<String> = request
        .query_pairs()
        .into_iter()
        .filter(|(name, _)| name == "url")
        .map(|(_, url)| url)
        .collect();
    if urls.is_empty() || urls.len() > 32 {
        return Err(HttpError::bad_request("give 1 to 32 ?url= parameters"));
    }
    let timeout_ms = match request.query_param("timeout_ms") {
        None => 5_000,
        Some(ms) => ms
            .parse::<u32>()
            .map_err(|_| HttpError::bad_request("timeout_ms is a number of milliseconds"))?
            .min(60_000),
    };
    #[cfg(not(feature = "p3"))]
    let pages = fetcher::fetch_all(&urls, timeout_ms);
    #[cfg(feature = "p3")]
    let pages = fetcher::fetch_all(urls, timeout_ms).await;
    Ok(Json(pages.into_iter().map(to_json).collect()))
}

fn to_json(page: Result<Page, String>) -> serde_json::Value {
    match page {
        Ok(page) => serde_json::json!({
            "url": page.url,
            "status": page.status,
            "length": page.length,
            "elapsed_ms": page.elapsed_ms,
        }),
        Err(error) => serde_json::json!({ "error": error }),
    }
}

/// What to ask.
async fn usage(_request: Request) -> &'static str {
    "fetch_app: GET /fetch?url=URL&url=URL&timeout_ms=MS\n"
}

wasio::export_http!(
    App::new()
        .route("/", get(usage))
        .route("/fetch", get(fetch))
);
