//! # wasio: asyncio and aiohttp for WebAssembly components
//!
//! wasio is an async runtime for `wasm32-wasip2` components: an event loop over the host's
//! I/O, with tasks, timers, queues, locks, streams, sockets, HTTP and WebSockets in the shapes
//! Python's asyncio and aiohttp give them, on WASI 0.2 or WASI 0.3 with one API.
//!
//! | asyncio | wasio |
//! |---|---|
//! | `asyncio.run(main())` | [`run`] / [`#[wasio::main]`](main) |
//! | `asyncio.create_task(coro)` | [`spawn`] → [`JoinHandle`](runtime::JoinHandle) (`.await`, `abort`) |
//! | `create_task(coro, name=...)`, `current_task()`, `all_tasks()` | [`spawn_named`], [`runtime::current_task`], [`runtime::all_tasks`] |
//! | `asyncio.TaskGroup` | [`runtime::TaskGroup`] |
//! | `asyncio.sleep(s)`, `asyncio.sleep(0)` | [`time::sleep`], [`yield_now`] |
//! | `asyncio.wait_for(aw, timeout)` | [`time::timeout`] → `Result<T, `[`time::Elapsed`]`>` |
//! | `loop.time()` | [`time::Instant::now`] |
//! | a periodic `while True: await asyncio.sleep(p)` | [`time::interval`] |
//! | `asyncio.gather`, `asyncio.as_completed` | [`future::join_all`], [`future::as_completed`] |
//! | `asyncio.wait`, `asyncio.shield` | [`future::wait`] with [`future::ReturnWhen`], [`future::select`], [`future::shield`] |
//! | `asyncio.Queue`, `LifoQueue`, `PriorityQueue` | [`sync::Queue`], [`sync::LifoQueue`], [`sync::PriorityQueue`] |
//! | `asyncio.Lock`, `Event`, `Condition`, `Semaphore`, `Barrier` | [`sync::Mutex`], [`sync::Event`], [`sync::Condition`], [`sync::Semaphore`], [`sync::Barrier`] |
//! | `aiofiles.open`, `os.stat` | [`fs::File`], [`fs::metadata`]: files in the host's preopened directories, streamed |
//! | `StreamReader` / `StreamWriter` | [`io`]: `AsyncRead`/`AsyncWrite` over WASI streams, [`io::stdin`] |
//! | `asyncio.open_connection`, `start_server` | [`net::TcpStream::connect`], [`net::TcpListener`] |
//! | `loop.create_datagram_endpoint`, `getaddrinfo` | [`net::UdpSocket`], [`net::lookup_host`] |
//! | `aiohttp.ClientSession` | [`http::Client`] over wasi:http `outgoing-handler` |
//! | `aiohttp.web.Application`, `web.run_app` | [`http::server::App`], exported with [`export_http!`] (for `wasmtime serve`) or served by [`http::server::Server`] on wasio's own sockets |
//! | `session.ws_connect`, `web.WebSocketResponse` | [`ws::connect`], [`ws::upgrade`] and [`ws::accept`] → [`ws::WebSocket`] |
//!
//! ## Examples
//!
//! Two tasks that sleep one and two seconds run concurrently, so the whole program takes two
//! seconds (`cargo run --example tasks`):
//!
//! ```no_run
#![doc = include_str!("../examples/tasks.rs")]
//! ```
//!
//! The smallest server: a component for `wasmtime serve` that answers "Hello, World!"
//! (`examples/hello_server.rs`; `examples/http_server.rs` grows it into an application with
//! parameters, JSON, middleware and streams, served either way):
//!
//! ```no_run
#![doc = include_str!("../examples/hello_server.rs")]
//! ```
//!
//! ## Running components
//!
//! Build for `wasm32-wasip2` and run under wasmtime: `wasmtime run app.wasm`. The event loop
//! is single-threaded, like a component; everything here is `!Send` by design.
//!
//! ## Backends
//!
//! Without features wasio targets WASI 0.2: its event loop makes one `wasi:io/poll.poll`
//! call per turn, and under `wasmtime serve` every request gets a fresh instance. With the
//! `p3` feature (or on a `wasm32-wasip3` target) it targets WASI 0.3: its event loops run
//! inside component-model tasks, and `wasmtime serve` reuses an instance for many requests,
//! several at once, each on its own loop (see [`export_http!`] for what that means for an
//! application's state). The API is the same; where a type must differ (the streams behind
//! [`io::AsyncInputStream`], the error codes, `runtime::AsyncPollable` only under WASI 0.2) its documentation says so, and the README has the whole list.
//!
#![cfg_attr(
    wasio_p3,
    doc = "**This build uses the WASI 0.3 backend** (the `p3` feature): `wasi:*@0.3.0`."
)]
#![cfg_attr(
    not(wasio_p3),
    doc = "**This build uses the WASI 0.2 backend** (without the `p3` feature): `wasi:*@0.2.12`."
)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

