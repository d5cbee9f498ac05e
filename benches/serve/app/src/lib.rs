//! wasio's hello world as an `App` with one route (`examples/hello_server.rs` exports a single
//! handler instead). Routing calls the handler through a trait object: an indirect call, which
//! makes wasmtime initialise and later reset a page of the instance's function table.

use wasio::http::server::{App, get};

fn app() -> App {
    App::new().route("/", get(|_| async { "Hello, World!" }))
}

wasio::export_http!(app());
