//! Files, asynchronously, in the directories the host preopened (aiofiles and `os.stat`).
//!
//! A component sees only the directories its host grants it: `wasmtime run --dir
//! HOST::GUEST` (and `wasmtime serve --dir`) preopens the host's directory `HOST` under the
//! guest path `GUEST`. A path given here is looked up among them (`/data/a.txt` in the
//! preopen `/data`; a relative path in the preopen `.`) and resolved by the host inside that
//! directory, whose sandbox refuses any way out of it: `..` past its top and symbolic links
//! that lead outside answer [`ErrorKind::OutsideSandbox`], a path no preopen holds
//! [`ErrorKind::NoPreopen`].
//!
//! Contents move as streams, a chunk at a time ([`FileReader`], [`FileWriter`]). Under WASI
//! 0.3 they are the host's `stream<u8>`s: the host does the file I/O off the component's
//! thread, and other tasks run meanwhile. Under WASI 0.2 they are `wasi:io` streams, each
//! chunk one blocking host call (`blocking-read` of up to 64 KiB; `blocking-write-and-flush`,
//! 4 KiB a call, up to 256 KiB before other tasks run): wasmtime's non-blocking file calls
//! hand every chunk to another thread and back and cost a pollable wait each, which measured
//! slower by a third and more. A blocking call holds the component while the disk works
//! (microseconds from the page cache), never while a peer does.
//!
//! | Python | wasio |
//! |---|---|
//! | `aiofiles.open(p, "rb")`, `f.read()`, `f.seek(o)` + `f.read(n)` | [`File::open`], [`File::reader`], [`File::read_range`] |
//! | `aiofiles.open(p, "wb")`, `f.write(b)` | [`File::create`], [`File::writer`] + `write_all`, [`File::write_all`], [`write()`] |
//! | `os.stat(p)`, `os.lstat(p)` | [`metadata`], [`symlink_metadata`] → [`Metadata`] |
//! | `pathlib.Path.read_bytes()` | [`read()`] |
//! | `os.remove(p)`, `os.mkdir(p)`, `os.rmdir(p)` | [`remove_file`], [`create_dir`], [`remove_dir`] |
//!
//! ```no_run
//! # wasio::run(async {
//! use wasio::io::AsyncWriteExt;
//!
//! // Under `wasmtime run --dir uploads::/uploads`: write a file a chunk at a time.
//! let file = wasio::fs::File::create("/uploads/data.bin").await?;
//! let mut writer = file.writer()?;
//! for chunk in [&b"first "[..], b"second"] {
//!     writer.write_all(chunk).await?;
//! }
//! writer.close().await?;
//! assert_eq!(wasio::fs::read("/uploads/data.bin").await?, b"first second");
//! # Ok::<_, std::io::Error>(())
//! # });
//! ```

mod error;
mod file;
pub(crate) mod host;
mod metadata;
mod path;
mod preopens;
mod reader;
mod writer;

pub use error::{Error, ErrorKind};
pub use file::File;
pub(crate) use metadata::unix_time;
pub use metadata::{FileType, Metadata};
pub use reader::FileReader;
pub use writer::FileWriter;

use futures_lite::io::AsyncReadExt;

use file::error;
use preopens::locate;

/// The type, size and modification time of what `path` names, following symbolic links.
pub async fn metadata(path: &str) -> Result<Metadata, Error> {
    let (dir, rest) = locate(path)?;
    dir.metadata_at(&rest, true)
        .await
        .map_err(|failure| error(path, failure))
}

/// The type, size and modification time of what `path` names; a symbolic link is described
/// itself, not followed.
pub async fn symlink_metadata(path: &str) -> Result<Metadata, Error> {
    let (dir, rest) = locate(path)?;
    dir.metadata_at(&rest, false)
        .await
        .map_err(|failure| error(path, failure))
}

/// The whole contents of the file at `path` (for small files: [`File::reader`] streams).
pub async fn read(path: &str) -> std::io::Result<Vec<u8>> {
    let mut contents = Vec::new();
    File::open(path)
        .await?
        .reader()?
        .read_to_end(&mut contents)
        .await?;
    Ok(contents)
}

/// Writes `contents` to the file at `path`, created if missing and emptied first if not.
pub async fn write(path: &str, contents: impl AsRef<[u8]>) -> std::io::Result<()> {
    File::create(path).await?.write_all(contents.as_ref()).await
}

/// Removes the file at `path`.
pub async fn remove_file(path: &str) -> Result<(), Error> {
    let (dir, rest) = locate(path)?;
    dir.remove_file_at(&rest)
        .await
        .map_err(|failure| error(path, failure))
}

/// Removes the directory `path`, which must be empty.
pub async fn remove_dir(path: &str) -> Result<(), Error> {
    let (dir, rest) = locate(path)?;
    dir.remove_dir_at(&rest)
        .await
        .map_err(|failure| error(path, failure))
}

/// Creates the directory `path` (its parent must exist).
pub async fn create_dir(path: &str) -> Result<(), Error> {
    let (dir, rest) = locate(path)?;
    dir.create_dir_at(&rest)
        .await
        .map_err(|failure| error(path, failure))
}
