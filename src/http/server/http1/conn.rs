//! One connection: requests read, answered and written in turn, kept alive or pipelined,
//! until the client goes, a limit is hit, or the server shuts down.

use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::net::SocketAddr;
use std::rc::Rc;
use std::task::Poll;

use bytes::BytesMut;
use futures_lite::StreamExt;
use http::{Method, StatusCode, Uri, Version};

use super::ServerConfig;
use super::head::{Framing, Head, HeadError, parse};
use super::input::{BodyReader, Input, Left};
use super::output::{Exchange, Output};
use super::shared::Shared;
use crate::http::Body;
use crate::http::server::lazy::{LazyHeaders, LazyUri};
use crate::http::server::request::{Request, Source};
use crate::http::server::response::{CANNOT_UPGRADE_TLS, OnUpgrade, Parts, Upgraded};
use crate::http::server::{HttpError, IntoResponse, Service};
use crate::net::transport::Stream;
use crate::sync::watch;
use crate::time::{Instant, sleep_until};

/// Serves requests on `stream` until it closes.
pub(crate) async fn serve(
    stream: Stream,
    service: Service,
    config: Rc<ServerConfig>,
    mut shutdown: watch::Receiver<bool>,
) {
    let peer = stream.peer_addr();
    let tcp = matches!(stream, Stream::Tcp(_));
    let (reader, writer) = stream.into_split();
    let input = Shared::new(Input {
        stream: reader,
        buffer: BytesMut::with_capacity(8 * 1024),
    });
    let output = Shared::new(Output::new(writer));
    loop {
        let head = match next_head(&input, &config, &mut shutdown).await {
            Ok(Some(head)) => head,
            Ok(None) => return,
            Err(error) => {
                let exchange = Exchange {
                    version: Version::HTTP_11,
                    head_request: false,
                    keep_alive: false,
                };
                let refusal = HttpError::new(error.status, error.reason);
                return refuse(&output, refusal, exchange).await;
            }
        };
        let exchange = Exchange {
            version: head.version,
            head_request: head.method == Method::HEAD,
            keep_alive: head.keep_alive && !*shutdown.borrow(),
        };
        let Some((request, left)) = request(head, peer, &input, &output, &config) else {
            let refusal = HttpError::bad_request("the request target is not a valid path");
            return refuse(&output, refusal, exchange).await;
        };
        let mut response = service.call(request).await.into_parts();
        let reusable = finish_body(&input, &left, &output, &config).await;
        if response.status == StatusCode::SWITCHING_PROTOCOLS {
            match response.upgrade {
                Some(OnUpgrade::Tcp(_)) if !tcp => {
                    let refusal = HttpError::new(StatusCode::NOT_IMPLEMENTED, CANNOT_UPGRADE_TLS);
                    response = refusal.into_response().into_parts();
                }
                Some(_) => return upgrade(response, input, output, exchange).await,
                None => {}
            }
        }
        let Parts {
            status,
            headers,
            body,
            trailers,
            ..
        } = response;
        let exchange = Exchange {
            // A shutdown that began while the handler ran closes the connection after this.
            keep_alive: exchange.keep_alive && reusable && !*shutdown.borrow(),
            ..exchange
        };
        // Only this loop lends the write side while the handler is not running.
        let Some(mut out) = output.lend() else { return };
        let sent = out.send(status, headers, body, trailers, exchange).await;
        if !matches!(sent, Ok(true)) {
            let _ = futures_lite::io::AsyncWriteExt::close(&mut out.stream).await;
            return;
        }
    }
}

/// [`serve_tls`], as the server calls it.
#[cfg(feature = "tls")]
pub(crate) type ServeTls = fn(
    crate::net::TcpStream,
    crate::tls::ServerConfig,
    Service,
    Rc<ServerConfig>,
    watch::Receiver<bool>,
) -> std::pin::Pin<Box<dyn Future<Output = ()>>>;

/// Serves requests over TLS on `stream` once the handshake is done: its first byte must come
/// within the keep-alive timeout, the rest within the header timeout, and a shutdown ends it.
#[cfg(feature = "tls")]
pub(crate) async fn serve_tls(
    stream: crate::net::TcpStream,
    tls: crate::tls::ServerConfig,
    service: Service,
    config: Rc<ServerConfig>,
    mut shutdown: watch::Receiver<bool>,
) {
    let first_byte = Instant::now() + config.keep_alive_timeout;
    let handshake = tls.accept_within(stream, first_byte, config.header_timeout);
    let stopped = async {
        while !*shutdown.borrow() {
            if shutdown.changed().await.is_err() {
                break;
            }
        }
    };
    let accepted = futures_lite::future::or(async { Some(handshake.await) }, async {
        stopped.await;
        None
    });
    if let Some(Ok(stream)) = accepted.await {
        serve(Stream::tls(stream), service, config, shutdown).await;
    }
}

/// Answers a request that cannot be served with `refusal`; the connection then closes.
async fn refuse(output: &Shared<Output>, refusal: HttpError, exchange: Exchange) {
    let parts = refusal.into_response().into_parts();
    let exchange = Exchange {
        keep_alive: false,
        ..exchange
    };
    if let Some(mut out) = output.lend() {
        let _ = out
            .send(parts.status, parts.headers, parts.body, None, exchange)
            .await;
    }
}

