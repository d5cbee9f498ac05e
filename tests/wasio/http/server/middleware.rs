//! The access log and request ids on wasio's own server: the lines written for what the
//! client got, and the ids handed on.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use wasio::http::server::{
    AccessLog, App, DEFAULT_MAX_REQUEST_ID, Request, RequestId, Response, get,
};

use super::{exchange, start};

/// A writer whose bytes a test reads back.
#[derive(Clone, Default)]
struct Lines(Rc<RefCell<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Lines {
    fn text(&self) -> String {
        String::from_utf8(self.0.borrow().clone()).unwrap()
    }
}

fn app(log: AccessLog) -> App {
    App::new()
        .middleware(RequestId::new())
        .middleware(log)
        .route(
            "/hello",
            get(|r: Request| async move {
                Response::text(format!("id {}", RequestId::of(&r).unwrap())).header("x-seen", "yes")
            }),
        )
}

#[wasio::test]
async fn the_default_access_log_line_is_aiohttps() {
    let lines = Lines::default();
    let addr = start(app(AccessLog::new().writer(lines.clone()))).await;
    exchange(
        addr,
        b"GET /hello?x=1 HTTP/1.1\r\nhost: a\r\nuser-agent: test/1\r\nx-request-id: r-1\r\n\r\n",
    )
    .await;
    exchange(
        addr,
        b"GET /missing HTTP/1.1\r\nhost: a\r\nreferer: http://r/\r\n\r\n",
    )
    .await;
    let text = lines.text();
    let logged: Vec<&str> = text.lines().collect();
    assert_eq!(logged.len(), 2, "{text}");
    // `127.0.0.1 [dd/Mon/yyyy:hh:mm:ss +0000] "GET /hello?x=1 HTTP/1.1" 200 6 "-" "test/1"`
    let (address, rest) = logged[0].split_once(" [").unwrap();
    assert_eq!(address, "127.0.0.1");
    let (time, rest) = rest.split_once("] ").unwrap();
    assert_eq!(time.len(), "10/Oct/2000:13:55:36 +0000".len(), "{time}");
    assert!(time.ends_with(" +0000"));
    assert_eq!(rest, r#""GET /hello?x=1 HTTP/1.1" 200 6 "-" "test/1""#);
    assert!(
        logged[1].ends_with(r#""GET /missing HTTP/1.1" 404 13 "http://r/" "-""#),
        "{}",
        logged[1]
    );
}

#[wasio::test]
async fn a_format_of_its_own_logs_headers_and_times() {
    let lines = Lines::default();
    let log = AccessLog::with_format("%s %{X-Seen}o %{X-Request-Id}i %D %Tf %T %P %%")
        .unwrap()
        .writer(lines.clone());
    let addr = start(app(log)).await;
    exchange(
        addr,
        b"GET /hello HTTP/1.1\r\nhost: a\r\nx-request-id: abc\r\n\r\n",
    )
    .await;
    let text = lines.text();
    let fields: Vec<&str> = text.trim_end().split(' ').collect();
    assert_eq!(fields[..3], ["200", "yes", "abc"], "{text}");
    let micros: u64 = fields[3].parse().unwrap();
    let seconds: f64 = fields[4].parse().unwrap();
    assert!(micros < 5_000_000 && seconds < 5.0, "{text}");
    assert_eq!(fields[4].split('.').nth(1).map(str::len), Some(6));
    assert_eq!(fields[5..], ["0", "-", "%"]);
}

#[wasio::test]
async fn request_ids_are_handed_on_or_made() {
    let addr = start(app(AccessLog::new().writer(Lines::default()))).await;
    let reply = exchange(
        addr,
        b"GET /hello HTTP/1.1\r\nhost: a\r\nx-request-id: trace-42\r\n\r\n",
    )
    .await;
    assert_eq!(reply.header("x-request-id"), Some("trace-42"));
    assert_eq!(reply.text(), "id trace-42");

    let fresh = exchange(addr, b"GET /hello HTTP/1.1\r\nhost: a\r\n\r\n").await;
    let again = exchange(addr, b"GET /hello HTTP/1.1\r\nhost: a\r\n\r\n").await;
    let id = fresh.header("x-request-id").unwrap();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(
        Some(id),
        again.header("x-request-id"),
        "a new one each time"
    );
    assert_eq!(fresh.text(), format!("id {id}"));
}

#[wasio::test]
async fn a_client_id_is_taken_up_to_its_limit_and_no_further() {
    let addr = start(app(AccessLog::new().writer(Lines::default()))).await;
    for (id, kept) in [
        ("a".repeat(DEFAULT_MAX_REQUEST_ID), true),
        ("a".repeat(DEFAULT_MAX_REQUEST_ID + 1), false),
        ("a\"b".to_string(), false),
    ] {
        let request = format!("GET /hello HTTP/1.1\r\nhost: a\r\nx-request-id: {id}\r\n\r\n");
        let reply = exchange(addr, request.as_bytes()).await;
        assert_eq!(
            reply.header("x-request-id") == Some(id.as_str()),
            kept,
            "{id}"
        );
    }
}
