//! Applications called directly: routing, 404 and 405, HEAD, sub-routers, middleware order,
//! state, request helpers and handler errors.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasio::http::StatusCode;
use wasio::http::server::{
    App, HttpError, Json, Next, Request, Response, Router, Service, get, post, put,
};

fn service(app: App) -> Service {
    app.into_service().unwrap()
}

async fn call(service: &Service, method: &str, uri: &str) -> Response {
    service.call(Request::builder(method, uri).build()).await
}

/// The body of `response`, read whole.
async fn read_body(response: Response) -> String {
    let bytes = response.into_body().bytes().await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[wasio::test]
async fn routes_bind_parameters_and_tails() {
    let service = service(
        App::new()
            .route("/", get(|_| async { "root" }))
            .route(
                "/users/{id}",
                get(|r: Request| async move { format!("user {}", r.param("id").unwrap()) }),
            )
            .route(
                "/users/{id}/posts/{post}",
                get(|r: Request| async move {
                    format!("{} of {}", r.param("post").unwrap(), r.param("id").unwrap())
                }),
            )
            .route("/users/me", get(|_| async { "me" }))
            .route(
                "/static/{*path}",
                get(|r: Request| async move { format!("file {}", r.param("path").unwrap()) }),
            ),
    );
    for (uri, expected) in [
        ("/", "root"),
        ("/users/7", "user 7"),
        ("/users/me", "me"),
        ("/users/a%20b", "user a b"),
        ("/users/7/posts/3", "3 of 7"),
        ("/static/css/site.css", "file css/site.css"),
    ] {
        let response = call(&service, "GET", uri).await;
        assert_eq!(response.status(), 200, "{uri}");
        assert_eq!(read_body(response).await, expected, "{uri}");
    }
}

#[wasio::test]
async fn unknown_paths_are_404_and_unknown_methods_405_with_allow() {
    let service = service(App::new().route(
        "/items",
        get(|_| async { "list" }).post(|_| async { "made" }),
    ));
    assert_eq!(call(&service, "GET", "/nothing").await.status(), 404);
    let refused = call(&service, "DELETE", "/items").await;
    assert_eq!(refused.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(refused.headers()["allow"], "GET, HEAD, POST");
    assert_eq!(call(&service, "GET", "/items/%zz").await.status(), 400);
    assert_eq!(call(&service, "GET", "/%C3%A9").await.status(), 404);
}

#[wasio::test]
async fn head_is_answered_by_the_get_handler() {
    let service = service(App::new().route("/page", get(|_| async { "page" })));
    let response = call(&service, "HEAD", "/page").await;
    assert_eq!(response.status(), 200);
    // The body stays in the response: the server sends its length and drops it.
    assert_eq!(response.body().len(), Some(4));
}

#[wasio::test]
async fn routing_a_path_again_adds_methods_and_bad_patterns_are_reported() {
    let service = service(
        App::new()
            .route("/thing", get(|_| async { "got" }))
            .route("/thing", put(|_| async { "put" })),
    );
    assert_eq!(
        read_body(call(&service, "PUT", "/thing").await).await,
        "put"
    );
    assert_eq!(
        read_body(call(&service, "GET", "/thing").await).await,
        "got"
    );
    let error = App::new()
        .route("/a/{x", get(|_| async { "" }))
        .into_service()
        .unwrap_err();
    assert!(error.to_string().contains("/a/{x"), "{error}");
    assert!(
        App::new()
            .nest(
                "/api",
                Router::new().route("relative", get(|_| async { "" }))
            )
            .into_service()
            .is_err()
    );
}

/// Records the order middleware and handlers run in.
#[derive(Default, Clone)]
struct Trace(Rc<RefCell<Vec<String>>>);

impl Trace {
    fn layer(
        &self,
        name: &'static str,
    ) -> impl Fn(Request, Next) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response>>> + 'static
    {
        let trace = self.clone();
        move |request, next| {
            let trace = trace.clone();
            Box::pin(async move {
                trace.0.borrow_mut().push(format!("{name} in"));
                let response = next.run(request).await;
                trace.0.borrow_mut().push(format!("{name} out"));
                response.header(format!("x-{name}"), "seen")
            })
        }
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

#[wasio::test]
async fn middleware_run_outermost_first_and_router_middleware_inside() {
    let trace = Trace::default();
    let handler_trace = trace.clone();
    let handler = move |_| {
        let trace = handler_trace.clone();
        async move {
            trace.0.borrow_mut().push("handler".into());
            "done"
        }
    };
    let service = service(
        App::new()
            .route("/top", get(handler.clone()))
            .nest(
                "/api",
                Router::new()
                    .route("/x", get(handler))
                    .middleware(trace.layer("router")),
            )
            .middleware(trace.layer("first"))
            .middleware(trace.layer("second")),
    );
    let response = call(&service, "GET", "/api/x").await;
    assert_eq!(response.headers()["x-first"], "seen");
    assert_eq!(
        trace.take(),
        [
            "first in",
            "second in",
            "router in",
            "handler",
            "router out",
            "second out",
            "first out"
        ]
    );
    call(&service, "GET", "/top").await;
    assert_eq!(
        trace.take(),
        [
            "first in",
            "second in",
            "handler",
            "second out",
            "first out"
        ],
        "the router's middleware is only around its own routes"
    );
    // App middleware also wraps the 404 and 405 answers.
    let missing = call(&service, "GET", "/missing").await;
    assert_eq!(missing.headers()["x-second"], "seen");
    assert_eq!(
        trace.take(),
        ["first in", "second in", "second out", "first out"]
    );
}

#[wasio::test]
async fn a_middleware_can_answer_without_calling_the_handler() {
    async fn auth(request: Request, next: Next) -> Result<Response, HttpError> {
        if request.header("authorization") != Some("Bearer good") {
            return Err(HttpError::unauthorized("who are you?"));
        }
        Ok(next.run(request).await)
    }
    let called = Rc::new(Cell::new(0));
    let counter = called.clone();
    let service = service(
        App::new()
            .route(
                "/secret",
                get(move |_| {
                    counter.set(counter.get() + 1);
                    async { "the secret" }
                }),
            )
            .middleware(auth),
    );
    let refused = call(&service, "GET", "/secret").await;
    assert_eq!(refused.status(), 401);
    assert_eq!(read_body(refused).await, "who are you?");
    assert_eq!(called.get(), 0);
    let allowed = service
        .call(
            Request::builder("GET", "/secret")
                .header("authorization", "Bearer good")
                .build(),
        )
        .await;
    assert_eq!(read_body(allowed).await, "the secret");
}

#[wasio::test]
async fn state_is_shared_by_every_handler_and_request() {
    struct Hits(Cell<u32>);
    async fn hit(request: Request) -> String {
        let hits = request.state::<Hits>().unwrap();
        hits.0.set(hits.0.get() + 1);
        format!(
            "{} hits, no {}",
            hits.0.get(),
            request.state::<String>().is_err()
        )
    }
    let service = service(App::new().route("/", get(hit)).state(Hits(Cell::new(0))));
    call(&service, "GET", "/").await;
    let again = service.clone();
    assert_eq!(
        read_body(call(&again, "GET", "/").await).await,
        "2 hits, no true"
    );
}

#[wasio::test]
async fn handler_errors_become_responses_and_hide_their_cause() {
    async fn parse(request: Request) -> Result<String, HttpError> {
        let n: u32 = request.param("n").unwrap().parse()?;
        Ok(format!("n = {n}"))
    }
    async fn missing(_: Request) -> Result<String, HttpError> {
        Err(HttpError::not_found("no such thing"))
    }
    let service = service(
        App::new()
            .route("/n/{n}", get(parse))
            .route("/missing", get(missing)),
    );
    assert_eq!(
        read_body(call(&service, "GET", "/n/5").await).await,
        "n = 5"
    );
    let failed = call(&service, "GET", "/n/five").await;
    assert_eq!(failed.status(), 500);
    assert_eq!(read_body(failed).await, "500 Internal Server Error");
    let missing = call(&service, "GET", "/missing").await;
    assert_eq!(
        (missing.status().as_u16(), read_body(missing).await.as_str()),
        (404, "no such thing")
    );
}

#[wasio::test]
async fn query_json_form_and_text_are_read_from_the_request() {
    #[derive(serde::Deserialize, serde::Serialize)]
    struct Item {
        name: String,
        count: u32,
    }
    let service = service(
        App::new()
            .route(
                "/search",
                get(|r: Request| async move {
                    #[derive(serde::Deserialize)]
                    struct Search {
                        q: String,
                        page: Option<u32>,
                    }
                    let search: Search = r.query()?;
                    Ok::<_, HttpError>(format!("{} p{}", search.q, search.page.unwrap_or(1)))
                }),
            )
            .route(
                "/json",
                post(|mut r: Request| async move {
                    let item: Item = r.json().await?;
                    Ok::<_, HttpError>(Json(Item {
                        count: item.count + 1,
                        ..item
                    }))
                }),
            )
            .route(
                "/form",
                post(|mut r: Request| async move {
                    let item: Item = r.form().await?;
                    Ok::<_, HttpError>(format!("{} x{}", item.name, item.count))
                }),
            )
            .route(
                "/text",
                post(|mut r: Request| async move { r.text().await.map(|t| t.to_uppercase()) }),
            ),
    );
    assert_eq!(
        read_body(call(&service, "GET", "/search?q=a%20b&page=2").await).await,
        "a b p2"
    );
    assert_eq!(call(&service, "GET", "/search?page=x").await.status(), 400);

    let made = service
        .call(Request::builder("POST", "/json").body(r#"{"name":"x","count":1}"#))
        .await;
    assert_eq!(made.headers()["content-type"], "application/json");
    assert_eq!(read_body(made).await, r#"{"name":"x","count":2}"#);
    let bad = service
        .call(Request::builder("POST", "/json").body("{oops"))
        .await;
    assert_eq!(bad.status(), 400);

    let form = Request::builder("POST", "/form")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=a+b&count=3");
    assert_eq!(read_body(service.call(form).await).await, "a b x3");
    let not_form = Request::builder("POST", "/form").body("name=a&count=3");
    assert_eq!(service.call(not_form).await.status(), 415);

    assert_eq!(
        read_body(
            service
                .call(Request::builder("POST", "/text").body("shout"))
                .await
        )
        .await,
        "SHOUT"
    );
    let not_utf8 = Request::builder("POST", "/text").body(&b"\xff\xfe"[..]);
    assert_eq!(service.call(not_utf8).await.status(), 400);
}

#[wasio::test]
async fn the_body_limit_holds_at_and_past_its_edge() {
    let service = service(
        App::new()
            .route(
                "/upload",
                post(|mut r: Request| async move { r.bytes().await.map(|b| b.len().to_string()) }),
            )
            .route(
                "/big-upload",
                post(|mut r: Request| async move {
                    r.set_max_body_size(20);
                    r.bytes().await.map(|b| b.len().to_string())
                }),
            )
            .max_body_size(10),
    );
    let at_limit = service
        .call(Request::builder("POST", "/upload").body("0123456789"))
        .await;
    assert_eq!(read_body(at_limit).await, "10");
    let past = service
        .call(Request::builder("POST", "/upload").body("0123456789a"))
        .await;
    assert_eq!(past.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let raised = service
        .call(Request::builder("POST", "/big-upload").body("x".repeat(20)))
        .await;
    assert_eq!(read_body(raised).await, "20");
    // A declared length past the limit is refused before anything is read.
    let declared = Request::builder("POST", "/upload")
        .header("content-length", "11")
        .body("0123456789a");
    assert_eq!(service.call(declared).await.status(), 413);
}

#[wasio::test]
async fn responses_of_every_kind() {
    let service = service(
        App::new()
            .route("/status", get(|_| async { StatusCode::IM_A_TEAPOT }))
            .route("/empty", get(|_| async {}))
            .route("/pair", get(|_| async { (StatusCode::CREATED, "made") }))
            .route("/bytes", get(|_| async { vec![1u8, 2, 3] }))
            .route("/html", get(|_| async { Response::html("<p>hi</p>") }))
            .route("/moved", get(|_| async { Response::see_other("/there") }))
            .route(
                "/bad-header",
                get(|_| async { Response::text("x").header("bad name", "v") }),
            ),
    );
    let teapot = call(&service, "GET", "/status").await;
    assert_eq!(
        (teapot.status().as_u16(), read_body(teapot).await.as_str()),
        (418, "418 I'm a teapot")
    );
    assert_eq!(call(&service, "GET", "/empty").await.status(), 204);
    assert_eq!(call(&service, "GET", "/pair").await.status(), 201);
    let bytes = call(&service, "GET", "/bytes").await;
    assert_eq!(bytes.headers()["content-type"], "application/octet-stream");
    let html = call(&service, "GET", "/html").await;
    assert_eq!(html.headers()["content-type"], "text/html; charset=utf-8");
    let moved = call(&service, "GET", "/moved").await;
    assert_eq!(
        (
            moved.status().as_u16(),
            moved.headers()["location"].to_str().unwrap()
        ),
        (303, "/there")
    );
    let bad = call(&service, "GET", "/bad-header").await;
    assert_eq!(bad.status(), 500);
}

/// What `export_http!` runs: `IntoService::serve`, for a single handler (called through its own
/// type, `Handler::respond`), an `App` and a `Service` alike.
#[wasio::test]
async fn export_serves_a_handler_an_app_and_a_service() {
    use wasio::http::server::{Handler, IntoService};

    async fn echo(request: Request) -> String {
        format!("{} {}", request.method(), request.path())
    }
    let request = || Request::builder("POST", "/a/b?c").build();

    let response = echo.serve(request()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(read_body(response).await, "POST /a/b");
    assert_eq!(read_body(echo.respond(request()).await).await, "POST /a/b");
    assert_eq!(
        read_body(Handler::call(&echo, request()).await).await,
        "POST /a/b"
    );

    let app = || App::new().route("/a/b", post(echo));
    assert_eq!(read_body(app().serve(request()).await).await, "POST /a/b");
    assert_eq!(
        read_body(service(app()).serve(request()).await).await,
        "POST /a/b"
    );
    let missing = app().serve(Request::builder("GET", "/nope").build()).await;
    assert_eq!(missing.status(), 404);

    let invalid = App::new().route("no-slash", get(echo));
    assert_eq!(
        invalid.serve(request()).await.status(),
        500,
        "an invalid route"
    );

    let fixed = |_: Request| async { "static text" };
    let response = fixed.serve(request()).await;
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(response.body().len(), Some(11));
    assert_eq!(read_body(response).await, "static text");
}
