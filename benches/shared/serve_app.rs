//! The `main` of the benchmark servers on wasio's own sockets (benches/http_server.rs,
//! upload_server.rs, static_files.rs): the address from the first argument, the app bound
//! there and served until the process is stopped.

use wasio::http::server::{App, Server};

/// Serves `app()` on the address given as the first argument; `name` is the component's,
/// for the usage line. Exits with 2 without an address, 1 when the server fails.
pub fn serve(name: &str, app: impl FnOnce() -> App + 'static) {
    let Some(addr) = std::env::args().nth(1) else {
        eprintln!("usage: {name}.wasm <addr>");
        std::process::exit(2);
    };
    wasio::run(async move {
        let server = Server::bind(addr.as_str(), app()).await?;
        println!("listening on {}", server.local_addr());
        server.run().await
    })
    .unwrap_or_else(|error| {
        eprintln!("{error}");
        std::process::exit(1);
    });
}