// Lets code generated for users (the `wasi:http` export) name this crate the same way inside it.
extern crate self as wasio;

/// Runs an `async fn main` on the wasio event loop: `#[wasio::main] async fn main() { … }`
/// becomes `fn main() { wasio::run(async { … }) }`. The function may return a value, such as
/// a `Result`.
///
/// The standard library prints a `main`'s error in its `Debug` form. wasio's
/// [`ServeError`](http::server::ServeError) reads well there (`Error: cannot serve: access
/// denied: ... -Sinherit-network ...`); for other errors, such as an `io::Error`, whose
/// `Debug` form is its fields, return a `std::process::ExitCode` and print the error's
/// `Display` form yourself, as `examples/tcp_client.rs` does.
///
/// ```
/// #[wasio::main]
/// async fn main() -> Result<(), std::num::ParseIntError> {
///     let n: u32 = "42".parse()?;
///     wasio::time::sleep(std::time::Duration::from_millis(n.into())).await;
///     Ok(())
/// }
/// ```
pub use wasio_macros::main;

/// Runs an `async fn` test on its own wasio event loop: `#[wasio::test] async fn name() { … }`
/// is a `#[test]` whose body runs inside [`run`].
pub use wasio_macros::test;

// The runtime builds its wakers on `Rc` (see `runtime/waker.rs`), sound only where there is
// one thread: WebAssembly without shared-memory threads, as in WASI 0.2. Other targets get
// only the parts that do no I/O.
#[cfg(all(target_family = "wasm", target_feature = "atomics"))]
compile_error!("wasio's event loop is single-threaded: build without the `atomics` target feature");
mod base64;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
pub mod fs;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
pub mod future;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
pub mod http;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
pub mod io;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
pub mod net;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
pub mod runtime;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
pub mod sync;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
mod sys;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
pub mod time;
#[cfg(all(
    feature = "tls",
    target_family = "wasm",
    not(target_feature = "atomics")
))]
pub mod tls;
pub mod ws;

#[cfg(all(wasio_p3, target_family = "wasm", not(target_feature = "atomics")))]
pub use runtime::run_async;
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
pub use runtime::{run, spawn, spawn_named, yield_now};