/// The next request head: `None` when the client closed, stayed idle too long, or the
/// server is shutting down between requests.
async fn next_head(
    input: &Shared<Input>,
    config: &ServerConfig,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<Option<Head>, HeadError> {
    // A body reader the handler left behind may hold the read side only while it is polled.
    let Some(mut input) = input.lend() else {
        return Ok(None);
    };
    let mut started: Option<Instant> = None;
    let idle_until = Instant::now() + config.keep_alive_timeout;
    loop {
        if !input.buffer.is_empty() {
            if let Some((head, used)) = parse(&input.buffer, &config.limits())? {
                let _ = input.buffer.split_to(used);
                return Ok(Some(head));
            }
        }
        let deadline = match started {
            None if input.buffer.is_empty() => idle_until,
            None => {
                let now = Instant::now();
                started = Some(now);
                now + config.header_timeout
            }
            Some(at) => at + config.header_timeout,
        };
        let idle = input.buffer.is_empty();
        let mut timer = sleep_until(deadline);
        let mut changed = shutdown.changed();
        let event = poll_fn(|cx| {
            if let Poll::Ready(read) = input.poll_fill(cx) {
                return Poll::Ready(Event::Read(read.unwrap_or(0)));
            }
            if timer.poll_deadline(cx).is_ready() {
                return Poll::Ready(Event::Timeout);
            }
            if idle && std::pin::Pin::new(&mut changed).poll(cx).is_ready() {
                return Poll::Ready(Event::Shutdown);
            }
            Poll::Pending
        })
        .await;
        match event {
            Event::Read(0) | Event::Shutdown => return Ok(None),
            Event::Read(_) => {}
            Event::Timeout if idle => return Ok(None),
            Event::Timeout => {
                return Err(HeadError {
                    status: StatusCode::REQUEST_TIMEOUT,
                    reason: "the request head took too long",
                });
            }
        }
    }
}

enum Event {
    Read(usize),
    Timeout,
    Shutdown,
}

/// The request for `head`, with a body read from the connection, and what is left of it.
fn request(
    head: Head,
    peer: SocketAddr,
    input: &Shared<Input>,
    output: &Shared<Output>,
    config: &ServerConfig,
) -> Option<(Request, Rc<RefCell<Left>>)> {
    // Checked now, so that a target `http` cannot parse is a 400; built again only if a
    // handler asks for the whole URL.
    head.target.parse::<Uri>().ok()?;
    let left = Rc::new(RefCell::new(Left::new(head.framing)));
    let body = match head.framing {
        Framing::Empty => Source::Empty,
        _ => {
            if head.expect_continue {
                if let Some(mut output) = output.lend() {
                    output.expect_continue();
                }
            }
            Source::Stream(Box::pin(BodyReader {
                input: input.clone(),
                left: left.clone(),
                continue_to: head.expect_continue.then(|| output.clone()),
                read_timeout: config.body_read_timeout,
                idle: None,
            }))
        }
    };
    let request = Request::new(
        head.method,
        LazyUri::raw(head.target),
        head.version,
        LazyHeaders::parsed(head.headers),
        Some(peer),
        body,
    );
    Some((request, left))
}

/// After the handler: reads and drops what it left of the body (up to
/// [`ServerConfig::max_drain`]), so the next request can be read. Returns whether the
/// connection can carry another request.
async fn finish_body(
    input: &Shared<Input>,
    left: &Rc<RefCell<Left>>,
    output: &Shared<Output>,
    config: &ServerConfig,
) -> bool {
    match *left.borrow() {
        Left::Done => return true,
        Left::Broken | Left::Abandoned => return false,
        Left::Length(_) | Left::Chunked(_) => {}
    }
    let reusable = if output.lend().is_none_or(|output| output.continue_unsent()) {
        // The client waits to be asked for the body, which was not wanted.
        false
    } else {
        drain(input, left, config).await
    };
    // A task the handler left behind finds the body gone, not the next request's bytes.
    *left.borrow_mut() = Left::Abandoned;
    reusable
}

/// Reads and drops the rest of the body, up to [`ServerConfig::max_drain`]; whether it all
/// came.
async fn drain(input: &Shared<Input>, left: &Rc<RefCell<Left>>, config: &ServerConfig) -> bool {
    let mut rest = BodyReader {
        input: input.clone(),
        left: left.clone(),
        continue_to: None,
        read_timeout: config.body_read_timeout,
        idle: None,
    };
    let mut drained = 0u64;
    while let Some(chunk) = rest.next().await {
        match chunk {
            Ok(chunk) => {
                drained += chunk.len() as u64;
                if drained > config.max_drain {
                    return false;
                }
            }
            Err(_) => return false,
        }
    }
    true
}

/// Sends the `101` head and hands the connection to the response's upgrade.
async fn upgrade(
    response: Parts,
    input: Shared<Input>,
    output: Shared<Output>,
    exchange: Exchange,
) {
    let Parts {
        status,
        headers,
        upgrade,
        ..
    } = response;
    let Some(mut out) = output.lend() else { return };
    let sent = out
        .send(
            status,
            headers,
            Body::empty(),
            None,
            Exchange {
                head_request: true,
                ..exchange
            },
        )
        .await;
    drop(out);
    let (Ok(_), Some(on_upgrade)) = (sent, upgrade) else {
        return;
    };
    let (Some(input), Some(output)) = (input.into_inner(), output.into_inner()) else {
        // A request body the handler kept alive still holds the connection.
        return;
    };
    let Some(stream) = Stream::reunite(input.stream, output.stream) else {
        return;
    };
    let read_ahead = input.buffer.freeze();
    match (on_upgrade, stream) {
        (OnUpgrade::Tcp(on_upgrade), Stream::Tcp(stream)) => {
            on_upgrade(Upgraded::new(stream, read_ahead)).await
        }
        (OnUpgrade::Stream(on_upgrade), stream) => on_upgrade(stream, read_ahead).await,
        // Refused before the 101 went out.
        #[cfg(feature = "tls")]
        (OnUpgrade::Tcp(_), Stream::Tls(_)) => {}
    }
}
