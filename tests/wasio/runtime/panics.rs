//! Panics that unwind: in a build with `-Cpanic=unwind` (a nightly toolchain that rebuilds
//! the standard library; `scripts/test` builds these tests so), a task that panics ends with
//! `JoinError::Panicked` and a handler that panics is answered with a 500, while the loop, the
//! other tasks and the server go on.

use std::time::Duration;

use wasio::http::server::{App, Request, get};
use wasio::io::{AsyncWriteExt, BufReader};
use wasio::runtime::JoinError;
use wasio::spawn;
use wasio::time::sleep;

use crate::http::server::{connect, read_reply, start};

#[wasio::test]
async fn a_task_that_panics_ends_with_panicked_and_the_others_go_on() {
    let doomed = spawn(async {
        sleep(Duration::from_millis(10)).await;
        panic!("this task panics on purpose");
    });
    let bystander = spawn(async {
        sleep(Duration::from_millis(30)).await;
        7
    });
    assert_eq!(doomed.await, Err::<(), _>(JoinError::Panicked));
    assert_eq!(bystander.await, Ok(7));
    assert_eq!(spawn(async { 8 }).await, Ok(8), "the loop goes on");
}

async fn boom(_: Request) -> &'static str {
    panic!("this handler panics on purpose")
}

async fn fine(_: Request) -> &'static str {
    "fine"
}

#[wasio::test]
async fn a_handler_that_panics_is_a_500_and_the_application_goes_on() {
    let service = App::new()
        .route("/boom", get(boom))
        .route("/", get(fine))
        .into_service()
        .unwrap();
    let response = service.call(Request::builder("GET", "/boom").build()).await;
    assert_eq!(response.status(), 500);
    let response = service.call(Request::builder("GET", "/").build()).await;
    assert_eq!(response.status(), 200);
}

#[wasio::test]
async fn the_server_answers_a_panic_with_a_500_and_keeps_the_connection() {
    let addr = start(App::new().route("/boom", get(boom)).route("/", get(fine))).await;
    let mut stream = BufReader::new(connect(addr).await);
    stream
        .get_mut()
        .write_all(b"GET /boom HTTP/1.1\r\nhost: x\r\n\r\nGET / HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let first = read_reply(&mut stream, false).await.unwrap();
    assert_eq!(first.status, 500);
    let second = read_reply(&mut stream, false).await.unwrap();
    assert_eq!((second.status, second.body.as_slice()), (200, &b"fine"[..]));
}
