//! The `Cors` middleware on wasio's own server: preflights answered or refused, actual
//! responses with their `Access-Control-*` headers, and `Vary: Origin`.

use std::time::Duration;

use wasio::http::Method;
use wasio::http::server::{App, Cors, Response, get, put};

use super::{exchange, start};

fn app() -> App {
    App::new()
        .middleware(
            Cors::new()
                .allow_origin("http://page.test:8000")
                .allow_methods([Method::GET, Method::PUT])
                .allow_headers(["x-token"])
                .expose_headers(["x-total"])
                .allow_credentials(true)
                .max_age(Duration::from_secs(600)),
        )
        .route(
            "/items",
            get(|_| async { Response::text("items").header("x-total", "3") })
                .put(|_| async { "put" }),
        )
}

fn preflight(origin: &str, method: &str, headers: &str) -> Vec<u8> {
    format!(
        "OPTIONS /items HTTP/1.1\r\nhost: a\r\norigin: {origin}\r\n\
         access-control-request-method: {method}\r\naccess-control-request-headers: {headers}\r\n\r\n"
    )
    .into_bytes()
}

#[wasio::test]
async fn an_allowed_preflight_is_answered_by_the_middleware() {
    let addr = start(app()).await;
    let reply = exchange(
        addr,
        &preflight("http://page.test:8000", "PUT", "X-Token, content-type"),
    )
    .await;
    assert_eq!(reply.status, 204);
    for (name, value) in [
        ("access-control-allow-origin", "http://page.test:8000"),
        ("access-control-allow-methods", "GET, PUT"),
        ("access-control-allow-headers", "x-token"),
        ("access-control-allow-credentials", "true"),
        ("access-control-max-age", "600"),
        ("vary", "origin"),
    ] {
        assert_eq!(reply.header(name), Some(value), "{name}");
    }
}

#[wasio::test]
async fn a_preflight_asking_for_too_much_is_refused_with_403() {
    let addr = start(app()).await;
    for (request, why) in [
        (
            preflight("http://evil.test", "PUT", "x-token"),
            "CORS: the origin is not allowed",
        ),
        (
            preflight("http://page.test:8000", "DELETE", ""),
            "CORS: the method DELETE is not allowed",
        ),
        (
            preflight("http://page.test:8000", "PUT", "x-token, x-secret"),
            "CORS: the header x-secret is not allowed",
        ),
    ] {
        let reply = exchange(addr, &request).await;
        assert_eq!((reply.status, reply.text()), (403, why));
        assert_eq!(reply.header("access-control-allow-origin"), None);
        assert_eq!(reply.header("vary"), Some("origin"));
    }
}

#[wasio::test]
async fn an_actual_response_is_marked_for_allowed_origins_only() {
    let addr = start(app()).await;
    let reply = exchange(
        addr,
        b"GET /items HTTP/1.1\r\nhost: a\r\norigin: http://PAGE.test:8000\r\n\r\n",
    )
    .await;
    assert_eq!(reply.text(), "items");
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("http://PAGE.test:8000")
    );
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(
        reply.header("access-control-expose-headers"),
        Some("x-total")
    );
    assert_eq!(reply.header("vary"), Some("origin"));

    for request in [
        &b"GET /items HTTP/1.1\r\nhost: a\r\norigin: http://evil.test\r\n\r\n"[..],
        b"GET /items HTTP/1.1\r\nhost: a\r\n\r\n",
    ] {
        let reply = exchange(addr, request).await;
        assert_eq!(reply.text(), "items", "served all the same");
        assert_eq!(reply.header("access-control-allow-origin"), None);
        assert_eq!(reply.header("vary"), Some("origin"));
    }
}

#[wasio::test]
async fn an_options_request_that_is_no_preflight_reaches_the_application() {
    let addr = start(app()).await;
    let reply = exchange(
        addr,
        b"OPTIONS /items HTTP/1.1\r\nhost: a\r\norigin: http://page.test:8000\r\n\r\n",
    )
    .await;
    assert_eq!(reply.status, 405, "the route has no OPTIONS handler");
    assert_eq!(reply.header("allow"), Some("GET, HEAD, PUT"));
}

#[wasio::test]
async fn any_origin_without_credentials_is_a_star_without_vary() {
    let app = App::new()
        .middleware(Cors::new().allow_any_origin())
        .route("/", put(|_| async { "ok" }));
    let addr = start(app).await;
    let reply = exchange(
        addr,
        b"OPTIONS / HTTP/1.1\r\nhost: a\r\norigin: http://x.test\r\naccess-control-request-method: POST\r\n\r\n",
    )
    .await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        reply.header("access-control-allow-methods"),
        Some("GET, HEAD, POST")
    );
    assert_eq!(reply.header("vary"), None);
}
