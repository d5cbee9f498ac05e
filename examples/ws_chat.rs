//! A chat room: tasks, a `broadcast` channel and WebSockets together. Every text message a
//! client sends goes to every connected client; `/` serves a page to chat from a browser.
//! Served by wasio's own HTTP server, with the WebSocket route in the `App`.
//! (`wasmtime serve -Scli` serves the page too, but answers the WebSocket route with 501:
//! that host cannot switch protocols.)
//!
//! `cargo run --example ws_chat -- 127.0.0.1:8080`, then open http://127.0.0.1:8080/, or
//! `cargo run --example ws_client -- "ws://127.0.0.1:8080/ws?name=ada" "hello"`.

use wasio::http::server::{App, HttpError, Request, Response, Server, get};
use wasio::sync::broadcast::{self, RecvError};
use wasio::ws::{self, Config, Message, WebSocket, Writer};

/// The room: what is said in it goes to every member.
struct Room(broadcast::Sender<String>);

/// Messages a slow member may fall behind by before it misses some.
const BACKLOG: usize = 256;

const PAGE: &str = r#"<!doctype html><title>wasio chat</title>
<pre id="log"></pre><input id="say" placeholder="say something, then Enter" autofocus>
<script>
const ws = new WebSocket(`ws://${location.host}/ws?name=` + Math.random().toString(36).slice(2, 6));
ws.onmessage = (e) => { log.textContent += e.data + "\n"; };
say.onkeydown = (e) => { if (e.key === "Enter") { ws.send(say.value); say.value = ""; } };
</script>"#;

async fn page(_: Request) -> Response {
    Response::html(PAGE)
}

async fn join(request: Request) -> Result<Response, HttpError> {
    let name = request
        .query_param("name")
        .unwrap_or_else(|| "anonymous".to_string());
    let room = request.state::<Room>()?;
    Ok(ws::upgrade(
        &request,
        Config::new().max_message_size(64 * 1024),
        move |ws| chat(ws, name, room.0.clone()),
    ))
}

/// One member: a task passes what the room says to the member's socket, while this one
/// passes what the member says to the room.
async fn chat(ws: WebSocket, name: String, room: broadcast::Sender<String>) {
    let listener = wasio::spawn(listen(room.subscribe(), ws.writer()));
    let _ = room.send(format!("{name} joined"));
    let (mut reader, _writer) = ws.split();
    while let Some(Ok(message)) = reader.recv().await {
        if let Message::Text(text) = message {
            let _ = room.send(format!("{name}: {text}"));
        }
    }
    listener.abort();
    let _ = room.send(format!("{name} left"));
}

async fn listen(mut said: broadcast::Receiver<String>, to: Writer) {
    loop {
        let line = match said.recv().await {
            Ok(line) => line,
            Err(RecvError::Lagged(missed)) => format!("({missed} messages missed)"),
            Err(RecvError::Closed) => return,
        };
        if to.send_text(line).await.is_err() {
            return;
        }
    }
}

fn app() -> App {
    let (room, _) = broadcast::channel(BACKLOG);
    App::new()
        .route("/", get(page))
        .route("/ws", get(join))
        .state(Room(room))
}

// Under `wasmtime serve` the page is served, but the host cannot switch protocols: `/ws`
// answers 501 there. The chat needs wasio's own server, as `main` runs it.
wasio::export_http!(app());

#[wasio::main]
async fn main() -> Result<(), wasio::http::server::ServeError> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let server = Server::bind(addr.as_str(), app()).await?;
    println!("serving on http://{}", server.local_addr());
    server.run().await
}
