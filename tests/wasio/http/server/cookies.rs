//! Cookies on wasio's own server: read from the request's `Cookie` headers, set and removed
//! with `Set-Cookie`, and refused with a typed error when they cannot be set.

use std::time::Duration;

use wasio::http::server::{
    App, Cookie, CookieError, HttpError, MAX_SET_COOKIE_SIZE, Request, Response, SameSite, get,
};

use super::{exchange, start};

/// The cookies the client sent, one `name=value` per line.
async fn echo(request: Request) -> String {
    let lines: Vec<String> = request
        .cookies()
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    lines.join("\n")
}

/// Sets the cookie `name` to `?value=`, whatever it holds.
async fn set(request: Request) -> Result<Response, HttpError> {
    let value = request.query_param("value").unwrap_or_default();
    let cookie = Cookie::new("name", value)
        .path("/")
        .max_age(Duration::from_secs(60))
        .secure(true)
        .http_only(true)
        .same_site(SameSite::None)
        .partitioned(true);
    Ok(Response::text("set").set_cookie(&cookie)?)
}

fn app() -> App {
    App::new()
        .route("/echo", get(echo))
        .route(
            "/one",
            get(|r: Request| async move { r.cookie("b").unwrap_or("none").to_string() }),
        )
        .route("/set", get(set))
        .route(
            "/remove",
            get(|_| async {
                let first = Cookie::new("a", "").path("/");
                let second = Cookie::new("b", "").domain("127.0.0.1").path("/x");
                Response::text("gone")
                    .remove_cookie(&first)
                    .and_then(|r| r.remove_cookie(&second))
                    .map_err(HttpError::internal)
            }),
        )
}

fn set_cookies(reply: &super::Reply) -> Vec<&str> {
    reply
        .headers
        .iter()
        .filter(|(n, _)| n == "set-cookie")
        .map(|(_, v)| v.as_str())
        .collect()
}

#[wasio::test]
async fn the_cookies_of_every_cookie_header_are_read_and_bad_pairs_skipped() {
    let addr = start(app()).await;
    let reply = exchange(
        addr,
        b"GET /echo HTTP/1.1\r\nhost: a\r\ncookie: a=1; b=\"two\"; bad name=x\r\ncookie: c=\r\n\r\n",
    )
    .await;
    assert_eq!(reply.text(), "a=1\nb=two\nc=");
    let reply = exchange(
        addr,
        b"GET /one HTTP/1.1\r\nhost: a\r\ncookie: a=1; b=2; b=3\r\n\r\n",
    )
    .await;
    assert_eq!(reply.text(), "2", "the first of two");
    let reply = exchange(addr, b"GET /one HTTP/1.1\r\nhost: a\r\n\r\n").await;
    assert_eq!(reply.text(), "none");
}

#[wasio::test]
async fn a_cookie_is_set_with_every_attribute() {
    let addr = start(app()).await;
    let reply = exchange(addr, b"GET /set?value=abc HTTP/1.1\r\nhost: a\r\n\r\n").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        set_cookies(&reply),
        ["name=abc; Max-Age=60; Path=/; Secure; HttpOnly; SameSite=None; Partitioned"]
    );
}

#[wasio::test]
async fn cookies_are_removed_at_their_domain_and_path() {
    let addr = start(app()).await;
    let reply = exchange(addr, b"GET /remove HTTP/1.1\r\nhost: a\r\n\r\n").await;
    assert_eq!(
        set_cookies(&reply),
        [
            "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
            "b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=127.0.0.1; Path=/x",
        ]
    );
}

#[wasio::test]
async fn a_value_that_cannot_be_a_cookie_is_a_500_not_a_header() {
    let addr = start(app()).await;
    let reply = exchange(addr, b"GET /set?value=a%3Bb HTTP/1.1\r\nhost: a\r\n\r\n").await;
    assert_eq!(reply.status, 500);
    assert!(set_cookies(&reply).is_empty());
}

#[wasio::test]
async fn the_set_cookie_size_limit_holds_at_its_edge() {
    let addr = start(app()).await;
    let attributes = "; Max-Age=60; Path=/; Secure; HttpOnly; SameSite=None; Partitioned";
    let fits = MAX_SET_COOKIE_SIZE - "name=".len() - attributes.len();
    for (len, status) in [(fits, 200), (fits + 1, 500)] {
        let request = format!(
            "GET /set?value={} HTTP/1.1\r\nhost: a\r\n\r\n",
            "v".repeat(len)
        );
        let reply = exchange(addr, request.as_bytes()).await;
        assert_eq!(reply.status, status, "a value of {len} bytes");
    }
    assert_eq!(
        Cookie::new("n", "v".repeat(MAX_SET_COOKIE_SIZE)).to_header(),
        Err(CookieError::TooLarge {
            size: MAX_SET_COOKIE_SIZE + 2
        })
    );
}
