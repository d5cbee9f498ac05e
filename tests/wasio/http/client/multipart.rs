//! `Form` bodies: read by aiohttp's multipart reader, and round-tripped through wasio's own
//! server and its parser; sized with a content length when every part's size is known.

use std::fmt::Write as _;

use bytes::Bytes;
use wasio::http::multipart::MultipartError;
use wasio::http::server::{App, Request, post};
use wasio::http::{Body, Form, FormPart};

use super::{Echo, client, fetch_json};
use crate::http::server::start;

/// A part as the peer's `/multipart` route answers it.
#[derive(Debug, serde::Deserialize, PartialEq)]
struct Seen {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    size: usize,
    sha1: String,
}

fn sha1(bytes: &[u8]) -> String {
    sha1_smol::Sha1::from(bytes).digest().to_string()
}

/// Binary content with CRLFs and every byte value, `len` bytes long.
fn binary(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

/// `chunks` of `size` bytes of [`binary`] content, as a stream.
fn chunked(chunks: usize, size: usize) -> impl futures_lite::Stream<Item = std::io::Result<Bytes>> {
    let content = Bytes::from(binary(chunks * size));
    futures_lite::stream::iter(
        (0..chunks).map(move |i| Ok(content.slice(i * size..(i + 1) * size))),
    )
}

/// A form of a text field, a file from memory and a streamed file of unknown size.
fn form() -> Form {
    Form::new()
        .text("title", "a \"quoted\" holiday")
        .part(
            "photo",
            FormPart::bytes(binary(100_000))
                .file_name("été.jpg")
                .mime("image/jpeg"),
        )
        .part(
            "log",
            FormPart::stream(Body::from_stream(chunked(40, 10_000))).file_name("log.txt"),
        )
}

#[wasio::test]
async fn aiohttp_reads_every_part_of_a_form() {
    let seen: Vec<Seen> = fetch_json(client().post("multipart").multipart(form())).await;
    let expected = [
        Seen {
            name: "title".into(),
            filename: None,
            content_type: None,
            size: 18,
            sha1: sha1(b"a \"quoted\" holiday"),
        },
        Seen {
            name: "photo".into(),
            filename: Some("été.jpg".into()),
            content_type: Some("image/jpeg".into()),
            size: 100_000,
            sha1: sha1(&binary(100_000)),
        },
        Seen {
            name: "log".into(),
            filename: Some("log.txt".into()),
            content_type: None,
            size: 400_000,
            sha1: sha1(&binary(400_000)),
        },
    ];
    assert_eq!(seen, expected);
}

#[wasio::test]
async fn a_form_has_a_content_length_when_every_size_is_known() {
    let sized = Form::new().text("a", "1").part(
        "b",
        FormPart::stream(Body::from_stream_with_len(chunked(40, 10_000), 400_000)),
    );
    let boundary = sized.boundary().to_string();
    let echo: Echo = fetch_json(client().post("echo").multipart(sized)).await;
    assert_eq!(
        echo.content_type,
        format!("multipart/form-data; boundary={boundary}")
    );
    let length: usize = echo.headers["content-length"].parse().unwrap();
    assert_eq!(length, echo.body_len);
    assert!(!echo.headers.contains_key("transfer-encoding"));

    let streamed = Form::new().part("b", FormPart::stream(Body::from_stream(chunked(2, 10))));
    let echo: Echo = fetch_json(client().post("echo").multipart(streamed)).await;
    assert_eq!(
        echo.headers.get("transfer-encoding").map(String::as_str),
        Some("chunked")
    );
    assert!(!echo.headers.contains_key("content-length"));
}

#[wasio::test]
async fn a_sized_part_whose_stream_is_short_fails_the_request() {
    let short = Form::new().part(
        "b",
        FormPart::stream(Body::from_stream_with_len(chunked(2, 10), 30)),
    );
    assert!(
        client()
            .post("upload")
            .multipart(short)
            .send()
            .await
            .is_err()
    );
}

/// Each part as `name filename content-type size sha1`.
async fn parts(mut request: Request) -> Result<String, MultipartError> {
    request.set_max_body_size(10 * 1024 * 1024);
    let mut multipart = request.multipart()?;
    let mut out = String::new();
    while let Some(mut part) = multipart.next_part().await? {
        let header = format!(
            "{} {} {}",
            part.name().unwrap_or("-"),
            part.filename().unwrap_or("-"),
            part.content_type().unwrap_or("-")
        );
        let content = part.bytes().await?;
        let _ = writeln!(out, "{header} {} {}", content.len(), sha1(&content));
    }
    Ok(out)
}

#[wasio::test]
async fn a_form_round_trips_through_wasios_server_and_parser() {
    let addr = start(App::new().route("/parts", post(parts))).await;
    let response = wasio::http::Client::new()
        .post(&format!("http://{addr}/parts"))
        .multipart(form())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let expected = format!(
        "title - - 18 {}\nphoto été.jpg image/jpeg 100000 {}\nlog log.txt - 400000 {}\n",
        sha1(b"a \"quoted\" holiday"),
        sha1(&binary(100_000)),
        sha1(&binary(400_000)),
    );
    assert_eq!(response.text().await.unwrap(), expected);
}
