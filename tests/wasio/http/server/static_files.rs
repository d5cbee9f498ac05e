//! Static files on wasio's own server: `App::static_files` and `StaticFiles` over the
//! directory the cargo runner preopens (`tests/files` as `/files`), asked by a raw client.

use std::net::SocketAddr;

use wasio::http::server::{App, Compression, FileResponse, Request, StaticFiles, get};

use super::{Reply, exchange, exchange_head, start};

fn app() -> App {
    App::new()
        .static_files("/static", "/files")
        .route(
            "/site/{*page}",
            get(StaticFiles::new("/files/site/").index("index.html")),
        )
        .route(
            "/hello",
            get(|request: Request| async move {
                FileResponse::new("/files/hello.txt")
                    .content_type(http::HeaderValue::from_static("text/x-greeting"))
                    .respond(&request)
                    .await
            }),
        )
}

async fn get_with(addr: SocketAddr, path: &str, headers: &str) -> Reply {
    let request = format!("GET {path} HTTP/1.1\r\nHost: t\r\n{headers}\r\n");
    exchange(addr, request.as_bytes()).await
}

#[wasio::test]
async fn a_file_comes_with_type_length_and_validators() {
    let addr = start(app()).await;
    let reply = get_with(addr, "/static/hello.txt", "").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), "Hello, files!\n");
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(reply.header("content-length"), Some("14"));
    assert!(!reply.chunked);
    assert_eq!(reply.header("accept-ranges"), Some("bytes"));
    let etag = reply.header("etag").unwrap();
    assert!(etag.starts_with('"') && etag.ends_with("-e\""), "{etag}");
    assert!(reply.header("last-modified").unwrap().ends_with(" GMT"));

    let html = get_with(addr, "/site/index.html", "").await;
    assert_eq!(
        html.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let chosen = get_with(addr, "/hello", "").await;
    assert_eq!(chosen.header("content-type"), Some("text/x-greeting"));
    assert_eq!(chosen.text(), "Hello, files!\n");
}

#[wasio::test]
async fn validators_give_304() {
    let addr = start(app()).await;
    let first = get_with(addr, "/static/hello.txt", "").await;
    let etag = first.header("etag").unwrap();
    let date = first.header("last-modified").unwrap();

    let tagged = get_with(
        addr,
        "/static/hello.txt",
        &format!("If-None-Match: {etag}\r\n"),
    )
    .await;
    assert_eq!(tagged.status, 304);
    assert!(tagged.body.is_empty());
    assert_eq!(tagged.header("etag"), Some(etag));
    let listed = format!("If-None-Match: \"other\", W/{etag}\r\n");
    assert_eq!(
        get_with(addr, "/static/hello.txt", &listed).await.status,
        304
    );
    let dated = get_with(
        addr,
        "/static/hello.txt",
        &format!("If-Modified-Since: {date}\r\n"),
    )
    .await;
    assert_eq!(dated.status, 304);
    // If-None-Match decides when both are sent.
    let both = format!("If-None-Match: \"other\"\r\nIf-Modified-Since: {date}\r\n");
    let reply = get_with(addr, "/static/hello.txt", &both).await;
    assert_eq!((reply.status, reply.text()), (200, "Hello, files!\n"));
    let older = "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n";
    assert_eq!(get_with(addr, "/static/hello.txt", older).await.status, 200);
}

#[wasio::test]
async fn single_ranges_give_206_and_unsatisfiable_ones_416() {
    let addr = start(app()).await;
    let range = |r: &str| {
        let headers = format!("Range: {r}\r\n");
        async move { get_with(addr, "/static/hello.txt", &headers).await }
    };
    for (header, body, content_range) in [
        ("bytes=0-4", "Hello", "bytes 0-4/14"),
        ("bytes=7-", "files!\n", "bytes 7-13/14"),
        ("bytes=-6", "iles!\n", "bytes 8-13/14"),
        ("bytes=13-99", "\n", "bytes 13-13/14"),
    ] {
        let reply = range(header).await;
        assert_eq!(reply.status, 206, "{header}");
        assert_eq!(reply.text(), body, "{header}");
        assert_eq!(reply.header("content-range"), Some(content_range));
        assert_eq!(
            reply.header("content-length"),
            Some(&*body.len().to_string())
        );
    }
    for header in ["bytes=14-", "bytes=-0", "bytes=100-200"] {
        let reply = range(header).await;
        assert_eq!(reply.status, 416, "{header}");
        assert_eq!(reply.header("content-range"), Some("bytes */14"));
    }
    // Several ranges, or one that does not parse: the whole file.
    for header in ["bytes=0-1,4-5", "bytes=5-2", "lines=1-2"] {
        let reply = range(header).await;
        assert_eq!(
            (reply.status, reply.text()),
            (200, "Hello, files!\n"),
            "{header}"
        );
    }
}

