//! What goes wrong, as typed errors: missing files, directories, and the ways out of the
//! sandbox.

use std::io;

use wasio::fs::{self, ErrorKind, File};

async fn open_error(path: &str) -> fs::Error {
    File::open(path).await.unwrap_err()
}

#[wasio::test]
async fn a_missing_file_is_not_found() {
    let error = open_error("/files/missing.txt").await;
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.path(), "/files/missing.txt");
    assert_eq!(error.code(), Some("no-entry"));
    assert_eq!(
        error.to_string(),
        "/files/missing.txt: no such file or directory (wasi:filesystem error-code no-entry)"
    );
    assert_eq!(io::Error::from(error).kind(), io::ErrorKind::NotFound);
    let in_a_file = open_error("/files/hello.txt/x").await;
    assert_eq!(in_a_file.kind(), ErrorKind::NotADirectory);
}

#[wasio::test]
async fn a_path_no_preopen_holds_is_refused() {
    let error = open_error("/elsewhere/a.txt").await;
    assert_eq!(error.kind(), ErrorKind::NoPreopen);
    assert_eq!(error.code(), None);
    assert_eq!(
        open_error("relative.txt").await.kind(),
        ErrorKind::NoPreopen
    );
    assert_eq!(
        open_error("/filesystem/a").await.kind(),
        ErrorKind::NoPreopen
    );
}

#[wasio::test]
async fn the_sandbox_refuses_ways_out() {
    for path in [
        "/files/../Cargo.toml",
        "/files/dir/../../Cargo.toml",
        "/files/escape",
    ] {
        let error = open_error(path).await;
        assert_eq!(error.kind(), ErrorKind::OutsideSandbox, "{path}: {error}");
        assert_eq!(
            io::Error::from(error).kind(),
            io::ErrorKind::PermissionDenied
        );
    }
    // `..` that stays inside is fine.
    assert!(File::open("/files/dir/../hello.txt").await.is_ok());
}

#[wasio::test]
async fn a_directory_is_not_a_file_to_write() {
    let error = File::create("/files/dir").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::IsADirectory, "{error}");
}

#[wasio::test]
async fn a_directory_opened_for_reading_does_not_read() {
    let error = open_error("/files/dir").await;
    assert_eq!(error.kind(), ErrorKind::IsADirectory, "{error}");
}
