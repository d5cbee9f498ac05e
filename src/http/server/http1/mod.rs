//! wasio's own HTTP/1.1 server: an [`App`](super::App) on a `TcpListener`, with keep-alive,
//! pipelining, chunked bodies both ways, `Expect: 100-continue`, limits and timeouts, and a
//! graceful shutdown.

mod chunked;
mod conn;
mod head;
mod input;
mod output;
mod shared;

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use slab::Slab;

use super::export::IntoService;
use super::{HookError, RouteError, Service};
use crate::net::{TcpListener, ToSocketAddrs};
use crate::runtime::AbortHandle;
use crate::sync::{Notify, watch};
use crate::time::{sleep, timeout};
pub(crate) use head::HeadLimits;

/// Limits and timeouts of the HTTP/1.1 server. Every field is public; start from
/// [`ServerConfig::default`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerConfig {
    /// The longest request line, CRLF included (default 8 KiB); past it, 414.
    pub max_request_line: usize,
    /// The largest request head, request line and headers (default 32 KiB); past it, 431.
    pub max_head: usize,
    /// The most header fields (default 100); past it, 431.
    pub max_headers: usize,
    /// How long a request head may take to arrive once it has begun (default 10 s); past it,
    /// 408 and the connection closes (a slowloris client gets no more).
    pub header_timeout: Duration,
    /// How long a connection may stay idle between requests (default 75 s, as aiohttp).
    pub keep_alive_timeout: Duration,
    /// How long a request body may pause (default 30 s); past it, reading it fails with 408.
    pub body_read_timeout: Duration,
    /// How much of a body the handler left unread is read and dropped to keep the connection
    /// (default 64 KiB); a longer rest closes it.
    pub max_drain: u64,
    /// How long a graceful shutdown waits for requests in progress (default 30 s).
    pub shutdown_grace: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_request_line: 8 * 1024,
            max_head: 32 * 1024,
            max_headers: 100,
            header_timeout: Duration::from_secs(10),
            keep_alive_timeout: Duration::from_secs(75),
            body_read_timeout: Duration::from_secs(30),
            max_drain: 64 * 1024,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

impl ServerConfig {
    fn limits(&self) -> HeadLimits {
        HeadLimits {
            max_request_line: self.max_request_line,
            max_head: self.max_head,
            max_headers: self.max_headers,
        }
    }
}

/// Why a server could not start or stopped.
///
/// Its `Debug` form is its message (`{:#?}` shows the variant), so a `main` that returns
/// `Result<(), ServeError>` ends with a line that says what is wrong and which flag fixes
/// it: `Error: cannot serve: access denied: the host did not grant this component the
/// network (for wasmtime: -Sinherit-network, ...)`.
#[non_exhaustive]
pub enum ServeError {
    /// A route of the application is invalid.
    Route(RouteError),
    /// Binding or accepting failed.
    Io(io::Error),
    /// A startup hook of the application failed (see
    /// [`App::on_startup`](super::App::on_startup)): the server served nothing.
    Startup(HookError),
    /// A cleanup hook of the application failed, after the shutdown (see
    /// [`App::on_cleanup`](super::App::on_cleanup)).
    Cleanup(HookError),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Route(error) => write!(f, "invalid application: {error}"),
            ServeError::Io(error) => write!(f, "cannot serve: {error}"),
            ServeError::Startup(error) | ServeError::Cleanup(error) => error.fmt(f),
        }
    }
}

impl fmt::Debug for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return fmt::Display::fmt(self, f);
        }
        match self {
            ServeError::Route(error) => f.debug_tuple("Route").field(error).finish(),
            ServeError::Io(error) => f.debug_tuple("Io").field(error).finish(),
            ServeError::Startup(error) => f.debug_tuple("Startup").field(error).finish(),
            ServeError::Cleanup(error) => f.debug_tuple("Cleanup").field(error).finish(),
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServeError::Route(error) => Some(error),
            ServeError::Io(error) => Some(error),
            ServeError::Startup(error) | ServeError::Cleanup(error) => Some(error),
        }
    }
}

