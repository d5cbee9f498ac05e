//! Requests that cannot be made, and the errors that say why.

use wasio::http::{Client, Error};
use wasio::net::TcpListener;

use super::client;

#[wasio::test]
async fn invalid_urls_are_refused_before_sending() {
    let client = Client::new();
    for (url, reason) in [
        (
            "example.com/x",
            "the URL has no scheme (http:// or https://)",
        ),
        (
            "ftp://example.com/x",
            "only http and https URLs are supported",
        ),
        ("http://", "not a valid URL"),
        ("http://exa mple.com/", "not a valid URL"),
    ] {
        match client.get(url).send().await {
            Err(Error::InvalidUrl { reason: got, .. }) => assert_eq!(got, reason, "{url}"),
            other => panic!("{url}: {other:?}"),
        }
    }
    assert!(Client::builder().base_url("not a url").build().is_err());
}

#[wasio::test]
async fn headers_the_host_forbids_are_reported_not_dropped() {
    // wasmtime's list (DEFAULT_FORBIDDEN_HEADERS), checked per request and per client.
    for name in [
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "transfer-encoding",
        "upgrade",
        "host",
        "http2-settings",
    ] {
        match client().get("echo").header(name, "x").send().await {
            Err(Error::ForbiddenHeader { name: got }) => assert_eq!(got, name),
            other => panic!("{name}: {other:?}"),
        }
        match Client::builder().default_header(name, "x").build() {
            Err(Error::ForbiddenHeader { name: got }) => assert_eq!(got, name),
            other => panic!("default {name}: {other:?}"),
        }
    }
    let error = client()
        .get("echo")
        .header("upgrade", "websocket")
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("does not let a component set"),
        "{error}"
    );
}

#[wasio::test]
async fn invalid_header_names_and_values_are_errors() {
    assert!(matches!(
        client().get("echo").header("bad name", "x").send().await,
        Err(Error::InvalidHeader { .. })
    ));
    assert!(matches!(
        client()
            .get("echo")
            .header("x-ok", "bad\nvalue")
            .send()
            .await,
        Err(Error::InvalidHeader { .. })
    ));
}

#[wasio::test]
async fn a_closed_port_is_connection_refused() {
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .port();
    let error = Client::new()
        .get(&format!("http://127.0.0.1:{port}/"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::ConnectionRefused { .. }),
        "{error:?}"
    );
    assert_eq!(error.url().unwrap().port_u16(), Some(port));
}

#[wasio::test]
async fn an_unknown_host_is_a_dns_error() {
    let error = Client::new()
        .get("http://no-such-host.invalid/")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Dns { .. }), "{error:?}");
}

#[wasio::test]
async fn a_failing_upload_stream_is_reported_as_a_body_error() {
    let failing = futures_lite::stream::iter([
        Ok(bytes::Bytes::from("start")),
        Err(std::io::Error::other("the source broke")),
    ]);
    let result = client()
        .post("upload")
        .body(wasio::http::Body::from_stream(failing))
        .send()
        .await;
    // The route answers only once it has the whole body, which never comes.
    match result {
        Err(Error::Body { source, .. }) => assert_eq!(source.to_string(), "the source broke"),
        other => panic!("{other:?}"),
    }
}
