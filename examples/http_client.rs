//! aiohttp's client example: GET a URL and print the status, content type and the start of
//! the body; then fetch every URL given, concurrently, with `join_all`.
//!
//! `cargo run --example http_client -- http://127.0.0.1:8080/ http://127.0.0.1:8080/about`
//! (the host must grant HTTP: the runner passes `-Shttp`).

use std::process::ExitCode;

use wasio::future::join_all;
use wasio::http::{Client, Error};

async fn show(client: &Client, url: &str) -> Result<(), Error> {
    let response = client.get(url).send().await?;
    println!("Status: {}", response.status());
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok());
    println!("Content-type: {}", content_type.unwrap_or("(none)"));
    let text = response.text().await?;
    let start: String = text.chars().take(15).collect();
    println!("Body: {start:?} ...");
    Ok(())
}

async fn size_of(client: &Client, url: &str) -> Result<usize, Error> {
    Ok(client
        .get(url)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?
        .len())
}

#[wasio::main]
async fn main() -> ExitCode {
    let urls: Vec<String> = std::env::args().skip(1).collect();
    let Some(first) = urls.first() else {
        eprintln!("usage: http_client URL [URL...]");
        return ExitCode::FAILURE;
    };
    let client = Client::new();
    if let Err(error) = show(&client, first).await {
        eprintln!("http_client: {error}");
        return ExitCode::FAILURE;
    }
    let sizes = join_all(urls.iter().map(|url| size_of(&client, url))).await;
    let mut failed = false;
    for (url, size) in urls.iter().zip(sizes) {
        match size {
            Ok(bytes) => println!("{url}: {bytes} bytes"),
            Err(error) => {
                eprintln!("{url}: {error}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