/// An application served over HTTP/1.1 on a socket of its own (aiohttp's `web.run_app`).
///
/// The component runs under `wasmtime run`, which must grant it the network:
/// `wasmtime run -Sinherit-network -Shttp app.wasm` (`-Shttp` because the same component
/// can also export, or call, wasi:http; add `-Sallow-ip-name-lookup` to bind a host name).
/// Without `-Sinherit-network`, [`Server::bind`] fails with a [`ServeError`] that says so.
///
/// Nothing a client sends can make the server panic: malformed or oversized requests get
/// their 4xx, and a handler's error its status. A handler that *panics* is another matter:
/// on stable Rust a panic on `wasm32-wasip2` aborts (Rust's standard library there is built
/// with `panic = "abort"`, and `catch_unwind` catches nothing), and the instance is the whole
/// server, so every connection, WebSocket and piece of state ends with it and `wasmtime
/// run` exits with a trap. Handlers return errors instead (`?` on
/// [`Request::state`](super::Request::state) and the body readers), and a supervisor
/// restarts the process if it must never stop. A build whose panics unwind (a nightly
/// toolchain: see [`export_http!`](crate::export_http)) answers a handler's panic with a 500
/// and keeps the connection and the server.
///
/// ```no_run
/// # wasio::run(async {
/// use wasio::http::server::{App, Server, get};
///
/// let app = App::new().route("/", get(|_| async { "Hello, World!" }));
/// let server = Server::bind("127.0.0.1:8080", app).await?;
/// println!("serving on http://{}", server.local_addr());
/// server.run().await?;
/// # Ok::<(), wasio::http::server::ServeError>(())
/// # });
/// ```
pub struct Server {
    listener: TcpListener,
    service: Service,
    config: ServerConfig,
    #[cfg(feature = "tls")]
    tls: Option<Tls>,
}

/// A server's TLS: its configuration, and how a connection starts with a handshake.
///
/// The start is a function pointer made by [`Server::bind_tls`] only, so that a component
/// whose servers are all plain links no TLS handshake (about 390 KB).
#[cfg(feature = "tls")]
#[derive(Debug)]
struct Tls {
    config: crate::tls::ServerConfig,
    serve: conn::ServeTls,
}

impl Server {
    /// Binds `addr` for `app` (an [`App`](super::App), a [`Service`] or a handler).
    pub async fn bind(
        addr: impl ToSocketAddrs,
        app: impl IntoService,
    ) -> Result<Server, ServeError> {
        let service = app.into_service().map_err(ServeError::Route)?;
        let listener = TcpListener::bind(addr).await.map_err(ServeError::Io)?;
        Ok(Server {
            listener,
            service,
            config: ServerConfig::default(),
            #[cfg(feature = "tls")]
            tls: None,
        })
    }

    /// Binds `addr` for `app` over TLS (the `tls` feature): HTTPS, and `wss://` for its
    /// WebSocket routes (aiohttp's `TCPSite(..., ssl_context=...)`). ALPN offers `http/1.1`.
    ///
    /// Keep-alive, the limits and timeouts of [`ServerConfig`] and the graceful shutdown are
    /// those of [`bind`](Server::bind); the TLS handshake counts as the first request's head:
    /// its first byte must come within [`ServerConfig::keep_alive_timeout`], and the rest
    /// within [`ServerConfig::header_timeout`] (the `handshake_timeout` of `tls` is not
    /// used). A client that fails the handshake is dropped; the others go on.
    ///
    /// ```no_run
    /// # wasio::run(async {
    /// use wasio::http::server::{App, Server, get};
    /// use wasio::tls::ServerConfig;
    ///
    /// let tls = ServerConfig::from_pem(
    ///     include_bytes!("../../../../tests/tls/good-chain.pem"),
    ///     include_bytes!("../../../../tests/tls/server.key"),
    /// )?;
    /// let app = App::new().route("/", get(|_| async { "Hello, World!" }));
    /// let server = Server::bind_tls("127.0.0.1:8443", tls, app).await?;
    /// println!("serving on https://{}", server.local_addr());
    /// server.run().await?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # });
    /// ```
    ///
    /// `examples/https_server.rs` adds a `wss://` route.
    #[cfg(feature = "tls")]
    pub async fn bind_tls(
        addr: impl ToSocketAddrs,
        tls: crate::tls::ServerConfig,
        app: impl IntoService,
    ) -> Result<Server, ServeError> {
        let mut server = Server::bind(addr, app).await?;
        server.tls = Some(Tls {
            config: tls.http11(),
            serve: |stream, tls, service, config, stopping| {
                Box::pin(conn::serve_tls(stream, tls, service, config, stopping))
            },
        });
        Ok(server)
    }

