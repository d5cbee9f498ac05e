//! Static files benchmark, wasio's side: `App::static_files("/static", "/static")` on wasio's
//! own sockets, the files those of the directory the host preopens as `/static`.
//! benches/aiohttp_static.py serves the same directory with aiohttp's `add_static`;
//! `scripts/bench --only static` loads both with wrk in the same run.
//!
//! `wasmtime run -Sinherit-network --dir DIR::/static static_files.wasm <addr>` serves until
//! it is stopped.

use wasio::http::server::{App, Server};

// Built with `--features p3` too: `main` then runs inside an async `wasi:cli/run` task.
wasio::export_run!();

fn main() {
    let Some(addr) = std::env::args().nth(1) else {
        eprintln!("usage: static_files.wasm <addr>");
        std::process::exit(2);
    };
    wasio::run(async move {
        let app = App::new().static_files("/static", "/static");
        let server = Server::bind(addr.as_str(), app).await?;
        println!("listening on {}", server.local_addr());
        server.run().await
    })
    .unwrap_or_else(|error| {
        eprintln!("{error}");
        std::process::exit(1);
    });
}