#[wasio::test]
async fn if_range_applies_the_range_to_this_version_only() {
    let addr = start(app()).await;
    let first = get_with(addr, "/static/hello.txt", "").await;
    let etag = first.header("etag").unwrap();
    let date = first.header("last-modified").unwrap();
    for validator in [etag.to_string(), date.to_string()] {
        let headers = format!("Range: bytes=0-4\r\nIf-Range: {validator}\r\n");
        let reply = get_with(addr, "/static/hello.txt", &headers).await;
        assert_eq!((reply.status, reply.text()), (206, "Hello"), "{validator}");
    }
    for validator in [
        "\"other\"",
        &format!("W/{etag}"),
        "Thu, 01 Jan 1970 00:00:00 GMT",
    ] {
        let headers = format!("Range: bytes=0-4\r\nIf-Range: {validator}\r\n");
        let reply = get_with(addr, "/static/hello.txt", &headers).await;
        assert_eq!(
            (reply.status, reply.text()),
            (200, "Hello, files!\n"),
            "{validator}"
        );
    }
}

#[wasio::test]
async fn head_gets_the_headers_only() {
    let addr = start(app()).await;
    let reply = exchange_head(addr, b"HEAD /static/hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-length"), Some("14"));
    assert_eq!(
        reply.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(reply.header("etag").is_some());
    let ranged = exchange_head(
        addr,
        b"HEAD /static/hello.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=0-1\r\n\r\n",
    )
    .await;
    assert_eq!(ranged.status, 200);
    // The connection carries on after a HEAD: the next request is answered.
    let after = get_with(addr, "/static/hello.txt", "").await;
    assert_eq!(after.status, 200);
}

#[wasio::test]
async fn ways_out_of_the_directory_are_refused() {
    let addr = start(app()).await;
    for path in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/%2E%2E/%2e%2e/Cargo.toml",
        "/static/dir/%2e%2e/%2e%2e/Cargo.toml",
        "/static/..%2fCargo.toml",
        "/static/dir%2f..%2f..%2fCargo.toml",
        "/static/%2fetc%2fpasswd",
        "/static//etc/passwd",
        "/static/dir%5c..%5c..%5cCargo.toml",
        "/static/hello.txt%00.png",
        "/static/./hello.txt",
        "/static/missing.txt",
        "/static/hello.txt/x",
    ] {
        let reply = get_with(addr, path, "").await;
        assert!(
            matches!(reply.status, 400 | 404),
            "{path}: {}",
            reply.status
        );
    }
    // A link in the directory that leads out of it: WASI's sandbox refuses it.
    let escape = get_with(addr, "/static/escape", "").await;
    assert_eq!(escape.status, 403);
    // A link that stays inside is followed.
    let link = get_with(addr, "/static/link.txt", "").await;
    assert_eq!((link.status, link.text()), (200, "Hello, files!\n"));
}

#[wasio::test]
async fn directories_are_not_listed_unless_an_index_is_named() {
    let addr = start(app()).await;
    for path in ["/static/", "/static/dir", "/static/dir/"] {
        assert_eq!(get_with(addr, path, "").await.status, 403, "{path}");
    }
    for path in ["/site/", "/site/index.html"] {
        let reply = get_with(addr, path, "").await;
        assert_eq!(reply.status, 200, "{path}");
        assert!(reply.text().contains("the index"));
    }
}

#[wasio::test]
async fn a_large_file_streams_and_ranges_skip_compression() {
    let path = crate::fs::scratch("large.txt");
    let contents: Vec<u8> = (0..3_000_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    wasio::fs::write(&path, &contents).await.unwrap();
    let name = path.rsplit('/').next().unwrap().to_owned();
    let app = App::new()
        .middleware(Compression::new())
        .static_files("/scratch", "/files/scratch");
    let addr = start(app).await;
    let url = format!("/scratch/{name}");

    let whole = get_with(addr, &url, "").await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.header("content-length"), Some("3000000"));
    assert!(whole.body == contents, "the body differs");

    let ranged = get_with(
        addr,
        &url,
        "Range: bytes=65000-200000\r\nAccept-Encoding: gzip\r\n",
    )
    .await;
    assert_eq!(ranged.status, 206);
    assert_eq!(ranged.header("content-encoding"), None);
    assert_eq!(
        ranged.header("content-range"),
        Some("bytes 65000-200000/3000000")
    );
    assert!(ranged.body == contents[65000..=200000], "the range differs");

    // The whole file may be compressed; its tag is then weak.
    let compressed = get_with(addr, &url, "Accept-Encoding: gzip\r\n").await;
    assert_eq!(compressed.header("content-encoding"), Some("gzip"));
    assert!(compressed.header("etag").unwrap().starts_with("W/"));
    wasio::fs::remove_file(&path).await.unwrap();
}
