//! Writing: created, streamed, replaced, removed.

use wasio::fs::{self, ErrorKind, File};
use wasio::io::{AsyncReadExt, AsyncWriteExt};

#[wasio::test]
async fn a_file_is_written_a_chunk_at_a_time() {
    let path = super::scratch("chunks");
    let file = File::create(&path).await.unwrap();
    let mut writer = file.writer().unwrap();
    let chunk: Vec<u8> = (0..7001u32).map(|i| (i % 253) as u8).collect();
    for _ in 0..300 {
        writer.write_all(&chunk).await.unwrap();
    }
    writer.close().await.unwrap();
    // A second close says the same.
    writer.close().await.unwrap();

    let metadata = fs::metadata(&path).await.unwrap();
    assert_eq!(metadata.len(), 7001 * 300);
    let mut read = Vec::new();
    File::open(&path)
        .await
        .unwrap()
        .reader()
        .unwrap()
        .read_to_end(&mut read)
        .await
        .unwrap();
    assert!(read.chunks(7001).all(|c| c == chunk.as_slice()));
    assert_eq!(read.len(), 7001 * 300);
    fs::remove_file(&path).await.unwrap();
}

#[wasio::test]
async fn one_large_write_arrives_whole() {
    // More than a host write takes at once, and not a multiple of any size the writer uses.
    let path = super::scratch("one-large");
    let contents: Vec<u8> = (0..700_001u32).map(|i| (i % 251) as u8).collect();
    let file = File::create(&path).await.unwrap();
    let mut writer = file.writer().unwrap();
    writer.write_all(&contents).await.unwrap();
    writer.close().await.unwrap();
    assert!(fs::read(&path).await.unwrap() == contents);
    fs::remove_file(&path).await.unwrap();
}

#[wasio::test]
async fn create_replaces_what_was_there() {
    let path = super::scratch("replace");
    fs::write(&path, "a longer first text").await.unwrap();
    fs::write(&path, "short").await.unwrap();
    assert_eq!(fs::read(&path).await.unwrap(), b"short");
    let file = File::create(&path).await.unwrap();
    file.write_all(b"").await.unwrap();
    assert_eq!(fs::metadata(&path).await.unwrap().len(), 0);
    fs::remove_file(&path).await.unwrap();
    let gone = fs::metadata(&path).await.unwrap_err();
    assert_eq!(gone.kind(), ErrorKind::NotFound);
}

#[wasio::test]
async fn directories_are_made_and_hold_files() {
    let dir = super::scratch("dir");
    fs::create_dir(&dir).await.unwrap();
    assert!(fs::metadata(&dir).await.unwrap().is_dir());
    let exists = fs::create_dir(&dir).await.unwrap_err();
    assert_eq!(exists.kind(), ErrorKind::AlreadyExists);
    let inner = format!("{dir}/inner.txt");
    fs::write(&inner, "x").await.unwrap();
    assert_eq!(fs::read(&inner).await.unwrap(), b"x");
    let not_empty = fs::remove_dir(&dir).await.unwrap_err();
    assert_eq!(not_empty.code(), Some("not-empty"));
    fs::remove_file(&inner).await.unwrap();
    fs::remove_dir(&dir).await.unwrap();
    assert_eq!(
        fs::metadata(&dir).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}