    /// The server with other limits and timeouts.
    pub fn with_config(mut self, config: ServerConfig) -> Server {
        self.config = config;
        self
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr()
    }

    /// Serves until the listener fails.
    pub async fn run(self) -> Result<(), ServeError> {
        self.run_until(std::future::pending()).await
    }

    /// Serves until `shutdown` completes, then shuts down gracefully: no new connection is
    /// accepted, idle connections close, requests in progress finish (their connections then
    /// close), and after [`ServerConfig::shutdown_grace`] whatever is left is cancelled.
    ///
    /// The application's startup hooks run before the first connection is accepted (the
    /// socket is bound already, so clients wait in its backlog), and its cleanup hooks after
    /// the shutdown; a startup hook that fails ends the run at once with
    /// [`ServeError::Startup`], after the cleanup hooks (see
    /// [`App::on_startup`](super::App::on_startup)).
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> Result<(), ServeError> {
        let Server {
            listener,
            service,
            config,
            #[cfg(feature = "tls")]
            tls,
        } = self;
        if let Err(error) = service.startup().await {
            drop(listener);
            // The cleanup's own failure is logged by it; the startup's is the one reported.
            let _ = service.cleanup().await;
            return Err(ServeError::Startup(error));
        }
        let config = Rc::new(config);
        let (stop, stopping) = watch::channel(false);
        let connections = Rc::new(Connections::default());
        let accepting = async {
            loop {
                match listener.accept().await {
                    #[cfg(feature = "tls")]
                    Ok((stream, _)) if let Some(tls) = &tls => connections.spawn((tls.serve)(
                        stream,
                        tls.config.clone(),
                        service.clone(),
                        config.clone(),
                        stopping.clone(),
                    )),
                    Ok((stream, _)) => connections.spawn(conn::serve(
                        stream.into(),
                        service.clone(),
                        config.clone(),
                        stopping.clone(),
                    )),
                    Err(error) => {
                        // Out of sockets, say: wait a little for some to close.
                        eprintln!("wasio: accept: {error}");
                        sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        };
        futures_lite::future::or(accepting, shutdown).await;
        drop(listener);
        stop.send_replace(true);
        if timeout(config.shutdown_grace, connections.all_done())
            .await
            .is_err()
        {
            connections.abort_all();
        }
        service.cleanup().await.map_err(ServeError::Cleanup)
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Server");
        debug
            .field("local_addr", &self.local_addr())
            .field("config", &self.config);
        #[cfg(feature = "tls")]
        debug.field("tls", &self.tls.as_ref().map(|tls| &tls.config));
        debug.finish_non_exhaustive()
    }
}

/// Serves `app` on `addr` until the listener fails: `Server::bind(addr, app)` then `run`.
pub async fn serve(addr: impl ToSocketAddrs, app: impl IntoService) -> Result<(), ServeError> {
    Server::bind(addr, app).await?.run().await
}

/// The connections being served, to wait for or cancel at shutdown.
#[derive(Default)]
struct Connections {
    running: RefCell<Slab<AbortHandle>>,
    done: Notify,
}

impl Connections {
    fn spawn(self: &Rc<Self>, connection: impl Future<Output = ()> + 'static) {
        let key = self.running.borrow().vacant_key();
        let this = self.clone();
        let task = crate::spawn(async move {
            connection.await;
            this.running.borrow_mut().try_remove(key);
            if this.running.borrow().is_empty() {
                this.done.notify_waiters();
            }
        });
        self.running.borrow_mut().insert(task.abort_handle());
    }

    async fn all_done(&self) {
        while !self.running.borrow().is_empty() {
            self.done.notified().await;
        }
    }

    fn abort_all(&self) {
        let running: Vec<AbortHandle> = self.running.borrow_mut().drain().collect();
        for connection in running {
            connection.abort();
        }
    }
}
