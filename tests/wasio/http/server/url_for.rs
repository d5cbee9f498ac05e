//! Reverse routing: named routes, in the application and in sub-routers, and the URLs built
//! from them, which lead back to the same route.

use wasio::http::server::{App, HttpError, Request, Response, RouteError, Router, UrlError, get};

use super::{exchange, start};

async fn link(request: Request) -> Result<Response, HttpError> {
    let id = request.query_param("id").unwrap_or_default();
    let url = request
        .url_for("file", &[("user", &id), ("path", "docs/read me.txt")])
        .map_err(|error| HttpError::bad_request(error.to_string()))?;
    Ok(Response::see_other(&url))
}

fn app() -> App {
    App::new().route("/link", get(link)).nest(
        "/api",
        Router::new().route(
            "/users/{user}/files/{*path}",
            get(|r: Request| async move {
                format!("{} {}", r.param("user").unwrap(), r.param("path").unwrap())
            })
            .name("file"),
        ),
    )
}

#[wasio::test]
async fn a_url_built_for_a_named_route_leads_back_to_it() {
    let addr = start(app()).await;
    let reply = exchange(
        addr,
        b"GET /link?id=ada%2Fl%C3%B8v HTTP/1.1\r\nhost: a\r\n\r\n",
    )
    .await;
    assert_eq!(reply.status, 303);
    let location = reply.header("location").unwrap().to_string();
    assert_eq!(
        location,
        "/api/users/ada%2Fl%C3%B8v/files/docs/read%20me.txt"
    );
    let request = format!("GET {location} HTTP/1.1\r\nhost: a\r\n\r\n");
    let reply = exchange(addr, request.as_bytes()).await;
    assert_eq!(reply.text(), "ada/løv docs/read me.txt");
}

#[wasio::test]
async fn a_missing_parameter_is_a_typed_error() {
    let addr = start(app()).await;
    let reply = exchange(addr, b"GET /link?id= HTTP/1.1\r\nhost: a\r\n\r\n").await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.text(),
        "route \"file\": the parameter \"user\" cannot be empty"
    );
    let app = app();
    assert_eq!(
        app.url_for("file", &[("path", "x")]),
        Err(UrlError::MissingParam {
            route: "file".into(),
            param: "user".into()
        })
    );
    assert_eq!(
        app.url_for("files", &[]),
        Err(UrlError::UnknownRoute("files".into()))
    );
}

#[wasio::test]
async fn a_request_outside_an_application_knows_no_route() {
    let request = Request::builder("GET", "/").build();
    assert_eq!(
        request.url_for("file", &[]),
        Err(UrlError::UnknownRoute("file".into()))
    );
}

#[wasio::test]
async fn a_name_given_twice_makes_the_application_invalid() {
    let app = App::new()
        .route("/a", get(|_| async { "a" }).name("page"))
        .route("/b", get(|_| async { "b" }).name("page"));
    let error: RouteError = app.check().unwrap_err();
    assert_eq!(
        error.to_string(),
        "route \"/b\": a route name is given twice"
    );
}
