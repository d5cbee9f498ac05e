//! Starting, stopping and handing over: graceful shutdown, the upgrade hook, servers that
//! cannot start, and the application's startup and cleanup hooks.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use wasio::http::StatusCode;
use wasio::http::server::{App, Request, Response, ServeError, Server, ServerConfig, Stage, get};
use wasio::io::{AsyncReadExt, AsyncWriteExt};
use wasio::net::{TcpListener, TcpStream};
use wasio::time::{Instant, sleep, timeout};

use super::{connect, is_closed, read_reply, start, start_with};

fn app() -> App {
    App::new().route("/", get(|_| async { "ok" })).route(
        "/slow/{ms}",
        get(|r: wasio::http::server::Request| async move {
            let ms: u64 = r.param("ms").unwrap().parse().unwrap();
            sleep(Duration::from_millis(ms)).await;
            format!("slept {ms}")
        }),
    )
}

#[wasio::test]
async fn a_graceful_shutdown_finishes_requests_in_progress_and_closes_idle_ones() {
    let server = start_with(app(), ServerConfig::default()).await;
    let mut idle = connect(server.addr).await;
    idle.write_all(b"GET / HTTP/1.1\r\nhost: a\r\n\r\n")
        .await
        .unwrap();
    read_reply(&mut idle, false).await.unwrap();
    let mut busy = connect(server.addr).await;
    busy.write_all(b"GET /slow/200 HTTP/1.1\r\nhost: a\r\n\r\n")
        .await
        .unwrap();
    sleep(Duration::from_millis(50)).await;

    let stopping = Instant::now();
    server.stop();
    assert!(
        is_closed(&mut idle).await,
        "an idle connection closes at once"
    );
    assert!(stopping.elapsed() < Duration::from_millis(150));
    let reply = read_reply(&mut busy, false).await.unwrap();
    assert_eq!(
        reply.text(),
        "slept 200",
        "the request in progress finishes"
    );
    assert_eq!(reply.header("connection"), Some("close"));
    assert!(is_closed(&mut busy).await);
    server.task.await.unwrap().unwrap();
    assert!(
        TcpStream::connect(server.addr).await.is_err(),
        "no longer listening"
    );
}

#[wasio::test]
async fn the_shutdown_grace_cancels_what_runs_too_long() {
    let mut config = ServerConfig::default();
    config.shutdown_grace = Duration::from_millis(100);
    let server = start_with(app(), config).await;
    let mut busy = connect(server.addr).await;
    busy.write_all(b"GET /slow/5000 HTTP/1.1\r\nhost: a\r\n\r\n")
        .await
        .unwrap();
    sleep(Duration::from_millis(20)).await;
    let stopping = Instant::now();
    server.stop();
    server.task.await.unwrap().unwrap();
    let waited = stopping.elapsed();
    assert!(
        waited >= Duration::from_millis(100) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    assert!(is_closed(&mut busy).await, "the connection was cancelled");
}

#[wasio::test]
async fn an_upgrade_hands_over_the_connection_with_the_bytes_read_ahead() {
    let app = App::new().route(
        "/shout",
        get(|_| async {
            Response::new(StatusCode::SWITCHING_PROTOCOLS)
                .header("upgrade", "shout")
                .header("connection", "upgrade")
                .with_upgrade(|upgraded| async move {
                    let (mut stream, read_ahead) = upgraded.into_parts();
                    let mut all = read_ahead.to_vec();
                    let mut buffer = [0; 64];
                    while !all.ends_with(b"\n") {
                        let n = stream.read(&mut buffer).await.unwrap();
                        if n == 0 {
                            return;
                        }
                        all.extend_from_slice(&buffer[..n]);
                    }
                    stream.write_all(&all.to_ascii_uppercase()).await.unwrap();
                    stream.close().await.unwrap();
                })
        }),
    );
    let addr = start(app).await;
    let mut stream = connect(addr).await;
    // The first protocol bytes come in the same write as the request.
    stream
        .write_all(b"GET /shout HTTP/1.1\r\nhost: a\r\nupgrade: shout\r\nconnection: upgrade\r\n\r\nhello ")
        .await
        .unwrap();
    let reply = read_reply(&mut stream, true).await.unwrap();
    assert_eq!(reply.status, 101);
    assert_eq!(reply.header("upgrade"), Some("shout"));
    assert_eq!(reply.header("connection"), Some("upgrade"));
    stream.write_all(b"world\n").await.unwrap();
    let mut rest = String::new();
    stream.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "HELLO WORLD\n");
}

#[wasio::test]
async fn a_server_that_cannot_start_says_why() {
    let bad_route = App::new().route("no-slash", get(|_| async { "" }));
    match Server::bind("127.0.0.1:0", bad_route).await {
        Err(ServeError::Route(error)) => assert!(error.to_string().contains("no-slash"), "{error}"),
        other => panic!("{other:?}"),
    }
    let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
    match Server::bind(taken.local_addr(), app()).await {
        Err(ServeError::Io(error)) => assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse),
        other => panic!("{other:?}"),
    }
}

#[wasio::test]
async fn a_handler_alone_can_be_served() {
    let server = Server::bind(
        "127.0.0.1:0",
        |r: wasio::http::server::Request| async move { format!("you asked for {}", r.path()) },
    )
    .await
    .unwrap();
    let addr = server.local_addr();
    drop(wasio::spawn(server.run()));
    let mut stream = connect(addr).await;
    stream
        .write_all(b"GET /anything HTTP/1.1\r\nhost: a\r\n\r\n")
        .await
        .unwrap();
    let reply = timeout(Duration::from_secs(5), read_reply(&mut stream, false))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reply.text(), "you asked for /anything");
}