/// Exports an HTTP application as the component's wasi:http handler, so that `wasmtime
/// serve` (or any wasi:http host) runs it: one line in the component's crate.
///
/// The argument is an expression giving an [`App`](http::server::App), a
/// [`Service`](http::server::Service) or a single handler (`async fn(Request) -> impl
/// IntoResponse`). Each request runs on an event loop of its own, until the response is sent
/// and every task the handler spawned has finished.
///
/// - Under WASI 0.2 the export is `wasi:http/incoming-handler@0.2.12` (the component targets
///   the `wasio:platform/proxy` world of `wit/`). The host makes a fresh instance for every
///   request, so the expression is evaluated for each request and no state outlives one.
/// - Under WASI 0.3 (the `p3` feature) the export is `wasi:http/handler@0.3.0` (world
///   `wasio:platform/service-p3` of `wit/p3/`). An instance serves many requests, several at
///   once (`wasmtime serve`: up to 128, 16 at a time): the expression is evaluated by the
///   instance's first request only, and the application, with its
///   [`state`](http::server::App::state), is shared by all the instance's requests for as long
///   as the instance lives. Each request's loop runs its own tasks, beside the other
///   requests'; its response is returned as soon as the handler has made it, while its body
///   and its spawned tasks go on; the host cancelling the request cancels them. How many
///   requests an instance serves, and which, is the host's choice: state that must outlive
///   an instance belongs in a store outside it. `examples/serve_state.rs` shows each point.
///
/// `examples/hello_server.rs`, shown in the [crate documentation](crate#examples), is a
/// whole component built this way: `wasio::export_http!(hello);` for an
/// `async fn hello(_: Request) -> &'static str`. A single handler runs with no dynamic call
/// (it is called through its own type), which under `wasmtime serve` is worth a fifth of a
/// hello world's throughput over an `App`, whose routes are trait objects:
/// `wasio::export_http!(App::new().route("/", get(|_| async { "Hello, World!" })));`.
///
/// What the application can rely on, by host:
///
/// | | WASI 0.2 (`wasmtime serve`) | WASI 0.3 (`wasmtime serve`, `p3`) |
/// |---|---|---|
/// | [`App::state`](http::server::App::state) | new for every request | shared by the requests of one instance (up to 128, 16 at once); several instances run side by side |
/// | [`App::on_startup`](http::server::App::on_startup), [`on_cleanup`](http::server::App::on_cleanup) | startup hooks run before every request (each is a fresh instance); cleanup hooks never | startup hooks run once per instance, before its first request is answered (requests arriving meanwhile wait); cleanup hooks never (the host drops an instance without a word) |
/// | tasks a handler spawns | run until they finish, before the instance ends | run beside other requests, may outlive the response, cancelled with the request |
/// | [`broadcast`](sync::broadcast), [`watch`](sync::watch) | reach only the request that sent | reach the requests of the same instance |
/// | WebSockets | 501: a wasi:http host cannot switch protocols (serve them with [`Server`](http::server::Server)) | the same |
/// | a handler's error | its status (500 for any error but an [`HttpError`](http::server::HttpError)) | the same; the instance keeps serving |
/// | a handler's panic | aborts the instance: that request gets the host's 500 (a build whose panics unwind: wasio's 500) | aborts the instance: every request it is serving fails, and the host starts a fresh instance (a build whose panics unwind: wasio's 500 for that request, and the instance goes on) |
///
/// On stable Rust a panic is not turned into a 500: Rust's standard library for
/// `wasm32-wasip2` is built with `panic = "abort"`, so a panic traps at once and
/// `std::panic::catch_unwind` catches nothing. A build whose panics unwind contains them:
/// `RUSTFLAGS=-Cpanic=unwind cargo +nightly-2026-10-29 build -Zbuild-std=std,panic_unwind
/// --target wasm32-wasip2` (a nightly toolchain with `rust-src`, which `scripts/setup`
/// installs; wasmtime 48 runs its WebAssembly exception handling without a flag). There wasio
/// answers a handler's (or a middleware's) panic with a 500 of its own, whose cause it logs;
/// a task that panics ends with [`JoinError::Panicked`](runtime::JoinError::Panicked); and
/// the instance goes on: under WASI 0.3 the requests beside the panicking one are not lost
/// (`examples/serve_state.rs`'s `/panic`, checked both ways by `scripts/test`). The README's
/// "Panics" section has the whole command. Either way, return errors where you can: wasio's
/// own accessors give `Result`s ([`Request::state`](http::server::Request::state) among them)
/// for `?`.
///
/// A crate that exports HTTP builds a component `wasmtime serve` runs: a library with
/// `crate-type = ["cdylib"]` (as `examples/hello_server.rs`), or a binary, which may also
/// have a `main` of its own for `wasmtime run` (as `examples/http_server.rs`, whose `main`
/// serves the same application on its own socket). Serve it with `wasmtime serve -Scli
/// component.wasm` (`-Scli`: Rust's standard library imports `wasi:cli`).
#[macro_export]
macro_rules! export_http {
    ($app:expr) => {
        $crate::__export_handler!($crate::http::server::export::serve_request, $app);
    };
}

/// Exports a middleware component: a wasi:http handler that decides on each request with a
/// [`Gate`](http::server::Gate) (`async fn(Request) -> Verdict`) and either answers it or
/// forwards it to the `wasi:http/incoming-handler` it imports. `wac plug` fills that import
/// with an application component (any wasi:http component, built with wasio or not):
///
/// ```sh
/// wac plug middleware.wasm --plug app.wasm -o composed.wasm
/// wasmtime serve -Scli composed.wasm
/// ```
///
/// With the `middleware` feature only: under WASI 0.3 the bindings it needs make a
/// component import `wasi:http/handler`, which an application served by `wasmtime serve`
/// must not.
///
/// The component targets the `wasio:platform/middleware` world of `wit/` (under WASI 0.3,
/// `middleware-p3` of `wit/p3/`, which imports and exports `wasi:http/handler@0.3.0`). What a
/// middleware can do is what [`Verdict`](http::server::Verdict) says: read the request, and
/// answer it or forward it unchanged.
/// `examples/auth_middleware.rs` refuses requests without a token with 403;
/// `examples/log_middleware.rs` logs every request before passing it on.
///
/// ```no_run
/// use wasio::http::server::{HttpError, Request, Verdict};
///
/// async fn members_only(request: Request) -> Result<Verdict, HttpError> {
///     if request.header("x-member") != Some("yes") {
///         return Err(HttpError::forbidden("members only"));
///     }
///     Ok(Verdict::forward(request))
/// }
///
/// wasio::export_middleware!(members_only);
/// ```
///
#[cfg(feature = "middleware")]
#[macro_export]
macro_rules! export_middleware {
    ($gate:expr) => {
        $crate::__export_handler!($crate::http::server::export::serve_middleware, $gate);
    };
}

