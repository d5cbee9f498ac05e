//! Reading: whole files, ranges, metadata, and chunks no larger than one read.

use std::time::{Duration, SystemTime};

use futures_lite::StreamExt;
use wasio::fs::{self, File, FileType};
use wasio::io::AsyncReadExt;

#[wasio::test]
async fn a_file_reads_whole() {
    let file = File::open("/files/hello.txt").await.unwrap();
    assert_eq!(file.path(), "/files/hello.txt");
    let mut text = String::new();
    file.reader()
        .unwrap()
        .read_to_string(&mut text)
        .await
        .unwrap();
    assert_eq!(text, "Hello, files!\n");
    assert_eq!(
        fs::read("/files/dir/inner.txt").await.unwrap(),
        b"inside a directory\n"
    );
}

#[wasio::test]
async fn metadata_gives_type_size_and_time() {
    let metadata = fs::metadata("/files/hello.txt").await.unwrap();
    assert!(metadata.is_file());
    assert_eq!(metadata.len(), 14);
    let modified = metadata.modified().expect("a modification time");
    let age = SystemTime::now().duration_since(modified).unwrap();
    assert!(age < Duration::from_secs(100 * 365 * 24 * 3600), "{age:?}");

    let file = File::open("/files/hello.txt").await.unwrap();
    assert_eq!(file.metadata().await.unwrap(), metadata);

    assert_eq!(
        fs::metadata("/files/dir").await.unwrap().file_type(),
        FileType::Directory
    );
    assert!(fs::metadata("/files").await.unwrap().is_dir());
    // A link is followed, unless asked about itself.
    assert!(fs::metadata("/files/link.txt").await.unwrap().is_file());
    let link = fs::symlink_metadata("/files/link.txt").await.unwrap();
    assert!(link.is_symlink());
    assert_eq!(link.len(), "hello.txt".len() as u64);
}

#[wasio::test]
async fn a_range_reads_its_bytes_only() {
    let file = File::open("/files/hello.txt").await.unwrap();
    let read = |offset, len| {
        let file = file.clone();
        async move {
            let mut out = Vec::new();
            let mut reader = file.read_range(offset, len).unwrap();
            assert_eq!(reader.remaining(), len);
            reader.read_to_end(&mut out).await.unwrap();
            out
        }
    };
    assert_eq!(read(7, 5).await, b"files");
    assert_eq!(read(0, 1).await, b"H");
    assert_eq!(read(13, 1).await, b"\n");
    assert_eq!(read(0, 0).await, b"");
    // Past the end: what there is, then nothing.
    assert_eq!(read(10, 100).await, b"es!\n");
    assert_eq!(read(14, 10).await, b"");
    assert_eq!(read(1000, 10).await, b"");
}

#[wasio::test]
async fn a_large_file_streams_in_chunks_of_one_read() {
    let path = super::scratch("large-read");
    let contents: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    fs::write(&path, &contents).await.unwrap();

    let file = File::open(&path).await.unwrap();
    let mut chunks = file.reader().unwrap();
    let mut read = Vec::new();
    let mut count = 0;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.unwrap();
        assert!(
            !chunk.is_empty() && chunk.len() <= 64 * 1024,
            "{}",
            chunk.len()
        );
        read.extend_from_slice(&chunk);
        count += 1;
    }
    assert!(count >= contents.len() / (64 * 1024), "{count} chunks");
    assert!(read == contents, "the contents differ");

    // A range across chunk boundaries, as a stream.
    let mut range = file.read_range(100_000, 200_001).unwrap();
    let mut read = Vec::new();
    while let Some(chunk) = range.next().await {
        read.extend_from_slice(&chunk.unwrap());
    }
    assert!(read == contents[100_000..300_001], "the range differs");
    fs::remove_file(&path).await.unwrap();
}

#[wasio::test]
async fn reads_mix_with_other_tasks() {
    let path = super::scratch("concurrent");
    fs::write(&path, vec![7u8; 1 << 20]).await.unwrap();
    let readers = (0..4).map(|_| {
        let path = path.clone();
        wasio::spawn(async move { fs::read(&path).await.unwrap().len() })
    });
    let lens = wasio::future::join_all(readers.collect::<Vec<_>>()).await;
    assert!(lens.into_iter().all(|len| len.unwrap() == 1 << 20));
    fs::remove_file(&path).await.unwrap();
}