/// What the hooks and handlers did, in order.
type Journal = Rc<RefCell<Vec<String>>>;

fn note(journal: &Journal, what: &str) {
    journal.borrow_mut().push(what.to_string());
}

/// An application whose hooks and handler write to `journal`; the hooks named in `failing`
/// fail.
fn hooked(journal: &Journal, failing: &'static [&'static str]) -> App {
    let mut app = App::new().route(
        "/",
        get({
            let journal = journal.clone();
            move |_| {
                let journal = journal.clone();
                async move {
                    note(&journal, "request");
                    "ok"
                }
            }
        }),
    );
    for (name, startup) in [
        ("startup 1", true),
        ("startup 2", true),
        ("cleanup 1", false),
        ("cleanup 2", false),
    ] {
        let journal = journal.clone();
        let hook = move || async move {
            sleep(Duration::from_millis(50)).await;
            note(&journal, name);
            match failing.contains(&name) {
                true => Err(format!("{name} failed")),
                false => Ok(()),
            }
        };
        app = match startup {
            true => app.on_startup(hook),
            false => app.on_cleanup(hook),
        };
    }
    app
}

#[wasio::test]
async fn startup_hooks_run_before_the_first_request_and_cleanup_hooks_after_the_shutdown() {
    let journal = Journal::default();
    let server = start_with(hooked(&journal, &[]), ServerConfig::default()).await;
    // Connected while the startup hooks run: served once they are done.
    let mut client = connect(server.addr).await;
    client
        .write_all(b"GET / HTTP/1.1\r\nhost: a\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_reply(&mut client, false).await.unwrap().text(), "ok");
    drop(client);
    server.stop();
    server.task.await.unwrap().unwrap();
    assert_eq!(
        *journal.borrow(),
        [
            "startup 1",
            "startup 2",
            "request",
            "cleanup 1",
            "cleanup 2"
        ]
    );
}

#[wasio::test]
async fn a_failing_startup_hook_stops_the_server_after_the_cleanup() {
    let journal = Journal::default();
    let server = Server::bind("127.0.0.1:0", hooked(&journal, &["startup 1"]))
        .await
        .unwrap();
    let addr = server.local_addr();
    let error = server.run().await.unwrap_err();
    let ServeError::Startup(hook) = &error else {
        panic!("{error:#?}");
    };
    assert_eq!(hook.stage(), Stage::Startup);
    assert_eq!(error.to_string(), "a startup hook failed: startup 1 failed");
    assert_eq!(*journal.borrow(), ["startup 1", "cleanup 1", "cleanup 2"]);
    assert!(TcpStream::connect(addr).await.is_err(), "nothing served");
    // `?` takes it into the error types that ask for `Send` and `Sync`.
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(error);
    assert_eq!(
        boxed.source().map(ToString::to_string).as_deref(),
        Some("a startup hook failed: startup 1 failed")
    );
}

#[wasio::test]
async fn a_failing_cleanup_hook_does_not_stop_the_others() {
    let journal = Journal::default();
    let server = start_with(hooked(&journal, &["cleanup 1"]), ServerConfig::default()).await;
    server.stop();
    let error = server.task.await.unwrap().unwrap_err();
    assert!(
        matches!(&error, ServeError::Cleanup(hook) if hook.stage() == Stage::Cleanup),
        "{error:#?}"
    );
    assert_eq!(
        *journal.borrow(),
        ["startup 1", "startup 2", "cleanup 1", "cleanup 2"]
    );
}

#[wasio::test]
async fn without_a_server_the_first_requests_wait_for_the_startup_which_runs_once() {
    let journal = Journal::default();
    let service = hooked(&journal, &[]).into_service().unwrap();
    let calls = (0..3).map(|_| {
        let service = service.clone();
        wasio::spawn(async move { service.call(Request::builder("GET", "/").build()).await })
    });
    for call in calls.collect::<Vec<_>>() {
        assert_eq!(call.await.unwrap().status(), StatusCode::OK);
    }
    service.startup().await.unwrap();
    service.cleanup().await.unwrap();
    service.cleanup().await.unwrap();
    assert_eq!(
        *journal.borrow(),
        [
            "startup 1",
            "startup 2",
            "request",
            "request",
            "request",
            "cleanup 1",
            "cleanup 2"
        ]
    );
}

#[wasio::test]
async fn an_application_that_did_not_start_answers_500() {
    let journal = Journal::default();
    let service = hooked(&journal, &["startup 2"]).into_service().unwrap();
    for _ in 0..2 {
        let response = service.call(Request::builder("GET", "/").build()).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
    assert_eq!(*journal.borrow(), ["startup 1", "startup 2"], "run once");
}

#[wasio::test]
async fn a_startup_cancelled_halfway_counts_as_failed() {
    let journal = Journal::default();
    let service = hooked(&journal, &[]).into_service().unwrap();
    let cut_short = timeout(Duration::from_millis(10), service.startup()).await;
    assert!(cut_short.is_err());
    let error = service.startup().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "a startup hook failed: the startup was cancelled halfway"
    );
    let response = service.call(Request::builder("GET", "/").build()).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
}
