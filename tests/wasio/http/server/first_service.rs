//! What a first service meets: state as an `Rc` (a 500 for `?` when it is missing), errors
//! with headers and an application's own renderer, 204 and 304 framed without a body, `HEAD`
//! through a method-checking middleware, and `query_param`.

use std::cell::Cell;
use std::rc::Rc;

use wasio::http::StatusCode;
use wasio::http::server::{App, HttpError, Next, Request, Response, Service, get, post};
use wasio::io::{AsyncWriteExt, BufReader};
use wasio::sync::broadcast;
use wasio::ws::{self, Config, Message};

use super::{exchange, read_reply, start};

fn service(app: App) -> Service {
    app.into_service().unwrap()
}

async fn read_body(response: Response) -> String {
    let bytes = response.into_body().bytes().await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[derive(Debug, Default)]
struct Hits(Cell<u32>);

struct Unregistered;

#[wasio::test]
async fn state_is_an_rc_that_does_not_borrow_the_request() {
    async fn hit(mut request: Request) -> Result<String, HttpError> {
        let hits: Rc<Hits> = request.state()?;
        let note = request.text().await?; // `hits` does not borrow `request`
        hits.0.set(hits.0.get() + 1);
        Ok(format!("{note} #{}", hits.0.get()))
    }
    let service = service(App::new().route("/", post(hit)).state(Hits::default()));
    for n in 1..=2 {
        let response = service.call(Request::builder("POST", "/").body("hi")).await;
        assert_eq!(read_body(response).await, format!("hi #{n}"));
    }
}

#[wasio::test]
async fn a_missing_state_is_a_500_that_names_the_type() {
    async fn needs(request: Request) -> Result<&'static str, HttpError> {
        request.state::<Unregistered>()?;
        Ok("unreachable")
    }
    let service = service(App::new().route("/", get(needs)).state(Hits::default()));
    let response = service.call(Request::builder("GET", "/").build()).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let cause = response.error().and_then(HttpError::cause).unwrap();
    assert!(cause.contains("first_service::Unregistered"), "{cause}");
    assert!(cause.contains("App::state"), "{cause}");
    // The client sees no detail of the application.
    assert_eq!(read_body(response).await, "500 Internal Server Error");
    // Outside an application (a request built in memory) there is no state at all.
    let alone = Request::builder("GET", "/").build();
    assert_eq!(
        alone.state::<Hits>().unwrap_err().status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
}

#[wasio::test]
async fn middleware_sees_the_application_state() {
    async fn count(request: Request, next: Next) -> Result<Response, HttpError> {
        let hits = request.state::<Hits>()?;
        hits.0.set(hits.0.get() + 1);
        Ok(next.run(request).await.header("x-hits", hits.0.get()))
    }
    let service = service(
        App::new()
            .route("/", get(|_| async { "ok" }))
            .middleware(count)
            .state(Hits::default()),
    );
    for n in 1..=3u32 {
        // A 404 goes through the middleware too.
        let path = if n == 2 { "/missing" } else { "/" };
        let response = service.call(Request::builder("GET", path).build()).await;
        assert_eq!(response.headers()["x-hits"], n.to_string().as_str());
    }
}

#[wasio::test]
async fn a_request_a_middleware_builds_anew_still_gets_the_state() {
    async fn rewrite(request: Request, next: Next) -> Response {
        let path = request.path().replacen("/v1", "", 1);
        next.run(Request::builder("GET", &path).build()).await
    }
    async fn count(request: Request) -> Result<String, HttpError> {
        let hits = request.state::<Hits>()?;
        hits.0.set(hits.0.get() + 1);
        Ok(format!("{} at {}", hits.0.get(), request.path()))
    }
    let service = service(
        App::new()
            .route("/count", get(count))
            .middleware(rewrite)
            .state(Hits::default()),
    );
    let response = service
        .call(Request::builder("GET", "/v1/count").build())
        .await;
    assert_eq!(read_body(response).await, "1 at /count");
}

#[wasio::test]
async fn rc_state_moves_into_a_websocket_route() {
    struct Room(broadcast::Sender<String>);
    async fn join(request: Request) -> Result<Response, HttpError> {
        let room = request.state::<Room>()?;
        let name = request.query_param("name").unwrap_or_default();
        Ok(ws::upgrade(&request, Config::new(), move |ws| async move {
            let mut said = room.0.subscribe();
            let _ = room.0.send(format!("{name} joined"));
            while let Ok(line) = said.recv().await {
                if ws.send_text(line).await.is_err() {
                    return;
                }
            }
        }))
    }
    let (room, _) = broadcast::channel(16);
    let addr = start(App::new().route("/ws", get(join)).state(Room(room))).await;
    let mut ann = ws::connect(&format!("ws://{addr}/ws?name=ann"))
        .await
        .unwrap();
    assert_eq!(
        ann.recv().await.unwrap().unwrap(),
        Message::text("ann joined")
    );
    let mut bob = ws::connect(&format!("ws://{addr}/ws?name=b%C3%B6b"))
        .await
        .unwrap();
    for socket in [&mut ann, &mut bob] {
        assert_eq!(
            socket.recv().await.unwrap().unwrap(),
            Message::text("böb joined")
        );
    }
}

#[wasio::test]
async fn errors_carry_headers_to_the_client() {
    async fn admin(request: Request) -> Result<&'static str, HttpError> {
        match request.header("authorization") {
            Some("Bearer good") => Ok("welcome"),
            _ => Err(HttpError::unauthorized("a token is needed")
                .with_header("www-authenticate", "Bearer realm=\"admin\"")),
        }
    }
    async fn busy(_: Request) -> Result<(), HttpError> {
        Err(HttpError::service_unavailable("try later").with_header("retry-after", "30"))
    }
    async fn bad_header(_: Request) -> Result<(), HttpError> {
        Err(HttpError::too_many_requests("slow down").with_header("retry-after", "\n"))
    }
    let addr = start(
        App::new()
            .route("/admin", get(admin))
            .route("/busy", get(busy))
            .route("/bad", get(bad_header)),
    )
    .await;
    let refused = exchange(addr, b"GET /admin HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!(refused.status, 401);
    assert_eq!(
        refused.header("www-authenticate"),
        Some("Bearer realm=\"admin\"")
    );
    assert_eq!(refused.text(), "a token is needed");
    let busy = exchange(addr, b"GET /busy HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!((busy.status, busy.header("retry-after")), (503, Some("30")));
    // An invalid header value is the application's mistake: a 500 without it.
    let bad = exchange(addr, b"GET /bad HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!((bad.status, bad.header("retry-after")), (500, None));
}

#[wasio::test]
async fn an_error_renderer_gives_every_error_a_json_body() {
    async fn refuse(_: Request) -> Result<(), HttpError> {
        Err(HttpError::forbidden("no entry").with_header("x-reason", "policy"))
    }
    async fn upload(mut request: Request) -> Result<String, HttpError> {
        request.text().await
    }
    async fn tag(request: Request, next: Next) -> Response {
        next.run(request).await.header("x-tagged", "yes")
    }
    let app = App::new()
        .route("/refuse", get(refuse))
        .route("/upload", post(upload))
        .route("/fine", get(|_| async { "fine" }))
        .middleware(tag)
        .max_body_size(4)
        .error_renderer(|error: &HttpError| {
            Response::json(&serde_json::json!({
                "status": error.status().as_u16(),
                "error": error.message(),
            }))
        });
    let addr = start(app).await;
    let cases: [(&[u8], u16, &str); 4] = [
        (b"GET /refuse HTTP/1.1\r\nhost: x\r\n\r\n", 403, "no entry"),
        (
            b"GET /nope HTTP/1.1\r\nhost: x\r\n\r\n",
            404,
            "404 Not Found",
        ),
        (
            b"PUT /fine HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n",
            405,
            "405 Method Not Allowed",
        ),
        (
            b"POST /upload HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhello",
            413,
            "the request body is larger than 4 bytes",
        ),
    ];
    for (request, status, message) in cases {
        let reply = exchange(addr, request).await;
        assert_eq!(reply.status, status, "{message}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"status": status, "error": message})
        );
        // What the middleware added to the response stays.
        assert_eq!(reply.header("x-tagged"), Some("yes"));
    }
    let refused = exchange(addr, b"GET /refuse HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!(refused.header("x-reason"), Some("policy"));
    let wrong = exchange(
        addr,
        b"PUT /fine HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n",
    )
    .await;
    assert_eq!(wrong.header("allow"), Some("GET, HEAD"));
    // A middleware that answers an error with another status: rendered with that status.
    async fn gone(request: Request, next: Next) -> Response {
        let response = next.run(request).await;
        if response.status() == StatusCode::NOT_FOUND {
            return response.with_status(StatusCode::GONE);
        }
        response
    }
    let remapped = service(
        App::new()
            .middleware(gone)
            .error_renderer(|error: &HttpError| {
                Response::json(&serde_json::json!({"status": error.status().as_u16()}))
            }),
    );
    let response = remapped.call(Request::builder("GET", "/old").build()).await;
    assert_eq!(response.status(), StatusCode::GONE);
    assert_eq!(read_body(response).await, r#"{"status":410}"#);
    // A response that is not an error is not rendered.
    let fine = exchange(addr, b"GET /fine HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!((fine.status, fine.text()), (200, "fine"));
}

#[wasio::test]
async fn no_content_and_not_modified_go_out_without_a_body() {
    async fn cached(_: Request) -> Response {
        Response::text("the whole page")
            .with_status(StatusCode::NOT_MODIFIED)
            .header("etag", "\"v1\"")
            .header("content-length", "14")
    }
    let addr = start(
        App::new()
            .route("/unit", post(|_| async {}))
            .route("/status", post(|_| async { StatusCode::NO_CONTENT }))
            .route(
                "/text",
                post(|_| async { (StatusCode::NO_CONTENT, "dropped") }),
            )
            .route("/cached", get(cached))
            .route("/page", get(|_| async { "a page" })),
    )
    .await;
    let mut stream = super::connect(addr).await;
    // Pipelined: any body bytes after a 204 or 304 would be read as the next status line.
    stream
        .write_all(
            b"POST /unit HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n\
              POST /status HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n\
              POST /text HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n\
              GET /cached HTTP/1.1\r\nhost: x\r\n\r\n\
              HEAD /page HTTP/1.1\r\nhost: x\r\n\r\n\
              GET /page HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let mut stream = BufReader::new(stream);
    for expected in [204, 204, 204, 304] {
        let reply = read_reply(&mut stream, false).await.unwrap();
        assert_eq!(reply.status, expected);
        for absent in ["content-type", "content-length", "transfer-encoding"] {
            assert_eq!(reply.header(absent), None, "{absent} on a {expected}");
        }
        if expected == 304 {
            assert_eq!(reply.header("etag"), Some("\"v1\""));
        }
    }
    // HEAD: the GET's headers, no body.
    let head = read_reply(&mut stream, true).await.unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(head.header("content-length"), Some("6"));
    let page = read_reply(&mut stream, false).await.unwrap();
    assert_eq!(page.text(), "a page");
}

#[wasio::test]
async fn head_passes_a_middleware_that_lets_only_safe_methods_through() {
    // `HEAD` reaches middleware as `HEAD`; `Method::is_safe` counts it with `GET`.
    async fn read_only(request: Request, next: Next) -> Result<Response, HttpError> {
        let token = request.header("authorization") == Some("Bearer writer");
        if !request.method().is_safe() && !token {
            return Err(HttpError::unauthorized("writing needs a token")
                .with_header("www-authenticate", "Bearer"));
        }
        Ok(next.run(request).await)
    }
    let addr = start(
        App::new()
            .route(
                "/todos",
                get(|_| async { "[]" }).post(|_| async { "added" }),
            )
            .middleware(read_only),
    )
    .await;
    let head = super::exchange_head(addr, b"HEAD /todos HTTP/1.1\r\nhost: x\r\n\r\n").await;
    assert_eq!(
        (head.status, head.header("content-length")),
        (200, Some("2"))
    );
    let post = exchange(
        addr,
        b"POST /todos HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n",
    )
    .await;
    assert_eq!(post.status, 401);
    let allowed = exchange(
        addr,
        b"POST /todos HTTP/1.1\r\nhost: x\r\nauthorization: Bearer writer\r\ncontent-length: 0\r\n\r\n",
    )
    .await;
    assert_eq!((allowed.status, allowed.text()), (200, "added"));
}

#[wasio::test]
async fn query_param_decodes_the_first_value() {
    let request = Request::builder("GET", "/s?q=a+b%21&empty=&flag&q=second&bad=%zz").build();
    assert_eq!(request.query_param("q").as_deref(), Some("a b!"));
    assert_eq!(request.query_param("empty").as_deref(), Some(""));
    assert_eq!(request.query_param("flag").as_deref(), Some(""));
    assert_eq!(request.query_param("bad").as_deref(), Some("%zz"));
    assert_eq!(request.query_param("missing"), None);
    let bare = Request::builder("GET", "/s").build();
    assert_eq!(bare.query_param("q"), None);
}
