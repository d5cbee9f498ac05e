//! A todo service in the shape of an aiohttp one: JSON routes, a bearer token for anything
//! but reading, a WebSocket that hears every new todo, and JSON errors. Served on its own
//! socket: `cargo run -- 127.0.0.1:8080`.

use std::cell::{Cell, RefCell};

use serde_json::{Value, json};
use wasio::http::StatusCode;
use wasio::http::server::{
    App, HttpError, Next, Request, Response, ServeError, Server, delete, get,
};
use wasio::sync::broadcast;
use wasio::ws::{self, Config};

#[derive(Default)]
struct Todos {
    next_id: Cell<u64>,
    items: RefCell<Vec<Value>>,
}

/// Tells the WebSocket listeners about each new todo.
struct News(broadcast::Sender<String>);

/// Never registered: the route that asks for it shows what a missing state does.
struct Database;

async fn list(request: Request) -> Result<Response, HttpError> {
    let todos = request.state::<Todos>()?;
    let items = todos.items.borrow();
    let found: Vec<&Value> = match request.query_param("q") {
        Some(q) => items
            .iter()
            .filter(|t| t["title"].as_str().is_some_and(|title| title.contains(&q)))
            .collect(),
        None => items.iter().collect(),
    };
    Ok(Response::json(&found))
}

async fn add(mut request: Request) -> Result<Response, HttpError> {
    let todos = request.state::<Todos>()?;
    let news = request.state::<News>()?;
    let todo: Value = request.json().await?;
    let Some(title) = todo["title"].as_str() else {
        return Err(HttpError::bad_request("a todo has a title"));
    };
    let id = todos.next_id.get() + 1;
    todos.next_id.set(id);
    todos
        .items
        .borrow_mut()
        .push(json!({"id": id, "title": title}));
    let _ = news.0.send(format!("added {title}"));
    Ok(Response::json(&json!({"id": id})).with_status(StatusCode::CREATED))
}

async fn remove(request: Request) -> Result<StatusCode, HttpError> {
    let todos = request.state::<Todos>()?;
    let id: u64 = request.param("id").unwrap_or_default().parse()?;
    let mut items = todos.items.borrow_mut();
    let before = items.len();
    items.retain(|t| t["id"] != id);
    if items.len() == before {
        return Err(HttpError::not_found(format!("no todo {id}")));
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn listen(request: Request) -> Result<Response, HttpError> {
    let news = request.state::<News>()?;
    Ok(ws::upgrade(&request, Config::new(), move |ws| async move {
        let mut heard = news.0.subscribe();
        while let Ok(line) = heard.recv().await {
            if ws.send_text(line).await.is_err() {
                return;
            }
        }
    }))
}

async fn stats(request: Request) -> Result<Response, HttpError> {
    let _database = request.state::<Database>()?;
    Ok(Response::text("unreachable"))
}

/// Reading is free; anything else needs the token. `HEAD` counts as reading.
async fn token(request: Request, next: Next) -> Result<Response, HttpError> {
    let bearer = request.header("authorization") == Some("Bearer let-me-write");
    if !request.method().is_safe() && !bearer {
        return Err(HttpError::unauthorized("writing needs a token")
            .with_header("www-authenticate", "Bearer realm=\"todo\""));
    }
    Ok(next.run(request).await)
}

fn app() -> App {
    let (news, _) = broadcast::channel(64);
    App::new()
        .route("/todos", get(list).post(add))
        .route("/todos/{id}", delete(remove))
        .route("/ws", get(listen))
        .route("/stats", get(stats))
        .middleware(token)
        .state(Todos::default())
        .state(News(news))
        .error_renderer(|error: &HttpError| Response::json(&json!({"error": error.message()})))
}

#[wasio::main]
async fn main() -> Result<(), ServeError> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let server = Server::bind(addr.as_str(), app()).await?;
    println!("serving on http://{}", server.local_addr());
    server.run().await
}
