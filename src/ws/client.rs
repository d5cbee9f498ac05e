//! `connect`: a WebSocket client over a TCP connection, or TLS for `wss://` (aiohttp's
//! `ws_connect`).

use futures_lite::AsyncWriteExt;

use super::handshake::{ClientRequest, parse_response};
use super::head::read_head;
use super::protocol::Role;
use super::{Config, Error, WebSocket};
use crate::net::TcpStream;
use crate::net::transport::Stream;

/// Connects to a `ws://host[:port]/path` or `wss://host[:port]/path` URL with the default
/// [`Config`]: resolves the host, opens a TCP connection (for `wss://`, TLS over it) and
/// performs the opening handshake.
///
/// `wss://` takes the `tls` feature (without it, [`Error::Url`]) and roots to trust: those
/// of `Config::tls`, or Mozilla's with the `webpki-roots` feature. Errors: [`Error::Io`]
/// when the connection fails, `Error::Tls` when the TLS connection does (the server's
/// certificate refused, say), [`Error::Handshake`] when the server refuses (its status is in
/// [`HandshakeError::Status`](super::handshake::HandshakeError::Status)), [`Error::Timeout`]
/// past [`Config::handshake_timeout`].
///
/// ```no_run
#[doc = include_str!("../../examples/ws_client.rs")]
/// ```
pub async fn connect(url: &str) -> Result<WebSocket, Error> {
    connect_with(url, Config::default()).await
}

/// [`connect`] with a [`Config`]: limits, subprotocols to offer, timeouts, more header
/// fields ([`Config::header`]) and, for `wss://`, the roots to trust (`Config::tls`, which
/// shows a `wss://` client).
pub async fn connect_with(url: &str, config: Config) -> Result<WebSocket, Error> {
    let target = Target::parse(url)?;
    crate::time::timeout(config.handshake_wait(), handshake(target, config))
        .await
        .unwrap_or(Err(Error::Timeout("the opening handshake")))
}

/// Where a `ws://` or `wss://` URL points.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    /// `wss://`: TLS over the TCP connection.
    tls: bool,
    host: String,
    port: u16,
    authority: String,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Target, Error> {
        let uri: http::Uri = url
            .parse()
            .map_err(|error| Error::Url(format!("{url}: {error}")))?;
        let tls = match uri.scheme_str() {
            Some("ws") => false,
            Some("wss") if cfg!(feature = "tls") => true,
            Some("wss") => {
                return Err(Error::Url(
                    "wss:// needs TLS: build wasio with the tls feature".into(),
                ));
            }
            _ => {
                return Err(Error::Url(format!(
                    "{url}: the scheme is not ws:// or wss://"
                )));
            }
        };
        let authority = uri
            .authority()
            .ok_or_else(|| Error::Url(format!("{url}: no host")))?;
        if authority.as_str().contains('@') {
            return Err(Error::Url(format!("{url}: credentials in a WebSocket URL")));
        }
        let host = authority.host();
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        Ok(Target {
            tls,
            host: host.to_string(),
            port: authority.port_u16().unwrap_or(if tls { 443 } else { 80 }),
            authority: authority.as_str().to_string(),
            path: uri
                .path_and_query()
                .map_or("/".into(), |p| p.as_str().to_string()),
        })
    }
}

/// The connection to `target`: TCP, and TLS over it for `wss://`.
async fn open(target: &Target, config: &Config) -> Result<Stream, Error> {
    let tcp = TcpStream::connect((target.host.as_str(), target.port)).await?;
    if !target.tls {
        return Ok(Stream::Tcp(tcp));
    }
    #[cfg(feature = "tls")]
    return Ok(Stream::tls(
        config.tls_client().connect(&target.host, tcp).await?,
    ));
    #[cfg(not(feature = "tls"))]
    {
        let _ = config;
        Err(Error::Url(
            "wss:// needs TLS: build wasio with the tls feature".into(),
        ))
    }
}

async fn handshake(target: Target, config: Config) -> Result<WebSocket, Error> {
    let stream = open(&target, &config).await?;
    let peer = stream.peer_addr();
    let (mut reader, mut writer) = stream.into_split();
    let nonce: [u8; 16] = crate::sys::random::bytes(16).try_into().unwrap_or_default();
    let mut request = ClientRequest::new(&target.authority, &target.path, nonce);
    request.protocols = config.subprotocols().to_vec();
    request.headers = config.extra_headers().to_vec();
    request.deflate = config.deflate().copied();
    let mut head = Vec::new();
    request.write(&mut head);
    writer.write_all(&head).await?;

    let (answer, rest) = read_head(&mut reader, |input| parse_response(input, &request)).await?;
    Ok(WebSocket::new(
        (reader, writer),
        peer,
        &rest,
        Role::Client,
        &config,
        answer.protocol,
        answer.deflate,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_host_port_and_path() {
        let target = Target::parse("ws://example.com:8080/chat?room=1").unwrap();
        assert_eq!(
            target,
            Target {
                tls: false,
                host: "example.com".into(),
                port: 8080,
                authority: "example.com:8080".into(),
                path: "/chat?room=1".into(),
            }
        );
        let plain = Target::parse("ws://[::1]").unwrap();
        assert_eq!((plain.host.as_str(), plain.port), ("::1", 80));
        assert_eq!(plain.path, "/");
        #[cfg(feature = "tls")]
        {
            let secure = Target::parse("wss://localhost/chat").unwrap();
            assert!(secure.tls);
            assert_eq!((secure.host.as_str(), secure.port), ("localhost", 443));
            assert_eq!(Target::parse("wss://[::1]:8443").unwrap().port, 8443);
        }
        #[cfg(not(feature = "tls"))]
        assert!(matches!(
            Target::parse("wss://example.com/"),
            Err(Error::Url(_))
        ));
        for bad in ["http://example.com/", "example.com", "ws://u:p@h/"] {
            assert!(matches!(Target::parse(bad), Err(Error::Url(_))), "{bad}");
        }
    }
}