// The component's wasi:http handler export, answering each request with `$serve` (an
// application's or a middleware's) given `$arg`. Under WASI 0.3 `$arg` is evaluated by the
// call `$serve` makes of its closure (for an application, the instance's first request).
#[doc(hidden)]
#[cfg(not(wasio_p3))]
#[macro_export]
macro_rules! __export_handler {
    ($serve:path, $arg:expr) => {
        #[doc(hidden)]
        struct __WasioHttpExport;

        impl $crate::http::server::export::exports::wasi::http::incoming_handler::Guest
            for __WasioHttpExport
        {
            fn handle(
                request: $crate::__private::wasip2::http::types::IncomingRequest,
                response_out: $crate::__private::wasip2::http::types::ResponseOutparam,
            ) {
                $serve($arg, request, response_out)
            }
        }

        $crate::http::server::export::__export_wasio_proxy!(__WasioHttpExport with_types_in $crate::http::server::export);
    };
}

#[doc(hidden)]
#[cfg(wasio_p3)]
#[macro_export]
macro_rules! __export_handler {
    ($serve:path, $arg:expr) => {
        #[doc(hidden)]
        struct __WasioHttpExport;

        impl $crate::__private::wasip3::exports::http::handler::Guest for __WasioHttpExport {
            async fn handle(
                request: $crate::__private::wasip3::http::types::Request,
            ) -> ::core::result::Result<
                $crate::__private::wasip3::http::types::Response,
                $crate::__private::wasip3::http::types::ErrorCode,
            > {
                $serve(|| $arg, request).await
            }
        }

        $crate::__private::wasip3::http::service::export!(
            __WasioHttpExport with_types_in $crate::__private::wasip3
        );
    };
}

/// Makes a program's `main` run inside the task of an async `wasi:cli/run@0.3.0` export, so
/// that [`run`] can wait on WASI 0.3 host calls: one line in a binary (or test crate) whose
/// `main` is a plain `fn main`. [`#[wasio::main]`](main) adds it by itself.
///
/// Under WASI 0.3 a synchronous export (the `wasi:cli/run@0.2` that std makes of `main`) may
/// not block, and an event loop must. The export this adds calls std's entry point (and so
/// `main`) inside its task; hosts that run WASI 0.3 commands, such as `wasmtime run`, prefer
/// it. Under WASI 0.2 it adds nothing.
///
/// ```
/// wasio::export_run!();
///
/// fn main() {
///     let answer = wasio::run(async { 6 * 7 });
///     assert_eq!(answer, 42);
/// }
/// ```
#[macro_export]
macro_rules! export_run {
    () => {
        $crate::__export_run!();
    };
}

#[doc(hidden)]
#[cfg(wasio_p3)]
#[macro_export]
macro_rules! __export_run {
    () => {
        const _: () = {
            struct __WasioRun;

            impl $crate::__private::wasip3::exports::cli::run::Guest for __WasioRun {
                async fn run() -> ::core::result::Result<(), ()> {
                    unsafe extern "C" {
                        // std's entry point: what `wasi:cli/run@0.2` calls.
                        fn _start() -> i32;
                    }
                    // SAFETY: `_start` is the command's entry point, which takes nothing and
                    // runs once: the host calls either this export or `wasi:cli/run@0.2`.
                    let ran = $crate::__private::run_main(|| unsafe { _start() });
                    if ran { Ok(()) } else { Err(()) }
                }
            }

            $crate::__private::wasip3::cli::command::export!(
                __WasioRun with_types_in $crate::__private::wasip3
            );
        };
    };
}

#[doc(hidden)]
#[cfg(not(wasio_p3))]
#[macro_export]
macro_rules! __export_run {
    () => {};
}

// The unit tests' `main` (libtest's) runs inside an async task under WASI 0.3 too.
#[cfg(all(test, target_family = "wasm", not(target_feature = "atomics")))]
export_run!();

#[doc(hidden)]
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
pub mod __private {
    #[cfg(wasio_p3)]
    pub use crate::sys::driver::run_main;
    pub use wasip2;
    #[cfg(wasio_p3)]
    pub use wasip3;
    pub use wit_bindgen;
    /// `run` with the output type named, so that `?` in a `#[wasio::main]` body knows what
    /// to convert errors into.
    pub fn run_returning<T, F: std::future::Future<Output = T>>(future: F) -> T {
        crate::run(future)
    }
}
