//! `Config`: the limits and timers of a WebSocket connection.

use std::time::Duration;

use super::deflate::PerMessageDeflate;
use super::protocol::Limits;

#[cfg(feature = "webpki-roots")]
thread_local! {
    /// The `wss://` client of a [`Config`] without [`Config::tls`]: Mozilla's roots, made once.
    static MOZILLA: crate::tls::ClientConfig = crate::tls::ClientConfig::new().webpki_roots().http11();
}

/// How a WebSocket connection behaves: the size limits on what the peer sends, automatic
/// pongs, keep-alive pings, the time allowed for the handshakes and compression. Every
/// setting is a builder method:
///
/// ```
/// use std::time::Duration;
/// use wasio::ws::Config;
///
/// let config = Config::new()
///     .max_message_size(1 << 20)
///     .heartbeat(Duration::from_secs(30), Duration::from_secs(10))
///     .close_timeout(Duration::from_secs(2));
/// assert_eq!(config.limits().max_message_size, 1 << 20);
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    limits: Limits,
    auto_pong: bool,
    heartbeat: Option<(Duration, Duration)>,
    close_timeout: Duration,
    handshake_timeout: Duration,
    protocols: Vec<String>,
    headers: Vec<(String, String)>,
    compression: Option<PerMessageDeflate>,
    #[cfg(feature = "tls")]
    tls: Option<crate::tls::ClientConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            limits: Limits::default(),
            auto_pong: true,
            heartbeat: None,
            close_timeout: Duration::from_secs(5),
            handshake_timeout: Duration::from_secs(10),
            protocols: Vec::new(),
            headers: Vec::new(),
            compression: Some(PerMessageDeflate::default()),
            #[cfg(feature = "tls")]
            tls: None,
        }
    }
}

impl Config {
    /// The defaults: frames up to 16 MiB, messages up to 64 MiB, pings answered, no
    /// keep-alive pings, 5 s for the closing handshake and 10 s for the opening one, and
    /// permessage-deflate with [`PerMessageDeflate`]'s defaults.
    pub fn new() -> Config {
        Config::default()
    }

    /// The largest frame payload the peer may send; past it the connection fails with
    /// close code 1009.
    pub fn max_frame_size(mut self, bytes: u64) -> Config {
        self.limits.max_frame_size = bytes;
        self
    }

    /// The largest message (all its frames) the peer may send; past it the connection fails
    /// with close code 1009.
    pub fn max_message_size(mut self, bytes: u64) -> Config {
        self.limits.max_message_size = bytes;
        self
    }

    /// Whether a ping is answered with a pong before it is handed to the reader (default:
    /// yes, as aiohttp's `autoping`).
    pub fn auto_pong(mut self, on: bool) -> Config {
        self.auto_pong = on;
        self
    }

    /// Keep-alive (aiohttp's `heartbeat`): after `every` without a frame from the peer, send
    /// a ping; if nothing arrives within `timeout` after it, the connection fails with
    /// [`Error::Timeout`](super::Error::Timeout). Pings go out while a task is receiving.
    pub fn heartbeat(mut self, every: Duration, timeout: Duration) -> Config {
        self.heartbeat = Some((every, timeout));
        self
    }

    /// How long [`WebSocket::close`](super::WebSocket::close) waits for the peer's close
    /// frame (and a client for the server to end the TCP connection).
    pub fn close_timeout(mut self, timeout: Duration) -> Config {
        self.close_timeout = timeout;
        self
    }

    /// How long the opening handshake may take: connecting and the server's answer for a
    /// client, the client's request for [`accept`](super::accept).
    pub fn handshake_timeout(mut self, timeout: Duration) -> Config {
        self.handshake_timeout = timeout;
        self
    }

