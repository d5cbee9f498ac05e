//! `connect`: a WebSocket client over a TCP connection (aiohttp's `ws_connect`).

use futures_lite::AsyncWriteExt;

use super::handshake::{ClientRequest, parse_response};
use super::head::read_head;
use super::protocol::Role;
use super::{Config, Error, WebSocket};
use crate::net::TcpStream;

/// Connects to a `ws://host[:port]/path` URL with the default [`Config`]: resolves the host,
/// opens a TCP connection and performs the opening handshake.
///
/// `wss://` is refused with [`Error::Url`]: TLS is not part of WASI 0.2. (wasmtime 48 has an
/// experimental `wasi:tls` draft, `-Stls`, whose client trusts only its built-in Mozilla roots;
/// wasio does not use it yet.) Errors: [`Error::Io`] when the connection fails, [`Error::Handshake`] when
/// the server refuses (its status is in [`HandshakeError::Status`](super::handshake::HandshakeError::Status)),
/// [`Error::Timeout`] past [`Config::handshake_timeout`].
///
/// ```no_run
#[doc = include_str!("../../examples/ws_client.rs")]
/// ```
pub async fn connect(url: &str) -> Result<WebSocket, Error> {
    connect_with(url, Config::default()).await
}

/// [`connect`] with a [`Config`]: limits, subprotocols to offer, timeouts and more header
/// fields ([`Config::header`]).
pub async fn connect_with(url: &str, config: Config) -> Result<WebSocket, Error> {
    let target = Target::parse(url)?;
    crate::time::timeout(config.handshake_wait(), handshake(target, config))
        .await
        .unwrap_or(Err(Error::Timeout("the opening handshake")))
}

/// Where a `ws://` URL points.
#[derive(Debug, PartialEq, Eq)]
struct Target {
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
        match uri.scheme_str() {
            Some("ws") => {}
            Some("wss") => {
                return Err(Error::Url(
                    "wss:// needs TLS, which is not part of WASI 0.2".into(),
                ));
            }
            _ => return Err(Error::Url(format!("{url}: the scheme is not ws://"))),
        }
        let authority = uri
            .authority()
            .ok_or_else(|| Error::Url(format!("{url}: no host")))?;
        if authority.as_str().contains('@') {
            return Err(Error::Url(format!("{url}: credentials in a ws:// URL")));
        }
        let host = authority.host();
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        Ok(Target {
            host: host.to_string(),
            port: authority.port_u16().unwrap_or(80),
            authority: authority.as_str().to_string(),
            path: uri
                .path_and_query()
                .map_or("/".into(), |p| p.as_str().to_string()),
        })
    }
}

async fn handshake(target: Target, config: Config) -> Result<WebSocket, Error> {
    let mut stream = TcpStream::connect((target.host.as_str(), target.port)).await?;
    let nonce: [u8; 16] = crate::sys::random::bytes(16).try_into().unwrap_or_default();
    let mut request = ClientRequest::new(&target.authority, &target.path, nonce);
    request.protocols = config.subprotocols().to_vec();
    request.headers = config.extra_headers().to_vec();
    request.deflate = config.deflate().copied();
    let mut head = Vec::new();
    request.write(&mut head);
    stream.write_all(&head).await?;

    let (answer, rest) = read_head(&mut stream, |input| parse_response(input, &request)).await?;
    Ok(WebSocket::new(
        stream,
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
                host: "example.com".into(),
                port: 8080,
                authority: "example.com:8080".into(),
                path: "/chat?room=1".into(),
            }
        );
        let plain = Target::parse("ws://[::1]").unwrap();
        assert_eq!((plain.host.as_str(), plain.port), ("::1", 80));
        assert_eq!(plain.path, "/");
        for bad in [
            "wss://example.com/",
            "http://example.com/",
            "example.com",
            "ws://u:p@h/",
        ] {
            assert!(matches!(Target::parse(bad), Err(Error::Url(_))), "{bad}");
        }
    }
}