    /// Subprotocols: a client offers them in this order; a server picks the first one the
    /// client offered that is in this list.
    pub fn protocols<I, S>(mut self, protocols: I) -> Config
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.protocols = protocols.into_iter().map(Into::into).collect();
        self
    }

    /// A header field a client sends with its opening request (`origin`, `authorization`,
    /// ...). Fields that are not valid HTTP, and those the handshake sets itself, are left
    /// out.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Config {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// permessage-deflate (RFC 7692), or `None` for none. On by default, with
    /// [`PerMessageDeflate::new`]: a server accepts it when the client offers it (as
    /// aiohttp's `WebSocketResponse` does), and a client offers it (as browsers and Python
    /// `websockets` do; aiohttp's `ws_connect` does not by default). On for clients too
    /// because text and JSON, what WebSockets mostly carry, shrink several times over,
    /// and a server that does not want it simply declines; the cost is memory, about
    /// 305 KiB per connection at the defaults (the table at [`PerMessageDeflate`]), and
    /// CPU, which the defaults (level 1, a 12-bit window) keep low.
    /// The inflated size of a message counts against
    /// [`max_message_size`](Config::max_message_size).
    ///
    /// ```
    /// use wasio::ws::{Config, PerMessageDeflate};
    ///
    /// let smallest_messages = PerMessageDeflate::new().level(6).window_bits(15);
    /// let small = Config::new().compression(Some(smallest_messages));
    /// let off = Config::new().compression(None);
    /// # let _ = (small, off);
    /// ```
    pub fn compression(mut self, settings: Option<PerMessageDeflate>) -> Config {
        self.compression = settings;
        self
    }

    /// How a client makes the TLS connection of a `wss://` URL (the `tls` feature): the
    /// roots it trusts, and its handshake timeout. Its ALPN protocols are replaced by
    /// `http/1.1`, which the opening handshake speaks. Without it, a client trusts Mozilla's
    /// roots with the `webpki-roots` feature, and none (every `wss://` connection fails with
    /// [`tls::Error::NoRootCertificates`](crate::tls::Error::NoRootCertificates)) without.
    ///
    /// ```no_run
    /// use wasio::tls::ClientConfig;
    /// use wasio::ws::Config;
    ///
    /// # wasio::run(async {
    /// let roots = ClientConfig::new().add_root_pem(include_bytes!("../../tests/tls/ca.pem"))?;
    /// let config = Config::new()
    ///     .tls(roots)
    ///     .protocols(["chat"])
    ///     .header("authorization", "Bearer secret");
    /// let ws = wasio::ws::connect_with("wss://localhost:8443/ws", config).await?;
    /// println!("agreed on {:?}", ws.protocol());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # });
    /// ```
    #[cfg(feature = "tls")]
    pub fn tls(mut self, config: crate::tls::ClientConfig) -> Config {
        self.tls = Some(config.http11());
        self
    }

    /// The TLS configuration a `wss://` client uses.
    #[cfg(feature = "tls")]
    pub(crate) fn tls_client(&self) -> crate::tls::ClientConfig {
        match &self.tls {
            Some(config) => config.clone(),
            #[cfg(feature = "webpki-roots")]
            None => MOZILLA.with(|config| config.clone()),
            #[cfg(not(feature = "webpki-roots"))]
            None => crate::tls::ClientConfig::new(),
        }
    }

    /// The size limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub(crate) fn auto_pong_enabled(&self) -> bool {
        self.auto_pong
    }

    pub(crate) fn heartbeat_period(&self) -> Option<(Duration, Duration)> {
        self.heartbeat
    }

    pub(crate) fn close_wait(&self) -> Duration {
        self.close_timeout
    }

    pub(crate) fn handshake_wait(&self) -> Duration {
        self.handshake_timeout
    }

    pub(crate) fn extra_headers(&self) -> &[(String, String)] {
        &self.headers
    }

    pub(crate) fn subprotocols(&self) -> &[String] {
        &self.protocols
    }

    pub(crate) fn deflate(&self) -> Option<&PerMessageDeflate> {
        self.compression.as_ref()
    }
}
